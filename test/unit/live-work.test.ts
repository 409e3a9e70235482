import { describe, expect, it } from 'vitest';
import type { Db } from '../../core/db/database.ts';
import { liveWork, liveWorkSettled, startLiveWork } from '../../core/intake/live-work.ts';

const someDb = () => ({}) as Db;

describe('old mail giving way to live work', () => {
  it('waits while live work runs and goes on when the last of it ends', async () => {
    const db = someDb();
    const first = startLiveWork(db);
    let second!: () => void;
    const work = liveWork(db, () => new Promise<void>((resolve) => (second = resolve)));
    let settled = false;
    const waiting = liveWorkSettled(db, 60_000).then(() => (settled = true));
    first();
    first(); // ending twice counts once
    await Promise.resolve();
    expect(settled).toBe(false);
    second();
    await work;
    await waiting;
    expect(settled).toBe(true);
  });

  it('does not wait when nothing live runs, nor past its bound when something always does', async () => {
    const db = someDb();
    await liveWorkSettled(db, 60_000);
    startLiveWork(db);
    await liveWorkSettled(db, 0);
    // Another database's work is not this one's.
    await liveWorkSettled(someDb(), 60_000);
  });
});
