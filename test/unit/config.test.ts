import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('starts on embedded defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeNull();
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.port).toBe(3000);
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.mailbox).toBeNull();
    expect(c.undoSeconds).toBe(10);
  });

  it('parses a mailbox from the three variables, with TLS from the scheme and encoded credentials', () => {
    const c = loadConfig({
      LONGHAND_IMAP_URL: 'imaps://support%40acme.example:p%40ss@imap.acme.example',
      LONGHAND_SMTP_URL: 'smtp://u:pw@smtp.acme.example:2525',
      LONGHAND_FROM: 'Support@Acme.example',
    });
    expect(c.mailbox).toEqual({
      imap: { host: 'imap.acme.example', port: 993, secure: true, user: 'support@acme.example', password: 'p@ss' },
      smtp: { host: 'smtp.acme.example', port: 2525, secure: false, user: 'u', password: 'pw' },
      from: 'support@acme.example',
    });
  });

  it('lists every problem at once, naming each variable', () => {
    const list = problems({ PORT: 'eighty', REDIS_URL: 'http://x', LONGHAND_IMAP_URL: 'ftp://a@b', LONGHAND_UNDO_SECONDS: '-1', LONGHAND_SECRET: 'short' });
    expect(list.some((p) => p.startsWith('PORT'))).toBe(true);
    expect(list.some((p) => p.startsWith('REDIS_URL'))).toBe(true);
    expect(list.some((p) => p.startsWith('LONGHAND_UNDO_SECONDS'))).toBe(true);
    expect(list.some((p) => p.startsWith('LONGHAND_SECRET'))).toBe(true);
    expect(list.some((p) => p.startsWith('LONGHAND_IMAP_URL must start with imap://'))).toBe(true);
    expect(list.some((p) => p.includes('LONGHAND_SMTP_URL and LONGHAND_FROM must be set too'))).toBe(true);
    expect(list.length).toBeGreaterThanOrEqual(6);
  });

  it('never echoes a password in a problem', () => {
    const list = problems({ LONGHAND_IMAP_URL: 'imap://:hunter2-secret@host', LONGHAND_SMTP_URL: 'smtp://x', LONGHAND_FROM: 'a@b.c' });
    expect(list.join('\n')).not.toContain('hunter2');
    expect(list.some((p) => p.includes('has no user name'))).toBe(true);
  });

  it('requires LONGHAND_SECRET with DATABASE_URL so every process shares the encryption key', () => {
    expect(problems({ DATABASE_URL: 'postgres://localhost/x' })).toEqual([expect.stringContaining('LONGHAND_SECRET must be set when DATABASE_URL is')]);
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/x', LONGHAND_SECRET: 'x'.repeat(32) }).databaseUrl).toBe('postgres://localhost/x');
  });

  it('the error message reads as one clear paragraph', () => {
    try {
      loadConfig({ PORT: '99999' });
    } catch (err) {
      expect((err as Error).message).toMatch(/^Longhand cannot start, the configuration has a problem:\n {2}- PORT/);
    }
  });
});
