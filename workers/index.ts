import { type ConnectionOptions, DelayedError, type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Ctx } from '../core/context.ts';
import { prepareReplyDraft } from '../core/drafts/drafter.ts';
import { liveWork } from '../core/intake/live-work.ts';
import { repeatingFailureLog } from '../core/logger.ts';
import { ImapSessions } from '../core/mail/imap-sessions.ts';
import { deliverOutbox } from '../core/outbox/outbox.ts';
import { startFollowupWorker } from './followups.ts';
import { MailboxOwners, type OwnershipOptions } from './mailbox-owners.ts';
import { QUEUE, type Queues } from './queues.ts';
import { sweep } from './sweep.ts';

export interface WorkerOptions {
  connection: ConnectionOptions;
  redis: Redis;
  queues: Queues;
  prefix: string;
  sweepEveryMs?: number;
  /** How often the follow-up rules are evaluated; the sweep's period unless given. */
  followupEveryMs?: number;
  sendConcurrency?: number;
  ownership?: Omit<OwnershipOptions, 'prefix'>;
}

export interface RunningWorkers {
  owners: MailboxOwners;
  close(): Promise<void>;
}

/** The queue processors: thin, each takes a job's ids and calls the domain. */
export async function startWorkers(ctx: Ctx, o: WorkerOptions): Promise<RunningWorkers> {
  const base = { connection: o.connection, prefix: o.prefix };
  // While Redis is down every worker reports it several times a second: a line a minute says enough.
  const logRepeating = repeatingFailureLog(ctx.log, () => ctx.clock.now().getTime());
  const draft = new Worker(QUEUE.draft, async (job: Job<{ conversationId: number }>) => liveWork(ctx.db, () => prepareReplyDraft(ctx, job.data.conversationId)), {
    ...base,
    concurrency: 2,
  });
  const imap = new ImapSessions();
  const send = new Worker(
    QUEUE.send,
    async (job: Job<{ outboxId: number }>, token?: string) => {
      const outcome = await deliverOutbox(ctx, job.data.outboxId, imap);
      if (outcome.kind === 'later') {
        await job.moveToDelayed(Date.now() + Math.max(0, outcome.at.getTime() - ctx.clock.now().getTime()), token);
        throw new DelayedError();
      }
      return outcome;
    },
    // A worker that died holding a send is noticed within seconds, not the default half minute; the job
    // then finds its row in `sending` and settles it from the Sent folder instead of sending again.
    { ...base, concurrency: o.sendConcurrency ?? 4, lockDuration: 10_000, stalledInterval: 5_000 },
  );
  const maintenance = new Worker(QUEUE.maintenance, async () => sweep(ctx, o.queues), { ...base, concurrency: 1 });
  for (const w of [draft, send, maintenance]) {
    w.on('failed', (job, err) => ctx.log.warn({ queue: w.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'));
    w.on('error', (err) => logRepeating('worker error', { queue: w.name, err: err.message }));
  }
  // Catch up at once with whatever the database holds: after a restart or a lost Redis.
  await sweep(ctx, o.queues);
  // Then one sweep per period across all workers: each asks for the period's job, the job id makes it one.
  // A timer of our own, not a repeatable job kept in Redis, so a flushed Redis cannot stop the sweeps.
  const every = o.sweepEveryMs ?? 30_000;
  const timer = setInterval(() => {
    o.queues.maintenance.add('sweep', {}, { jobId: `sweep-${Math.floor(Date.now() / every)}` }).catch((err) => logRepeating('could not ask for a sweep', { err: err.message }));
  }, every);
  const followups = await startFollowupWorker(ctx, { ...base, queue: o.queues.followup, everyMs: o.followupEveryMs ?? every, logRepeating });
  const owners = new MailboxOwners(ctx, o.redis, { prefix: o.prefix, ...o.ownership });
  owners.start();
  return {
    owners,
    close: async () => {
      clearInterval(timer);
      await owners.stop();
      await Promise.all([draft.close(), send.close(), maintenance.close(), followups.close()]);
      await imap.close();
    },
  };
}
