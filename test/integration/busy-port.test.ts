import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longhand, processEnv } from '../support/longhand-process.ts';
import { deleteRedisPrefix } from '../support/redis-keys.ts';
import { uniqueName } from '../support/servers.ts';

describe('longhand start on a port already in use', () => {
  let dataDir: string;
  let prefix: string;
  let busy: net.Server;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-busy-'));
    prefix = uniqueName('busy');
    busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
    await deleteRedisPrefix(prefix);
  });

  it('stops with a clear message and a failing exit code, before any worker starts', async () => {
    const port = (busy.address() as net.AddressInfo).port;
    const r = await longhand(['start'], processEnv({ dataDir, queuePrefix: prefix }, { PORT: String(port), LONGHAND_LOG_LEVEL: 'info' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(r.stderr).not.toContain('Longhand is up');
  });
});
