import type { Ctx } from '../core/context.ts';
import { conversationsWantingDraft } from '../core/drafts/drafter.ts';
import { unsettledOutbox } from '../core/outbox/outbox.ts';
import { deleteExpiredSessions } from '../core/users/users.ts';
import { jobId, type Queues } from './queues.ts';

/**
 * Rebuilds queue work from the database, the source of truth: conversations that still want a draft and
 * outbox rows not yet settled. Job ids are deterministic, so a sweep that finds a job in place adds nothing;
 * after Redis lost its data it puts everything back.
 */
export async function sweep(ctx: Ctx, queues: Queues): Promise<{ drafts: number; sends: number }> {
  const wanted = await conversationsWantingDraft(ctx.db);
  await ctx.jobs.draftsRequested(wanted.map((c) => ({ conversationId: c.id, messageId: c.draftWantedFor })));
  const unsettled = await unsettledOutbox(ctx);
  for (const row of unsettled) {
    const job = await queues.send.getJob(jobId.send(row.id));
    if (!job) await ctx.jobs.sendApproved(row.id, row.send_after);
    else if (await job.isFailed()) await job.retry('failed');
  }
  await deleteExpiredSessions(ctx);
  return { drafts: wanted.length, sends: unsettled.length };
}
