import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';

describe('ManualClock', () => {
  it('wakes a sleeper only once the clock has moved past its time, and tells how long each still waits', async () => {
    const clock = new ManualClock('2026-11-20T09:00:00Z');
    let woke = false;
    const sleeping = clock.sleep(60_000).then(() => {
      woke = true;
    });
    expect(clock.sleeping()).toEqual([60_000]);
    clock.advance(59_999);
    await new Promise(setImmediate);
    expect(woke).toBe(false);
    expect(clock.sleeping()).toEqual([1]);
    clock.set('2026-11-20T09:01:00Z');
    await sleeping;
    expect(woke).toBe(true);
    expect(clock.sleeping()).toEqual([]);
  });

  it('lets a sleeper go at once when its signal aborts, without moving the time', async () => {
    const clock = new ManualClock('2026-11-20T09:00:00Z');
    const abort = new AbortController();
    const sleeping = clock.sleep(60_000, abort.signal);
    abort.abort();
    await sleeping;
    expect(clock.sleeping()).toEqual([]);
    expect(clock.now().toISOString()).toBe('2026-11-20T09:00:00.000Z');
    await clock.sleep(1_000, abort.signal);
  });
});
