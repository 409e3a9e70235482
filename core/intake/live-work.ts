import type { Db } from '../db/database.ts';

/**
 * Work a person is waiting for (new mail becoming a draft, a page, an approval) against work nobody waits for
 * (a first sync's old mail): while any of the first runs on a database, the second waits between its chunks,
 * so a new customer's first sync does not slow the desk down. It waits a bounded while, so it also goes on
 * when the desk is never idle.
 */
interface Live {
  running: number;
  settled: (() => void)[];
}
const live = new WeakMap<Db, Live>();
const of = (db: Db): Live => live.get(db) ?? live.set(db, { running: 0, settled: [] }).get(db)!;

/** Marks live work as started; call what it returns once, when it ends. */
export function startLiveWork(db: Db): () => void {
  const l = of(db);
  l.running++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    if (--l.running === 0) for (const resolve of l.settled.splice(0)) resolve();
  };
}

export async function liveWork<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const end = startLiveWork(db);
  try {
    return await work();
  } finally {
    end();
  }
}

/** Resolves when no live work runs on this database, or after `maxMs` (a scheduling bound, not a wait for an event). */
export function liveWorkSettled(db: Db, maxMs: number): Promise<void> {
  const l = of(db);
  if (l.running === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    l.settled.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
