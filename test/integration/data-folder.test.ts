import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longhand, processEnv } from '../support/longhand-process.ts';
import { uniqueName } from '../support/servers.ts';

describe('the embedded data folder', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-perm-')), 'data');
  });

  afterAll(() => {
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('is readable by its owner only: the folder 0700, every file in it 0600, old ones fixed at start', async () => {
    expect((await longhand(['migrate'], processEnv({ dataDir, queuePrefix: uniqueName('perm') }))).code).toBe(0);
    const loose = path.join(dataDir, 'pglite', 'PG_VERSION');
    fs.chmodSync(loose, 0o666);
    expect((await longhand(['migrate'], processEnv({ dataDir, queuePrefix: uniqueName('perm') }))).code).toBe(0);
    const modes: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        const mode = fs.statSync(p).mode & 0o777;
        if (e.isDirectory() ? mode !== 0o700 : mode !== 0o600) modes.push(`${p} ${mode.toString(8)}`);
        if (e.isDirectory()) walk(p);
      }
    };
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    walk(dataDir);
    expect(modes).toEqual([]);
  });
});
