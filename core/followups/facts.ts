import { type Kysely, sql } from 'kysely';
import { waitingSince } from '../conversations/waiting-since.ts';
import type { DB } from '../db/schema.ts';
import { OPEN_DRAFT_STATUSES } from '../drafts/statuses.ts';
import { DAY_MS } from './local-time.ts';
import { asksQuestion } from './questions.ts';
import type { FollowupRules } from './rule-settings.ts';
import { type Blockers, type ConversationFacts, type CustomerFacts, LATE_LIMIT_DAYS, type RuleName, UNPROMPTED } from './rules.ts';

/*
 * The facts the rules decide on, read from the database. The candidate queries narrow by time in SQL
 * (answers old enough to be nearly due, not too old to act on); everything else is decided in rules.ts.
 * Each function takes the transaction when called inside one.
 */

/** The days on either side of a due time that a candidate query keeps: the morning shift and the late limit. */
const SLACK_DAYS = 2;

/** Customers with a follow-up draft not sent yet (of those given). */
export async function customersWithPendingFollowup(db: Kysely<DB>, customerIds: number[]): Promise<Set<number>> {
  if (!customerIds.length) return new Set();
  const rows = await db
    .selectFrom('drafts as d')
    .innerJoin('conversations as c', 'c.id', 'd.conversation_id')
    .select('c.customer_id')
    .distinct()
    .where('d.kind', '=', 'followup')
    .where('d.status', 'in', OPEN_DRAFT_STATUSES)
    .where('c.customer_id', 'in', customerIds)
    .execute();
  return new Set(rows.map((r) => r.customer_id!));
}

/** Each customer's (of those given) longest-waiting conversation whose last message, theirs, is unanswered. */
export async function waitingOnUsOf(db: Kysely<DB>, customerIds: number[]): Promise<Map<number, { conversationId: number; subject: string }>> {
  if (!customerIds.length) return new Map();
  const rows = await db
    .selectFrom('conversations as c')
    .select(['c.id', 'c.customer_id', 'c.subject'])
    .distinctOn('c.customer_id')
    .where('c.customer_id', 'in', customerIds)
    .where('c.status', '=', 'waiting_on_us')
    .orderBy('c.customer_id')
    .orderBy(sql`coalesce(${waitingSince()}, c.last_inbound_at) asc nulls last`)
    .orderBy('c.id')
    .execute();
  return new Map(rows.map((r) => [r.customer_id!, { conversationId: r.id, subject: r.subject }]));
}

/** Conversations with an open draft (of those given). */
export async function conversationsWithOpenDraft(db: Kysely<DB>, conversationIds: number[]): Promise<Set<number>> {
  if (!conversationIds.length) return new Set();
  const rows = await db
    .selectFrom('drafts')
    .select('conversation_id')
    .distinct()
    .where('conversation_id', 'in', conversationIds)
    .where('status', 'in', OPEN_DRAFT_STATUSES)
    .execute();
  return new Set(rows.map((r) => r.conversation_id));
}

/**
 * Conversations whose last word is ours, for check-in and waiting-on-them. Without `only`: those whose
 * answer makes one of the two rules nearly due as of `asOf`; with it, that conversation whatever its times.
 */
