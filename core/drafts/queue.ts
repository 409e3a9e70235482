import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import { waitingSince } from '../conversations/waiting-since.ts';
import type { User } from '../db/schema.ts';
import { OPEN_DRAFT_STATUSES, QUEUED_DRAFT_STATUSES } from './statuses.ts';
import { shorten } from './templates.ts';

export const QUEUE_FILTERS = ['all', 'mine', 'unassigned', 'followups', 'complaints', 'review'] as const;
export type QueueFilter = (typeof QUEUE_FILTERS)[number];

export interface QueueItem {
  draftId: number;
  /** The draft's version as listed: bulk approval from the queue is pinned to it. */
  draftVersion: number;
  conversationId: number;
  subject: string;
  status: string;
  kind: string;
  customerName: string | null;
  customerEmail: string | null;
  priority: number;
  intent: string | null;
  /** The customer is waiting on us (their message is unanswered) since then; null when they are not. */
  waitingSince: Date | null;
  /** A follow-up's due time: when it joined the queue as something to do. */
  dueAt: Date | null;
  preview: string;
  /** When an approved reply goes out: the end of its undo window, or the time a person scheduled it for. */
  sendAfter: Date | null;
  customerWroteAgain: boolean;
  reviewRequested: boolean;
  assignee: string | null;
  mailbox: string | null;
}

export interface QueueQuery {
  filter?: QueueFilter;
  mailboxId?: number | null;
  limit?: number;
}

/**
 * Drafts waiting for a person. First the customers waiting on us (their message is unanswered):
 * complaints first, then whoever has waited longest. Then the rest, follow-ups mostly, by when each
 * became due (a draft without a due time, by when it was made): nobody is waiting on those, so the age
 * of their conversation says nothing. Snoozed conversations stay out until their time comes.
 */
export async function draftQueue(ctx: Ctx, viewer: User, q: QueueQuery = {}): Promise<QueueItem[]> {
  const dueAt = sql<Date | null>`(select min(f.due_at) from followups f where f.draft_id = d.id)`;
  let query = ctx.db
    .selectFrom('drafts as d')
    .innerJoin('conversations as c', 'c.id', 'd.conversation_id')
    .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
    .leftJoin('messages as m', 'm.id', 'd.answers_message_id')
    .leftJoin('users as a', 'a.id', 'c.assignee_id')
    .leftJoin('mailboxes as mb', 'mb.id', 'c.mailbox_id')
    .select([
      'd.id',
      'd.version',
      'd.conversation_id',
      'd.status',
      'd.kind',
      'd.customer_wrote_again',
      'd.review_requested_at',
      'd.send_after',
      'c.subject',
      'c.status as conversation_status',
      'c.priority',
      'c.intent',
      'c.last_inbound_at',
      'cu.name',
      'm.from_address',
      'm.new_text',
      'a.name as assignee',
      'mb.name as mailbox',
      waitingSince().as('waiting_since'),
      dueAt.as('due_at'),
    ])
    .where('d.status', 'in', QUEUED_DRAFT_STATUSES)
    .where((eb) => eb.or([eb('c.snoozed_until', 'is', null), eb('c.snoozed_until', '<=', ctx.clock.now())]));
  switch (q.filter ?? 'all') {
    case 'mine':
      query = query.where((eb) => eb.or([eb('c.assignee_id', '=', viewer.id), eb('d.author_id', '=', viewer.id)]));
      break;
    case 'unassigned':
      query = query.where('c.assignee_id', 'is', null);
      break;
    case 'followups':
      query = query.where('d.kind', '=', 'followup');
      break;
    case 'complaints':
      query = query.where('c.intent', '=', 'complaint');
      break;
    case 'review':
      query = query.where('d.review_requested_at', 'is not', null);
      break;
  }
  if (q.mailboxId) query = query.where('c.mailbox_id', '=', q.mailboxId);
  const waiting = sql<boolean>`c.status = 'waiting_on_us'`;
  const rows = await query
    .orderBy(sql`case when ${waiting} then 0 else 1 end`)
    .orderBy(sql`case when ${waiting} then c.priority else 0 end`, 'desc')
    .orderBy(sql`case when ${waiting} then coalesce(${waitingSince()}, c.last_inbound_at) else coalesce(${dueAt}, d.created_at) end asc nulls last`)
    .orderBy('d.id')
    .limit(q.limit ?? 500)
    .execute();
  return rows.map((r) => ({
    draftId: r.id,
    draftVersion: r.version,
    conversationId: r.conversation_id,
    subject: r.subject,
    status: r.status,
    kind: r.kind,
    customerName: r.name,
    customerEmail: r.from_address,
    priority: r.priority,
    intent: r.intent,
    waitingSince: r.conversation_status === 'waiting_on_us' ? (r.waiting_since ?? r.last_inbound_at) : null,
    dueAt: r.due_at,
    sendAfter: r.send_after,
    preview: shorten(r.new_text ?? '', 140),
    customerWroteAgain: r.customer_wrote_again,
    reviewRequested: r.review_requested_at !== null,
    assignee: r.assignee,
    mailbox: r.mailbox,
  }));
}

/**
 * A short string that changes whenever the queue or the given conversation does: live pages compare it
 * to decide whether to refresh, at the cost of one small query.
 */
export async function changeStamp(ctx: Ctx, conversationId: number | null): Promise<string> {
  const drafts = await ctx.db
    .selectFrom('drafts')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('at'), eb.fn.max('id').as('id')])
    .where('status', 'in', OPEN_DRAFT_STATUSES)
    .executeTakeFirstOrThrow();
  const conversation = conversationId ? await ctx.db.selectFrom('conversations').select('version').where('id', '=', conversationId).executeTakeFirst() : undefined;
  return [drafts.n, drafts.at instanceof Date ? drafts.at.getTime() : drafts.at, drafts.id, conversation?.version ?? ''].join(':');
}

/** The conversation to open after approving one: the first other draft waiting for a person, in queue order. */
export async function nextInQueue(ctx: Ctx, viewer: User, afterConversationId: number): Promise<QueueItem | null> {
  const items = await draftQueue(ctx, viewer, { limit: 50 });
  return items.find((i) => i.status === 'pending' && i.conversationId !== afterConversationId) ?? null;
}
