/** The one source of time. Everything that asks "what time is it", or waits, takes a Clock, so tests control time. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms` of this clock's time, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

interface Sleeper {
  at: number;
  wake: () => void;
}

/** A clock that only moves when told to; whoever sleeps on it wakes when it is moved past their time. */
export class ManualClock implements Clock {
  #ms: number;
  #sleepers = new Set<Sleeper>();
  constructor(start: Date | string = '2026-11-20T09:00:00Z') {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  set(at: Date | string): void {
    this.#ms = new Date(at).getTime();
    this.#wakeDue();
  }
  advance(ms: number): void {
    this.#ms += ms;
    this.#wakeDue();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper: Sleeper = {
        at: this.#ms + ms,
        wake: () => {
          this.#sleepers.delete(sleeper);
          signal?.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.#sleepers.add(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
      if (ms <= 0) sleeper.wake();
    });
  }
  /** How long each sleeper still has to wait, shortest first: what a test advances by. */
  sleeping(): number[] {
    return [...this.#sleepers].map((s) => s.at - this.#ms).sort((a, b) => a - b);
  }
  #wakeDue(): void {
    for (const s of [...this.#sleepers]) if (s.at <= this.#ms) s.wake();
  }
}
