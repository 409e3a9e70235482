import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { type Prepared, type PrepareRules, type PrepareTask, prepareMessage } from './prepare.ts';

/** Prepares batches of messages (prepare.ts): in this thread, or spread over worker threads. */
export interface Preparer {
  prepare(tasks: PrepareTask[], rules: PrepareRules): Promise<Prepared[]>;
  close(): Promise<void>;
}

export const inThisThread: Preparer = {
  prepare: async (tasks, rules) => {
    const out: Prepared[] = [];
    for (const task of tasks) out.push(await prepareMessage(task, rules));
    return out;
  },
  close: async () => {},
};

/** Below this many messages a batch is prepared in this thread: handing one new mail to a thread only adds latency. */
const THREADED_FROM = 8;

/**
 * A pool of `threads` worker threads (piscina) for large batches, such as a first sync or an import;
 * threads start when first needed and stop when idle. Zero threads prepares everything in this thread.
 */
export function preparerWithThreads(threads: number): Preparer {
  if (threads <= 0) return inThisThread;
  const self = fileURLToPath(import.meta.url);
  const fromSource = self.endsWith('.ts');
  const pool = new Piscina({
    filename: self.replace(/preparer\.(ts|js)$/, 'prepare-worker.$1'),
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 30_000,
    // Running from the TypeScript sources (tests, benchmarks), the threads read them as this process does.
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  });
  return {
    async prepare(tasks, rules) {
      if (tasks.length < THREADED_FROM) return inThisThread.prepare(tasks, rules);
      // One share per thread, handed over at once: the main thread is often busy storing the batch before, and
      // a thread waiting for it to hand over the next small share would sit idle.
      const size = Math.ceil(tasks.length / threads);
      const shares: PrepareTask[][] = [];
      for (let i = 0; i < tasks.length; i += size) shares.push(tasks.slice(i, i + size));
      const done = await Promise.all(shares.map((share) => pool.run({ tasks: share, rules }) as Promise<Prepared[]>));
      return done.flat().map(revive);
    },
    close: () => pool.destroy(),
  };
}

/** What crossed back from a thread: structured cloning turns Buffers into plain Uint8Arrays. */
function revive(p: Prepared): Prepared {
  const buffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  for (const a of p.parsed.attachments) a.content = buffer(a.content);
  p.storedSource = buffer(p.storedSource);
  return p;
}
