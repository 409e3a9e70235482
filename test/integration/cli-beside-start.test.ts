import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processEnv, longhand as run, startLonghand } from '../support/longhand-process.ts';
import { deleteRedisPrefix } from '../support/redis-keys.ts';
import { uniqueName } from '../support/servers.ts';

const DEMO_MAIL = fileURLToPath(new URL('../../demo/mail/', import.meta.url));

/** The embedded database allows one process: while `longhand start` runs, every other command goes through it. */
describe('the longhand command beside a running longhand start', () => {
  let dataDir: string;
  let prefix: string;
  let env: NodeJS.ProcessEnv;
  let server: Awaited<ReturnType<typeof startLonghand>>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-beside-'));
    prefix = uniqueName('beside');
    env = processEnv({ dataDir, queuePrefix: prefix });
    server = await startLonghand(['start'], env);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    await deleteRedisPrefix(prefix);
  });

  it('adds a user, sets a password and makes a token that the running app accepts at once', async () => {
    const added = await run(['user', 'add', '--email', 'Dana@Fernhill.example', '--name', 'Dana Okafor', '--role', 'owner', '--password-stdin'], env, 'a long enough password\n');
    expect(added).toMatchObject({ code: 0, stdout: 'added dana@fernhill.example as owner\n' });
    const password = await run(['user', 'password', '--email', 'dana@fernhill.example'], env, 'another long password\n');
    expect(password).toMatchObject({ code: 0, stdout: 'password set for dana@fernhill.example\n' });

    const token = await run(['token', 'create', '--user', 'dana@fernhill.example'], env);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^lh_[A-Za-z0-9_-]{40,}\n$/);
    const me = await fetch(`${server.url}/api/conversations`, { headers: { authorization: `Bearer ${token.stdout.trim()}` } });
    expect(me.status).toBe(200);

    const unknown = await run(['token', 'create', '--user', 'nobody@fernhill.example'], env);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe('longhand: No user has the address nobody@fernhill.example.\n');
  });

  it('imports a folder named relative to where the command runs, then exports and runs follow-ups', async () => {
    const count = fs.readdirSync(DEMO_MAIL).filter((f) => f.endsWith('.eml')).length;
    const imported = await run(['import', path.basename(DEMO_MAIL)], env, '', path.dirname(DEMO_MAIL));
    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe(`imported ${count} messages (0 already there)\n`);
    expect(imported.stderr).toContain(`${count}/${count} messages`);

    const exported = await run(['export', 'threads'], env);
    expect(exported.code).toBe(0);
    const ids = exported.stdout
      .trim()
      .split('\n')
      .flatMap((l) => JSON.parse(l).messageIds);
    expect(new Set(ids).size).toBe(count);

    const followups = await run(['followups', 'run'], env);
    expect(followups.code).toBe(0);
    expect(followups.stdout).not.toBe('');
  });

  it('answers --help and bad options as it does alone, and refuses a second start by name', async () => {
    const help = await run(['user', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('manage staff accounts');
    const second = await run(['start'], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`in use by another Longhand process (pid ${server.child.pid})`);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('says so clearly when the process holding the database does not answer', async () => {
    const held = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-held-'));
    try {
      // A live process (this test runner) holds the lock, and no socket answers in its folder.
      fs.writeFileSync(path.join(held, 'pglite.lock'), String(process.pid));
      const r = await run(['export', 'threads'], processEnv({ dataDir: held, queuePrefix: prefix }));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`in use by Longhand process ${process.pid}, and that process does not answer commands on ${path.join(held, 'longhand.sock')}`);
    } finally {
      fs.rmSync(held, { recursive: true, force: true });
    }
  });
});
