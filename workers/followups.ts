import { type ConnectionOptions, type Job, type Queue, Worker } from 'bullmq';
import type { Ctx } from '../core/context.ts';
import { evaluateFollowups, type FollowupReport, fireFollowup } from '../core/followups/evaluate.ts';
import { jobId } from './queues.ts';

export interface FollowupWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  queue: Queue;
  everyMs: number;
  /** Where failures that repeat while Redis is down are logged, a line a minute. */
  logRepeating: (msg: string, fields: Record<string, unknown>) => void;
}

function logReport(ctx: Ctx, report: FollowupReport): void {
  const drafted = report.outcomes.filter((o) => o.result === 'drafted' || o.result === 'noted');
  if (drafted.length || report.withdrawn)
    ctx.log.info({ drafted: drafted.map((o) => ({ rule: o.rule, draftId: o.draftId, conversationId: o.conversationId })), withdrawn: report.withdrawn }, 'follow-ups evaluated');
}

/**
 * Follow-ups on the queue: one evaluation of every rule per period across all workers (a local timer asks
 * for the period's job; its id makes it one), plus delayed jobs for exact times. Both only call the
 * domain, which lets the database decide what exists, so a lost or doubled job changes nothing.
 */
export async function startFollowupWorker(ctx: Ctx, o: FollowupWorkerOptions): Promise<{ close(): Promise<void> }> {
  const worker = new Worker(
    o.queue.name,
    async (job: Job<{ followupId?: number }>) => {
      if (job.name === 'due') return fireFollowup(ctx, job.data.followupId!);
      logReport(ctx, await evaluateFollowups(ctx));
    },
    { connection: o.connection, prefix: o.prefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => ctx.log.warn({ queue: o.queue.name, jobId: job?.id, err: err.message }, 'follow-up job failed'));
  worker.on('error', (err) => o.logRepeating('worker error', { queue: o.queue.name, err: err.message }));
  // Catch up at once after a restart or a lost Redis: the schedule is in the database.
  await evaluateFollowups(ctx).then(
    (r) => logReport(ctx, r),
    (err: Error) => ctx.log.warn({ err: err.message }, 'follow-up evaluation failed'),
  );
  const timer = setInterval(() => {
    o.queue
      .add('evaluate', {}, { jobId: jobId.followupEvaluation(Math.floor(Date.now() / o.everyMs)) })
      .catch((err: Error) => o.logRepeating('could not ask for a follow-up evaluation', { err: err.message }));
  }, o.everyMs);
  return {
    close: async () => {
      clearInterval(timer);
      await worker.close();
    },
  };
}
