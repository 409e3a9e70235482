import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { openMemoryPglite } from '../../core/db/database.ts';
import { migrateToLatest } from '../../core/db/migrate.ts';
import { Dovecot, type DovecotInfo } from './dovecot.ts';
import { ensureSystemPackages } from './system-packages.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    runId: string;
    dovecot: DovecotInfo;
  }
}

/**
 * Once per run: the command is built, the servers the tests need are installed and answering, a shared Dovecot is up (each
 * test uses its own mailbox user in it), and a migrated PGlite is saved so each test file loads it in
 * well under a second instead of creating one.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureSystemPackages();
  buildCommand();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-test-'));
  const [dovecot, snapshot] = await Promise.all([Dovecot.start(), migratedSnapshot(dir)]);
  project.provide('pgliteSnapshot', snapshot);
  project.provide('runId', Math.random().toString(36).slice(2, 8));
  project.provide('dovecot', dovecot.info());
  return async () => {
    await dovecot.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

/** The `longhand` processes tests start run dist/, as a user's do: build it from the sources under test. */
function buildCommand(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
}

async function migratedSnapshot(dir: string): Promise<string> {
  const database = await openMemoryPglite();
  await migrateToLatest(database.db);
  const file = path.join(dir, 'migrated.tar.gz');
  fs.writeFileSync(file, Buffer.from(await (await database.client.dumpDataDir('gzip')).arrayBuffer()));
  await database.close();
  return file;
}
