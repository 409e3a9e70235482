import type { Ctx } from '../core/context.ts';
import { jobId, type Queues } from './queues.ts';

/**
 * Rebuilds queue work from the database, the source of truth: conversations that still want a draft and
 * outbox rows not yet settled. Job ids are deterministic, so a sweep that finds a job in place adds nothing;
 * after Redis lost its data it puts everything back.
 */
export async function sweep(ctx: Ctx, queues: Queues): Promise<{ drafts: number; sends: number }> {
  const wanted = await ctx.db
    .selectFrom('conversations')
    .leftJoin('mailboxes', 'mailboxes.id', 'conversations.mailbox_id')
    .select(['conversations.id', 'conversations.draft_wanted_for'])
    .where('conversations.draft_wanted_for', 'is not', null)
    // Until a mailbox's first sync is complete we do not know who wrote last; its end requests these.
    .where((eb) => eb.or([eb('conversations.mailbox_id', 'is', null), eb('mailboxes.initial_sync_done', '=', true)]))
    .execute();
  for (const c of wanted) await ctx.jobs.draftRequested(c.id, c.draft_wanted_for!);

  // Sent but not yet filed counts too: filing a copy in Sent (or finding the provider's) outlasts a job's retries.
  const unsettled = await ctx.db
    .selectFrom('outbox')
    .select(['id', 'send_after'])
    .where((eb) => eb.or([eb('state', 'in', ['queued', 'sending']), eb.and([eb('state', '=', 'sent'), eb('filed_at', 'is', null)])]))
    .execute();
  for (const row of unsettled) {
    const job = await queues.send.getJob(jobId.send(row.id));
    if (!job) await ctx.jobs.sendApproved(row.id, row.send_after);
    else if (await job.isFailed()) await job.retry('failed');
  }
  await ctx.db.deleteFrom('sessions').where('expires_at', '<', ctx.clock.now()).execute();
  return { drafts: wanted.length, sends: unsettled.length };
}
