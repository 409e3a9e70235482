import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/dovecot.ts';
import { processEnv, type Result, longhand as run, startLonghand } from '../support/longhand-process.ts';
import { deleteRedisPrefix } from '../support/redis-keys.ts';
import { uniqueName } from '../support/servers.ts';

const DEMO_MAIL = fileURLToPath(new URL('../../demo/mail/', import.meta.url));

/** The `longhand` command as a user runs it, in its own process, on an embedded database under a temp folder. */
describe('the longhand command on the embedded database', () => {
  let dataDir: string;
  let prefix: string;
  let env: NodeJS.ProcessEnv;

  const longhand = (args: string[], input?: string): Promise<Result> => run(args, env, input);

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-cli-'));
    prefix = uniqueName('cli');
    env = processEnv({ dataDir, queuePrefix: prefix });
  });

  afterAll(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await deleteRedisPrefix(prefix);
  });

  it('lists every configuration problem at once', async () => {
    const r = await longhand(['migrate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('database is up to date\n');
    const bad = await run(['migrate'], { ...env, PORT: 'eighty', LONGHAND_IMAP_URL: 'ftp://x', REDIS_URL: 'http://nope' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('4 problems');
    expect(bad.stderr).toContain('PORT');
    expect(bad.stderr).toContain('REDIS_URL');
    expect(bad.stderr).toContain('LONGHAND_IMAP_URL must start with imap:// or imaps://');
    expect(bad.stderr).toContain('LONGHAND_SMTP_URL and LONGHAND_FROM must be set too');
  });

  it('adds users and tokens, refuses a second start on the same data folder, imports and exports', async () => {
    const added = await longhand(['user', 'add', '--email', 'Dana@Fernhill.example', '--name', 'Dana Okafor', '--role', 'owner', '--password-stdin'], 'a long enough password\n');
    expect(added.stderr).toBe('');
    expect(added.stdout).toBe('added dana@fernhill.example as owner\n');
    const duplicate = await longhand(['user', 'add', '--email', 'dana@fernhill.example', '--name', 'Dana', '--role', 'owner']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('exists already');

    const token = await longhand(['token', 'create', '--user', 'dana@fernhill.example']);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^lh_[A-Za-z0-9_-]{40,}\n$/);

    const server = await startLonghand(['start'], env);
    try {
      const url = server.url;
      const health = await fetch(`${url}/healthz`);
      expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok', redis: 'ok' });
      const conversations = await fetch(`${url}/api/conversations`, { headers: { authorization: `Bearer ${token.stdout.trim()}` } });
      expect(conversations.status).toBe(200);
      // A command beside it goes through the running process (cli-beside-start.test.ts has the rest); a second start is refused, by name.
      const second = await longhand(['user', 'add', '--email', 'sam@fernhill.example', '--name', 'Sam Reyes']);
      expect(second.stdout).toContain('added sam@fernhill.example as agent');
      const again = await longhand(['start']);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`in use by another Longhand process (pid ${server.child.pid})`);
      expect(again.stderr).toContain('DATABASE_URL');
    } finally {
      await server.stop();
    }

    const imported = await longhand(['import', DEMO_MAIL]);
    expect(imported.code).toBe(0);
    const count = fs.readdirSync(DEMO_MAIL).filter((f) => f.endsWith('.eml')).length;
    expect(imported.stdout).toBe(`imported ${count} messages (0 already there)\n`);
    expect(imported.stderr).toContain(`${count}/${count} messages`);
    const again = await longhand(['import', DEMO_MAIL]);
    expect(again.stdout).toBe(`imported 0 messages (${count} already there)\n`);

    const exported = await longhand(['export', 'threads']);
    expect(exported.code).toBe(0);
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.length).toBeLessThan(count);
    const ids = lines.flatMap((l) => l.messageIds);
    expect(new Set(ids).size).toBe(count);
    for (const l of lines) expect(Object.keys(l).sort()).toEqual(['customer', 'id', 'messageIds', 'subject']);
  });

  it('refuses to import what is not mail, by file name, and exits non-zero when nothing was imported', async () => {
    const notMail = path.join(dataDir, 'hostname');
    fs.writeFileSync(notMail, 'myhost\n');
    const refused = await longhand(['import', notMail]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`Nothing imported from ${notMail}`);
    expect(refused.stderr).toContain(`${notMail}: it has no mail header block`);

    const mixed = fs.mkdtempSync(path.join(dataDir, 'mixed-'));
    fs.copyFileSync(path.join(DEMO_MAIL, fs.readdirSync(DEMO_MAIL).find((f) => f.endsWith('.eml'))!), path.join(mixed, 'mail.eml'));
    fs.writeFileSync(path.join(mixed, 'photo.eml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    const partly = await longhand(['import', mixed]);
    expect(partly.code).toBe(0);
    expect(partly.stderr).toContain('refused photo.eml: it has no mail header block');

    const empty = fs.mkdtempSync(path.join(dataDir, 'empty-'));
    const none = await longhand(['import', empty]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`${empty} has no .eml files.`);
  });

  it('starts a Redis of its own under the data folder when none answers', async () => {
    const port = await freePort();
    const server = await startLonghand(['start'], { ...env, REDIS_URL: `redis://127.0.0.1:${port}` });
    const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
    redis.on('error', () => {});
    try {
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
      expect(((await redis.config('GET', 'dir')) as string[])[1]).toBe(path.join(dataDir, 'redis'));
    } finally {
      await server.stop();
      await redis.shutdown('NOSAVE').catch(() => undefined);
      redis.disconnect();
    }
  });
});
