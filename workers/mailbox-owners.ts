import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Ctx } from '../core/context.ts';
import { runMailboxSync, type SyncOptions } from '../core/mail/sync.ts';
import { recordOwnerHeartbeat } from '../core/mailboxes/health.ts';
import { listMailboxes } from '../core/mailboxes/mailboxes.ts';

export interface OwnershipOptions {
  prefix: string;
  leaseMs?: number;
  scanMs?: number;
  sync?: Omit<SyncOptions, 'signal'>;
}

// Renew only a lease we still hold: a worker that stalled past its lease must not take it back.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

interface Run {
  abort: AbortController;
  done: Promise<void>;
  generation: number;
}

/**
 * Each mailbox is synced by exactly one worker at a time, across any number of processes: a lease in
 * Redis that the owner renews. When an owner dies its lease expires and another worker takes the
 * mailbox over, carrying on from the state stored in the database. Live workers announce themselves,
 * and each takes no more than its fair share, so mailboxes spread over the workers there are.
 */
export class MailboxOwners {
  readonly workerId = randomUUID();
  readonly #owned = new Map<number, Run>();
  readonly #leaseMs: number;
  readonly #scanMs: number;
  #timer: NodeJS.Timeout | null = null;
  #scanning: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: Ctx,
    private readonly redis: Redis,
    private readonly options: OwnershipOptions,
  ) {
    this.#leaseMs = options.leaseMs ?? 15_000;
    this.#scanMs = options.scanMs ?? Math.min(5_000, this.#leaseMs / 3);
  }

  start(): void {
    const tick = () => {
      this.#scanning = this.#scanning.then(() => this.scan()).catch((err) => this.ctx.log.error({ err }, 'mailbox ownership scan failed'));
    };
    tick();
    this.#timer = setInterval(tick, this.#scanMs);
  }

  owned(): number[] {
    return [...this.#owned.keys()];
  }

  private key(mailboxId: number): string {
    return `${this.options.prefix}:lease:mailbox:${mailboxId}`;
  }

  private get workersKey(): string {
    return `${this.options.prefix}:workers`;
  }

  private async liveWorkers(): Promise<number> {
    const now = Date.now();
    await this.redis.zadd(this.workersKey, now + this.#leaseMs, this.workerId);
    await this.redis.zremrangebyscore(this.workersKey, '-inf', now);
    return Math.max(1, await this.redis.zcard(this.workersKey));
  }

  private async scan(): Promise<void> {
    for (const [id, run] of this.#owned) {
      const renewed = await this.redis.eval(RENEW, 1, this.key(id), this.workerId, String(this.#leaseMs));
      if (renewed !== 1) {
        this.ctx.log.warn({ mailboxId: id }, 'lost the lease on a mailbox; stopping its sync');
        run.abort.abort();
        this.#owned.delete(id);
      }
    }
    const mailboxes = await listMailboxes(this.ctx);
    // A mailbox waiting for an owner to reconnect it is not signed in to at all until then.
    const enabled = mailboxes.filter((m) => m.enabled && !m.needs_reconnect);
    const share = Math.ceil(enabled.length / (await this.liveWorkers()));
    for (const m of mailboxes) {
      const run = this.#owned.get(m.id);
      // Disabled, waiting for a reconnect, or asked to sync again from the start: stop this run; the next scan starts afresh.
      if (run && (!m.enabled || m.needs_reconnect || run.generation !== m.sync_generation)) await this.release(m.id);
    }
    // More than our share (a worker joined): hand one back per scan, so the others can take it.
    if (this.#owned.size > share) await this.release(Math.max(...this.#owned.keys()));
    for (const m of enabled) {
      if (this.#owned.has(m.id) || this.#owned.size >= share) continue;
      const got = await this.redis.set(this.key(m.id), this.workerId, 'PX', this.#leaseMs, 'NX');
      if (got !== 'OK') continue;
      const abort = new AbortController();
      const done = runMailboxSync(this.ctx, m.id, { ...this.options.sync, signal: abort.signal }).catch((err) =>
        this.ctx.log.error({ err, mailboxId: m.id }, 'mailbox sync crashed'),
      );
      this.#owned.set(m.id, { abort, done, generation: m.sync_generation });
      this.ctx.log.info({ mailboxId: m.id, workerId: this.workerId }, 'took ownership of mailbox');
    }
    await recordOwnerHeartbeat(this.ctx, this.owned(), this.workerId);
  }

  private async release(mailboxId: number): Promise<void> {
    const run = this.#owned.get(mailboxId);
    this.#owned.delete(mailboxId);
    run?.abort.abort();
    await run?.done;
    await this.redis.eval(RELEASE, 1, this.key(mailboxId), this.workerId);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#scanning;
    for (const id of [...this.#owned.keys()]) await this.release(id);
    await this.redis.zrem(this.workersKey, this.workerId);
  }
}
