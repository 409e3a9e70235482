import { sql } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { User } from '../db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { type FollowupOutcome, fireFollowup } from './evaluate.ts';
import { followupRules } from './rule-settings.ts';
import { closeTheLoopKey } from './rules.ts';
import { theirWords } from './their-words.ts';

export interface RequestView {
  id: number;
  label: string;
  state: 'open' | 'shipped';
  createdAt: Date;
  shippedAt: Date | null;
  askers: Array<{ conversationId: number | null; customerId: number | null; customerName: string | null; words: string; askedAt: Date }>;
}

/** "wants: CSV export" and "CSV export" name the same request. */
export function requestLabel(raw: string): string {
  const label = raw
    .replace(/^\s*wants\s*:\s*/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (label.length < 2 || label.length > 120) throw new ValidationError('A request is named in 2 to 120 characters, e.g. "wants: CSV export".', 'label');
  return label;
}

/**
 * Staff tag a conversation with what the customer wants. Their own words are kept with it (given, or
 * the sentence of theirs that names it best), to be quoted back when it ships.
 */
export async function tagRequest(ctx: Ctx, conversationId: number, rawLabel: string, words: string | null, actor: User): Promise<RequestView> {
  const label = requestLabel(rawLabel);
  if (words !== null && words.trim().length > 1000) throw new ValidationError('Their words hold at most 1000 characters.', 'words');
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (tx) => {
    const conversation = await tx.selectFrom('conversations').select(['id', 'customer_id']).where('id', '=', conversationId).executeTakeFirst();
    if (!conversation) throw new NotFoundError('Conversation', conversationId);
    if (conversation.customer_id === null) throw new ValidationError('This conversation has no customer to tell when it ships.', 'conversationId');
    const find = () => tx.selectFrom('customer_requests').select('id').where(sql<string>`lower(label)`, '=', label.toLowerCase()).where('state', '=', 'open').executeTakeFirst();
    // Two people tagging at once: the unique index keeps one open request per label, and both find it.
    const request =
      (await find()) ??
      (await tx
        .insertInto('customer_requests')
        .values({ label, state: 'open', created_by: actor.id, created_at: now })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst()) ??
      (await find())!;
    const texts = await tx
      .selectFrom('messages')
      .select('new_text')
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'in')
      .where('automated_reason', 'is', null)
      .orderBy('date')
      .execute();
    const said =
      words?.trim() ||
      theirWords(
        texts.map((t) => t.new_text),
        label,
      );
    await tx
      .insertInto('customer_request_askers')
      .values({ request_id: request.id, conversation_id: conversationId, customer_id: conversation.customer_id, words: said, tagged_by: actor.id, created_at: now })
      .onConflict((oc) => oc.columns(['request_id', 'conversation_id']).doUpdateSet({ words: said }))
      .execute();
    await audit(tx, now, { actorUserId: actor.id, action: 'request.tagged', subjectType: 'conversation', subjectId: conversationId, details: { requestId: request.id, label } });
    return request.id;
  });
  return (await listRequests(ctx, { id }))[0]!;
}

export async function listRequests(ctx: Ctx, filter: { state?: 'open' | 'shipped'; id?: number; conversationId?: number } = {}): Promise<RequestView[]> {
  let q = ctx.db.selectFrom('customer_requests').selectAll();
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.id !== undefined) q = q.where('id', '=', filter.id);
  if (filter.conversationId !== undefined)
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom('customer_request_askers as a').select('a.id').whereRef('a.request_id', '=', 'customer_requests.id').where('a.conversation_id', '=', filter.conversationId!),
      ),
    );
  const requests = await q.orderBy('state').orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  if (!requests.length) return [];
  const askers = await ctx.db
    .selectFrom('customer_request_askers as a')
    .leftJoin('customers as cu', 'cu.id', 'a.customer_id')
    .select(['a.request_id', 'a.conversation_id', 'a.customer_id', 'cu.name', 'a.words', 'a.created_at'])
    .where(
      'a.request_id',
      'in',
      requests.map((r) => r.id),
    )
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute();
  return requests.map((r) => ({
    id: r.id,
    label: r.label,
    state: r.state,
    createdAt: r.created_at,
    shippedAt: r.shipped_at,
    askers: askers
      .filter((a) => a.request_id === r.id)
      .map((a) => ({ conversationId: a.conversation_id, customerId: a.customer_id, customerName: a.name, words: a.words, askedAt: a.created_at })),
  }));
}

/**
 * The request shipped: one personal note per customer who asked (in the conversation they last asked in,
 * quoting their own words), each a follow-up with its own key. Those that cannot be drafted now (another
 * draft open, another follow-up waiting) are drafted by a later evaluation.
 */
export async function shipRequest(ctx: Ctx, requestId: number, actor: User): Promise<{ request: RequestView; outcomes: FollowupOutcome[] }> {
  if (!(await followupRules(ctx.db)).closeTheLoop.enabled) throw new ConflictError('rule_off', 'Close the loop is switched off for your team (follow-up rules).');
  const now = ctx.clock.now();
  const ids = await ctx.db.transaction().execute(async (tx) => {
    const request = await tx.selectFrom('customer_requests').selectAll().where('id', '=', requestId).forUpdate().executeTakeFirst();
    if (!request) throw new NotFoundError('Request', requestId);
    if (request.state === 'shipped') throw new ConflictError('request_shipped', `"${request.label}" was marked shipped already.`);
    await tx.updateTable('customer_requests').set({ state: 'shipped', shipped_by: actor.id, shipped_at: now }).where('id', '=', requestId).execute();
    const askers = await tx
      .selectFrom('customer_request_askers')
      .selectAll()
      .where('request_id', '=', requestId)
      .where('customer_id', 'is not', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const followupIds: number[] = [];
    for (const customerId of [...new Set(askers.map((a) => a.customer_id!))]) {
      const theirs = askers.filter((a) => a.customer_id === customerId);
      const latest = [...theirs].reverse().find((a) => a.conversation_id !== null);
      const row = await tx
        .insertInto('followups')
        .values({
          rule: 'close_the_loop',
          key: closeTheLoopKey(requestId, customerId),
          customer_id: customerId,
          conversation_id: latest?.conversation_id ?? null,
          state: 'scheduled',
          due_at: now,
          reason: `"${request.label}" shipped.`,
          note: [...new Set(theirs.map((a) => a.words))].join(' … '),
          request_id: requestId,
          created_by: actor.id,
          created_at: now,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row) followupIds.push(row.id);
    }
    await audit(tx, now, {
      actorUserId: actor.id,
      action: 'request.shipped',
      subjectType: 'request',
      subjectId: requestId,
      details: { label: request.label, followups: followupIds },
    });
    return followupIds;
  });
  const outcomes: FollowupOutcome[] = [];
  for (const id of ids) {
    const outcome = await fireFollowup(ctx, id, now);
    if (outcome) outcomes.push(outcome);
  }
  return { request: (await listRequests(ctx, { id: requestId }))[0]!, outcomes };
}
