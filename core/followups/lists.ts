import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import { waitingSince } from '../conversations/waiting-since.ts';
import { OPEN_DRAFT_STATUSES } from '../drafts/statuses.ts';
import { waitingOnUsOf } from './facts.ts';
import { DAY_MS } from './local-time.ts';
import { followupRules } from './rule-settings.ts';
import { wroteRecently } from './rules.ts';

export interface ListFilter {
  tag?: string;
  organizationId?: number;
  limit?: number;
}

export interface QuietCustomer {
  customerId: number;
  name: string | null;
  email: string | null;
  organization: { id: number; name: string } | null;
  tags: string[];
  lastOutboundAt: Date;
  lastInboundAt: Date | null;
  daysSinceWeWrote: number;
  lastTopic: { conversationId: number; subject: string } | null;
  doNotFollowUp: boolean;
  /** A follow-up for them is waiting already. */
  followupPending: boolean;
  /** A conversation of theirs waits for our answer: answer it, no keep-in-touch note. */
  waitingOnUs: { conversationId: number; subject: string } | null;
  /** We wrote to them too recently for a keep-in-touch note (the rule's days). */
  wroteRecently: boolean;
}

/** Going quiet: everyone we have written to, longest silence from us first, with what we last talked about. */
export async function goingQuiet(ctx: Ctx, f: ListFilter = {}): Promise<QuietCustomer[]> {
  const now = ctx.clock.now();
  let q = ctx.db
    .selectFrom('customers as cu')
    .leftJoin('organizations as o', 'o.id', 'cu.organization_id')
    .select((eb) => [
      'cu.id',
      'cu.name',
      'cu.tags',
      'cu.last_outbound_at',
      'cu.last_inbound_at',
      'cu.do_not_follow_up',
      'o.id as organization_id',
      'o.name as organization_name',
      eb.selectFrom('customer_addresses as a').select('a.address').whereRef('a.customer_id', '=', 'cu.id').orderBy('a.created_at').limit(1).as('email'),
      eb
        .selectFrom('conversations as c')
        .select('c.id')
        .whereRef('c.customer_id', '=', 'cu.id')
        .orderBy('c.last_message_at', 'desc')
        .orderBy('c.id', 'desc')
        .limit(1)
        .as('topic_id'),
      eb
        .selectFrom('conversations as c')
        .select('c.subject')
        .whereRef('c.customer_id', '=', 'cu.id')
        .orderBy('c.last_message_at', 'desc')
        .orderBy('c.id', 'desc')
        .limit(1)
        .as('topic'),
      eb
        .exists(
          eb
            .selectFrom('drafts as d')
            .innerJoin('conversations as c', 'c.id', 'd.conversation_id')
            .select('d.id')
            .whereRef('c.customer_id', '=', 'cu.id')
            .where('d.kind', '=', 'followup')
            .where('d.status', 'in', OPEN_DRAFT_STATUSES),
        )
        .as('followup_pending'),
    ])
    .where('cu.last_outbound_at', 'is not', null);
  if (f.tag) q = q.where(sql<boolean>`${f.tag} = any(cu.tags)`);
  if (f.organizationId) q = q.where('cu.organization_id', '=', f.organizationId);
  const rows = await q
    .orderBy('cu.last_outbound_at', 'asc')
    .orderBy('cu.id')
    .limit(f.limit ?? 200)
    .execute();
  const [waiting, rules] = await Promise.all([
    waitingOnUsOf(
      ctx.db,
      rows.map((r) => r.id),
    ),
    followupRules(ctx.db),
  ]);
  return rows.map((r) => ({
    customerId: r.id,
    name: r.name,
    email: r.email ?? null,
    organization: r.organization_id ? { id: r.organization_id, name: r.organization_name! } : null,
    tags: r.tags,
    lastOutboundAt: r.last_outbound_at!,
    lastInboundAt: r.last_inbound_at,
    daysSinceWeWrote: Math.floor((now.getTime() - r.last_outbound_at!.getTime()) / DAY_MS),
    lastTopic: r.topic_id ? { conversationId: r.topic_id, subject: r.topic ?? '' } : null,
    doNotFollowUp: r.do_not_follow_up,
    followupPending: Boolean(r.followup_pending),
    waitingOnUs: waiting.get(r.id) ?? null,
    wroteRecently: wroteRecently(r.last_outbound_at, rules.keepInTouch, now),
  }));
}

export interface WaitingConversation {
  conversationId: number;
  subject: string;
  customerId: number | null;
  customerName: string | null;
  email: string | null;
  organization: { id: number; name: string } | null;
  /** Their first message since our last reply: they have waited since then. */
  waitingSince: Date;
  waitedHours: number;
  draftStatus: string | null;
  snoozedUntil: Date | null;
}

/** Waiting on us: conversations whose last word is the customer's, who has waited longest first. */
export async function waitingOnUs(ctx: Ctx, f: ListFilter = {}): Promise<WaitingConversation[]> {
  const now = ctx.clock.now();
  let q = ctx.db
    .selectFrom('conversations as c')
    .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
    .leftJoin('organizations as o', 'o.id', 'cu.organization_id')
    .select((eb) => [
      'c.id',
      'c.subject',
      'c.customer_id',
      'c.snoozed_until',
      'c.last_inbound_at',
      'cu.name',
      'o.id as organization_id',
      'o.name as organization_name',
      eb.selectFrom('customer_addresses as a').select('a.address').whereRef('a.customer_id', '=', 'c.customer_id').orderBy('a.created_at').limit(1).as('email'),
      eb.selectFrom('drafts as d').select('d.status').whereRef('d.conversation_id', '=', 'c.id').where('d.status', 'in', OPEN_DRAFT_STATUSES).limit(1).as('draft_status'),
      waitingSince().as('waiting_since'),
    ])
    .where('c.status', '=', 'waiting_on_us');
  if (f.tag) q = q.where(sql<boolean>`${f.tag} = any(cu.tags)`);
  if (f.organizationId) q = q.where('cu.organization_id', '=', f.organizationId);
  const rows = await q
    .orderBy(sql`waiting_since asc nulls last`)
    .orderBy('c.id')
    .limit(f.limit ?? 200)
    .execute();
  return rows.map((r): WaitingConversation => {
    const since = r.waiting_since ?? r.last_inbound_at ?? now;
    return {
      conversationId: r.id,
      subject: r.subject,
      customerId: r.customer_id,
      customerName: r.name,
      email: r.email ?? null,
      organization: r.organization_id ? { id: r.organization_id, name: r.organization_name! } : null,
      waitingSince: since,
      waitedHours: Math.max(0, Math.floor((now.getTime() - since.getTime()) / 3_600_000)),
      draftStatus: r.draft_status ?? null,
      snoozedUntil: r.snoozed_until,
    };
  });
}

/** The tags and organizations the lists can be narrowed to. */
export async function listFilters(ctx: Ctx): Promise<{ tags: string[]; organizations: Array<{ id: number; name: string }> }> {
  const [tags, organizations] = await Promise.all([
    sql<{ tag: string }>`select distinct unnest(tags) as tag from customers order by 1 limit 500`.execute(ctx.db),
    ctx.db
      .selectFrom('organizations as o')
      .select(['o.id', 'o.name'])
      .distinct()
      .innerJoin('customers as cu', 'cu.organization_id', 'o.id')
      .orderBy('o.name')
      .orderBy('o.id')
      .limit(500)
      .execute(),
  ]);
  return { tags: tags.rows.map((r) => r.tag), organizations };
}
