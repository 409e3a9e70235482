import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/longhand.mjs', import.meta.url));

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * What a spawned `longhand` sees: only PATH and HOME from ours, a data folder and queue prefix of its own,
 * quiet logs and any free port; on PostgreSQL the shared secret every process of one team needs.
 */
export function processEnv(o: { dataDir: string; queuePrefix: string; databaseUrl?: string }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LONGHAND_DATA_DIR: o.dataDir,
    LONGHAND_QUEUE_PREFIX: o.queuePrefix,
    LONGHAND_LOG_LEVEL: 'warn',
    PORT: '0',
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl, LONGHAND_SECRET: 'processes-of-one-team-share-this-secret' } : {}),
    ...extra,
  };
}

/** Runs `longhand ARGS` in its own process, as a user would, and collects what it printed. */
export function longhand(args: string[], env: NodeJS.ProcessEnv, input = '', cwd?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(input);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running `longhand` command (start, web, worker) and waits for its "is up" line; `url` is the web app's. */
export async function startLonghand(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string; output: () => string; stop(signal?: NodeJS.Signals): Promise<void> }> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A test that fails or times out must not leave a server holding its data folder and ports.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  child.once('exit', () => process.off('exit', orphan));
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`longhand ${args.join(' ')} did not come up:\n${out}`)), 90_000);
    child.stderr!.on('data', (d) => {
      out += d;
      const m = /Longhand is up at (http:\/\/\S+)|Longhand workers are up/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? '');
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`longhand ${args.join(' ')} exited ${code}:\n${out}`));
    });
  });
  return {
    child,
    url,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}