export async function quietConversations(db: Kysely<DB>, rules: FollowupRules, asOf: Date, only?: number): Promise<ConversationFacts[]> {
  let q = db
    .selectFrom('conversations as c')
    .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
    .select([
      'c.id',
      'c.customer_id',
      'c.subject',
      'c.status',
      'c.last_outbound_at',
      'c.snoozed_until',
      'cu.name',
      'cu.do_not_follow_up',
      'cu.last_inbound_at as customer_last_inbound_at',
      'cu.utc_offset_minutes',
    ]);
  if (only !== undefined) q = q.where('c.id', '=', only);
  else {
    const shortest = Math.min(rules.checkIn.days, rules.waitingOnThem.days);
    const longest = Math.max(rules.checkIn.days, rules.waitingOnThem.days);
    q = q
      .where('c.status', '!=', 'waiting_on_us')
      .where('cu.do_not_follow_up', '=', false)
      .where('c.last_outbound_at', '<=', new Date(asOf.getTime() - (shortest - 1) * DAY_MS))
      .where('c.last_outbound_at', '>=', new Date(asOf.getTime() - (longest + LATE_LIMIT_DAYS + SLACK_DAYS) * DAY_MS))
      .where((eb) => eb.or([eb('cu.last_inbound_at', 'is', null), eb('cu.last_inbound_at', '<', eb.ref('c.last_outbound_at'))]));
  }
  const rows = await q.execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [ourLast, theirLast, earlier, open, pending] = await Promise.all([
    db
      .selectFrom('messages')
      .select(['conversation_id', 'new_text'])
      .distinctOn('conversation_id')
      .where('conversation_id', 'in', ids)
      .where('direction', '=', 'out')
      .orderBy('conversation_id')
      .orderBy('date', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    db
      .selectFrom('messages')
      .select((eb) => ['conversation_id', eb.fn.max('date').as('at')])
      .where('conversation_id', 'in', ids)
      .where('direction', '=', 'in')
      .where('automated_reason', 'is', null)
      .groupBy('conversation_id')
      .execute(),
    db
      .selectFrom('followups')
      .select(['conversation_id', 'rule', 'fired_at'])
      .where('conversation_id', 'in', ids)
      .where('state', '=', 'drafted')
      .where('rule', 'in', [...UNPROMPTED])
      .execute(),
    conversationsWithOpenDraft(db, ids),
    customersWithPendingFollowup(db, [...new Set(rows.map((r) => r.customer_id!))]),
  ]);
  return rows.map((r): ConversationFacts => {
    const theirLastAt = (theirLast.find((t) => t.conversation_id === r.id)?.at as Date | null | undefined) ?? null;
    return {
      conversationId: r.id,
      customerId: r.customer_id!,
      customerName: r.name,
      subject: r.subject,
      doNotFollowUp: r.do_not_follow_up,
      status: r.status,
      theirLastAt,
      ourLastAt: r.last_outbound_at,
      ourLastAsks: asksQuestion(ourLast.find((m) => m.conversation_id === r.id)?.new_text ?? ''),
      customerLastInboundAt: r.customer_last_inbound_at,
      utcOffsetMinutes: r.utc_offset_minutes,
      followupsSinceTheyWrote: [
        ...new Set(
          earlier.filter((f) => f.conversation_id === r.id && f.fired_at && (!theirLastAt || f.fired_at.getTime() > theirLastAt.getTime())).map((f) => f.rule as RuleName),
        ),
      ],
      snoozedUntil: r.snoozed_until,
      openDraft: open.has(r.id),
      pendingFollowup: pending.has(r.customer_id!),
    };
  });
}

/**
 * Customers with no mail either way for about the keep-in-touch rule's days, as of `asOf`; with `only`,
 * that customer whatever the times (the Going quiet button, a re-check before writing).
 */
export async function quietCustomers(db: Kysely<DB>, rules: FollowupRules, asOf: Date, only?: number): Promise<CustomerFacts[]> {
  const lastContact = sql<Date | null>`greatest(cu.last_inbound_at, cu.last_outbound_at)`;
  let q = db.selectFrom('customers as cu').select((eb) => [
    'cu.id',
    'cu.name',
    'cu.tags',
    'cu.do_not_follow_up',
    'cu.last_inbound_at',
    'cu.last_outbound_at',
    'cu.utc_offset_minutes',
    eb
      .selectFrom('conversations as c')
      .select((e) => e.fn.countAll<number>().as('n'))
      .whereRef('c.customer_id', '=', 'cu.id')
      .as('conversation_count'),
  ]);
  if (only !== undefined) q = q.where('cu.id', '=', only);
  else {
    q = q
      .where('cu.do_not_follow_up', '=', false)
      .where(lastContact, '<=', new Date(asOf.getTime() - (rules.keepInTouch.days - 1) * DAY_MS))
      .where(lastContact, '>=', new Date(asOf.getTime() - (rules.keepInTouch.days + LATE_LIMIT_DAYS + SLACK_DAYS) * DAY_MS));
  }
  const rows = await q.execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [latest, waiting, kept, pending] = await Promise.all([
    db
      .selectFrom('conversations')
      .select(['id', 'customer_id', 'subject', 'snoozed_until'])
      .distinctOn('customer_id')
      .where('customer_id', 'in', ids)
      .orderBy('customer_id')
      .orderBy('last_message_at', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    waitingOnUsOf(db, ids),
    db.selectFrom('followups').select(['customer_id', 'fired_at']).where('customer_id', 'in', ids).where('rule', '=', 'keep_in_touch').where('state', '=', 'drafted').execute(),
    customersWithPendingFollowup(db, ids),
  ]);
  const open = await conversationsWithOpenDraft(
    db,
    latest.map((c) => c.id),
  );
  return rows.map((r): CustomerFacts => {
    const conversation = latest.find((c) => c.customer_id === r.id);
    return {
      customerId: r.id,
      customerName: r.name,
      doNotFollowUp: r.do_not_follow_up,
      tags: r.tags,
      conversationCount: Number(r.conversation_count ?? 0),
      lastInboundAt: r.last_inbound_at,
      lastOutboundAt: r.last_outbound_at,
      utcOffsetMinutes: r.utc_offset_minutes,
      pendingFollowup: pending.has(r.id),
      latest: conversation
        ? { conversationId: conversation.id, subject: conversation.subject, snoozedUntil: conversation.snoozed_until, openDraft: open.has(conversation.id) }
        : null,
      waitingOnUs: waiting.get(r.id) ?? null,
      keptInTouchSinceTheyWrote: kept.some((k) => k.customer_id === r.id && k.fired_at && (!r.last_inbound_at || k.fired_at.getTime() > r.last_inbound_at.getTime())),
    };
  });
}

export interface ConversationState extends Blockers {
  exists: boolean;
  status: 'waiting_on_us' | 'waiting_on_them' | 'done' | null;
  customerId: number | null;
  customerName: string | null;
  utcOffsetMinutes: number | null;
  doNotFollowUp: boolean;
}

/** One conversation's state as a scheduled follow-up sees it when its time comes. */
export async function conversationState(db: Kysely<DB>, conversationId: number | null): Promise<ConversationState> {
  const row =
    conversationId === null
      ? undefined
      : await db
          .selectFrom('conversations as c')
          .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
          .select(['c.id', 'c.status', 'c.snoozed_until', 'c.customer_id', 'cu.name', 'cu.utc_offset_minutes', 'cu.do_not_follow_up'])
          .where('c.id', '=', conversationId)
          .executeTakeFirst();
  if (!row)
    return {
      exists: false,
      status: null,
      customerId: null,
      customerName: null,
      utcOffsetMinutes: null,
      doNotFollowUp: false,
      snoozedUntil: null,
      openDraft: false,
      pendingFollowup: false,
    };
  const [open, pending] = await Promise.all([conversationsWithOpenDraft(db, [row.id]), customersWithPendingFollowup(db, row.customer_id ? [row.customer_id] : [])]);
  return {
    exists: true,
    status: row.status,
    customerId: row.customer_id,
    customerName: row.name,
    utcOffsetMinutes: row.utc_offset_minutes,
    doNotFollowUp: row.do_not_follow_up ?? false,
    snoozedUntil: row.snoozed_until,
    openDraft: open.has(row.id),
    pendingFollowup: row.customer_id !== null && pending.has(row.customer_id),
  };
}
