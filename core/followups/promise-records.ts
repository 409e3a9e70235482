import type { Kysely } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { anyOf } from '../db/batch-sql.ts';
import type { DB, PromiseRow, User } from '../db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { dayLabel } from './local-time.ts';
import { detectPromise } from './promises.ts';
import { followupRules } from './rule-settings.ts';
import { promiseKey } from './rules.ts';

/** A message of ours just stored, which may promise something. */
export interface SentWords {
  messageId: number;
  conversationId: number;
  customerId: number;
  text: string;
  date: Date;
}

/**
 * Messages we sent are stored: each that promises something by a time has the promise kept beside it and
 * its reminder scheduled for that time (their time zone). Runs inside intake's transaction; old mail (a
 * first sync, an import) promises nothing any more.
 */
export async function notePromises(tx: Kysely<DB>, sent: readonly SentWords[], now: Date): Promise<void> {
  if (sent.length === 0) return;
  const customers = await tx
    .selectFrom('customers')
    .select(['id', 'utc_offset_minutes'])
    .where(
      'id',
      '=',
      anyOf(
        sent.map((s) => s.customerId),
        'integer',
      ),
    )
    .execute();
  const offsets = new Map(customers.map((c) => [c.id, c.utc_offset_minutes]));
  const rules = await followupRules(tx);
  const found = sent.flatMap((s) => {
    const promise = detectPromise(s.text, s.date, offsets.get(s.customerId) ?? null, rules.morningHour);
    return promise ? [{ ...s, promise }] : [];
  });
  if (found.length === 0) return;
  const promises = await tx
    .insertInto('promises')
    .values(
      found.map((f) => ({
        message_id: f.messageId,
        customer_id: f.customerId,
        sentence: f.promise.sentence,
        when_text: f.promise.whenText,
        detected_due_at: f.promise.dueAt,
        due_at: f.promise.dueAt,
        state: 'open' as const,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.column('message_id').doNothing())
    .returning(['id', 'message_id'])
    .execute();
  const byMessage = new Map(found.map((f) => [f.messageId, f]));
  if (promises.length === 0) return;
  await tx
    .insertInto('followups')
    .values(
      promises.map((p) => {
        const f = byMessage.get(p.message_id)!;
        return {
          rule: 'promise' as const,
          key: promiseKey(p.id),
          customer_id: f.customerId,
          conversation_id: f.conversationId,
          state: 'scheduled' as const,
          due_at: f.promise.dueAt,
          reason: `We promised "${f.promise.sentence}" on ${dayLabel(f.date)}.`,
          promise_id: p.id,
          created_at: now,
        };
      }),
    )
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

export interface PromiseView {
  id: number;
  messageId: number;
  conversationId: number;
  sentence: string;
  whenText: string;
  detectedDueAt: Date;
  dueAt: Date;
  state: 'open' | 'dismissed';
  corrected: boolean;
  /** What became of its reminder: scheduled, drafted, skipped (with why), cancelled. */
  reminder: { state: string; outcome: string | null; draftId: number | null } | null;
}

/** The promises of a conversation that must exist: a missing one is not found, not a conversation without promises. */
export async function conversationPromises(db: Kysely<DB>, conversationId: number): Promise<PromiseView[]> {
  if (!(await db.selectFrom('conversations').select('id').where('id', '=', conversationId).executeTakeFirst())) throw new NotFoundError('Conversation', conversationId);
  return listPromises(db, conversationId);
}

/** The promises found in a conversation's messages, in order. */
export async function listPromises(db: Kysely<DB>, conversationId: number): Promise<PromiseView[]> {
  const rows = await db
    .selectFrom('promises as p')
    .innerJoin('messages as m', 'm.id', 'p.message_id')
    .leftJoin('followups as f', 'f.promise_id', 'p.id')
    .select([
      'p.id',
      'p.message_id',
      'm.conversation_id',
      'p.sentence',
      'p.when_text',
      'p.detected_due_at',
      'p.due_at',
      'p.state',
      'p.corrected_at',
      'f.state as reminder_state',
      'f.outcome',
      'f.draft_id',
    ])
    .where('m.conversation_id', '=', conversationId)
    .orderBy('m.date')
    .orderBy('p.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    messageId: r.message_id,
    conversationId: r.conversation_id,
    sentence: r.sentence,
    whenText: r.when_text,
    detectedDueAt: r.detected_due_at,
    dueAt: r.due_at,
    state: r.state,
    corrected: r.corrected_at !== null,
    reminder: r.reminder_state ? { state: r.reminder_state, outcome: r.outcome, draftId: r.draft_id } : null,
  }));
}

async function promiseFor(tx: Kysely<DB>, id: number): Promise<PromiseRow> {
  const promise = await tx.selectFrom('promises').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!promise) throw new NotFoundError('Promise', id);
  return promise;
}

/** A person corrects when the promise is due; its reminder moves with it (unless it was drafted already). */
export async function correctPromise(ctx: Ctx, id: number, dueAt: Date, actor: User): Promise<PromiseRow> {
  if (Number.isNaN(dueAt.getTime())) throw new ValidationError('dueAt is not a time.', 'dueAt');
  const now = ctx.clock.now();
  const result = await ctx.db.transaction().execute(async (tx) => {
    await promiseFor(tx, id);
    const reminder = await tx.selectFrom('followups').select(['id', 'state']).where('promise_id', '=', id).forUpdate().executeTakeFirst();
    if (reminder?.state === 'drafted') throw new ConflictError('reminder_drafted', 'The reminder for this promise is drafted already: edit or discard that draft instead.');
    const updated = await tx
      .updateTable('promises')
      .set({ due_at: dueAt, state: 'open', corrected_by: actor.id, corrected_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (reminder) await tx.updateTable('followups').set({ due_at: dueAt, state: 'scheduled', outcome: null }).where('id', '=', reminder.id).execute();
    await audit(tx, now, { actorUserId: actor.id, action: 'promise.corrected', subjectType: 'promise', subjectId: id, details: { dueAt: dueAt.toISOString() } });
    return { updated, reminderId: reminder?.id ?? null };
  });
  if (result.reminderId !== null) await ctx.jobs.followupDue(result.reminderId, dueAt);
  return result.updated;
}

/** Not a promise after all: it is kept, marked dismissed, and its reminder cancelled. */
export async function dismissPromise(ctx: Ctx, id: number, actor: User): Promise<PromiseRow> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    await promiseFor(tx, id);
    const updated = await tx
      .updateTable('promises')
      .set({ state: 'dismissed', corrected_by: actor.id, corrected_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.updateTable('followups').set({ state: 'cancelled', outcome: 'the promise was dismissed' }).where('promise_id', '=', id).where('state', '=', 'scheduled').execute();
    await audit(tx, now, { actorUserId: actor.id, action: 'promise.dismissed', subjectType: 'promise', subjectId: id });
    return updated;
  });
}
