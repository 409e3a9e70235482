import { type ConnectionOptions, type JobsOptions, Queue } from 'bullmq';
import { QueueUnavailableError } from '../core/errors.ts';
import type { JobScheduler } from '../core/jobs.ts';
import { MAX_SEND_ATTEMPTS } from '../core/outbox/outbox.ts';

export const QUEUE = { draft: 'draft', send: 'send', maintenance: 'maintenance', followup: 'followup' } as const;

export interface Queues {
  draft: Queue;
  send: Queue;
  maintenance: Queue;
  followup: Queue;
  /** Every queue, for the owners' dashboard. */
  all: Queue[];
  close(): Promise<void>;
}

/** Job ids are derived from the rows they act on, so enqueuing the same work twice is a no-op. */
export const jobId = {
  draft: (conversationId: number, messageId: number) => `draft-${conversationId}-${messageId}`,
  send: (outboxId: number) => `send-${outboxId}`,
  followupDue: (followupId: number, dueAt: Date) => `followup-${followupId}-${dueAt.getTime()}`,
  followupEvaluation: (period: number) => `followups-${period}`,
};

export const SEND_JOB_OPTIONS: JobsOptions = {
  attempts: MAX_SEND_ATTEMPTS,
  backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** `onError`: a queue's connection failing (BullMQ writes it to the console when nobody listens). */
export function createQueues(connection: ConnectionOptions, prefix: string, onError: (err: Error) => void = () => {}): Queues {
  const opts = { connection, prefix };
  const draft = new Queue(QUEUE.draft, {
    ...opts,
    defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } },
  });
  const send = new Queue(QUEUE.send, { ...opts, defaultJobOptions: SEND_JOB_OPTIONS });
  const maintenance = new Queue(QUEUE.maintenance, { ...opts, defaultJobOptions: { removeOnComplete: true, removeOnFail: { age: 24 * 3600 } } });
  // Completed jobs are kept an hour so a period's evaluation id stays taken while other workers ask for it.
  const followup = new Queue(QUEUE.followup, {
    ...opts,
    defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } },
  });
  for (const queue of [draft, send, maintenance, followup]) queue.on('error', onError);
  return {
    draft,
    send,
    maintenance,
    followup,
    all: [draft, send, maintenance, followup],
    close: async () => {
      await Promise.all([draft.close(), send.close(), maintenance.close(), followup.close()]);
    },
  };
}

/** A queue call that failed because Redis is not answering (the queues' connection fails fast, without an offline queue). */
async function reachRedis<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new QueueUnavailableError(undefined, { cause: err });
  }
}

/** The domain's JobScheduler on BullMQ: jobs carry ids only, never payloads. */
export function queueScheduler(queues: Queues): JobScheduler {
  return {
    async draftsRequested(wanted) {
      if (wanted.length === 0) return;
      await reachRedis(() =>
        queues.draft.addBulk(wanted.map((w) => ({ name: 'draft', data: { conversationId: w.conversationId }, opts: { jobId: jobId.draft(w.conversationId, w.messageId) } }))),
      );
    },
    async sendApproved(outboxId, sendAfter) {
      await reachRedis(() => queues.send.add('send', { outboxId }, { jobId: jobId.send(outboxId), delay: Math.max(0, sendAfter.getTime() - Date.now()) }));
    },
    async sendCancelled(outboxId) {
      // An active job cannot be removed; it finds the row cancelled and does nothing. Nor can a job while
      // Redis is down: the send finds the row cancelled all the same.
      await queues.send.remove(jobId.send(outboxId)).catch(() => 0);
    },
    async followupDue(followupId, dueAt) {
      await reachRedis(() => queues.followup.add('due', { followupId }, { jobId: jobId.followupDue(followupId, dueAt), delay: Math.max(0, dueAt.getTime() - Date.now()) }));
    },
  };
}
