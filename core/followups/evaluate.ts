import type { Kysely } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { insertNote } from '../conversations/notes.ts';
import type { DB, Draft, Followup, User } from '../db/schema.ts';
import { writtenWhen } from '../drafts/dates-in-words.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { ourAddresses } from '../mailboxes/mailboxes.ts';
import { FollowupBusy, writeFollowupDraft } from './drafting.ts';
import { conversationState, quietConversations, quietCustomers } from './facts.ts';
import { questionAsked } from './questions.ts';
import { type FollowupRules, followupRules } from './rule-settings.ts';
import {
  type ConversationFacts,
  type CustomerFacts,
  conversationKey,
  type Decision,
  decideCheckIn,
  decideCloseTheLoop,
  decideKeepInTouch,
  decideNudge,
  decidePromiseReminder,
  decideReminder,
  keepInTouchKey,
  type RuleName,
} from './rules.ts';
import { requestAskedOn } from './their-words.ts';
import { whatWeSolved } from './what-we-solved.ts';
import { withdrawForDoNotFollowUp } from './withdraw.ts';

export interface FollowupOutcome {
  rule: RuleName;
  followupId: number | null;
  conversationId: number | null;
  customerId: number | null;
  result: 'drafted' | 'noted' | 'skipped' | 'waiting' | 'not_yet' | 'duplicate' | 'settled';
  draftId?: number;
  why?: string;
}

export interface FollowupReport {
  asOf: Date;
  /** What happened to follow-ups that were due: drafted, noted, skipped, or waiting for a clear path. */
  outcomes: FollowupOutcome[];
  /** Follow-ups withdrawn because the customer is now marked "do not follow up". */
  withdrawn: number;
}

/** Scheduled follow-ups due within this long get a delayed job for their exact time; the evaluation catches the rest. */
const EXACT_TIME_WINDOW_MS = 3_600_000;

interface Env {
  ctx: Ctx;
  asOf: Date;
  rules: FollowupRules;
  ours: Set<string>;
}

/**
 * Evaluates every rule once as of `asOf`: withdraws what must not wait any more, fires the scheduled
 * follow-ups now due, drafts what the fact-based rules find due, and asks for delayed jobs for what is
 * due within the hour. Safe to run anywhere at any time, and at once in several processes: the
 * database's unique keys decide, so nothing is drafted twice.
 */
export async function evaluateFollowups(ctx: Ctx, asOf = ctx.clock.now()): Promise<FollowupReport> {
  const env: Env = { ctx, asOf, rules: await followupRules(ctx.db), ours: await ourAddresses(ctx) };
  const withdrawn = await withdrawForDoNotFollowUp(ctx, asOf);
  const outcomes: FollowupOutcome[] = [];

  const due = await ctx.db.selectFrom('followups').select('id').where('state', '=', 'scheduled').where('due_at', '<=', asOf).orderBy('due_at').orderBy('id').execute();
  for (const row of due) {
    const outcome = await fire(env, row.id);
    if (outcome) outcomes.push(outcome);
  }

  for (const f of await quietConversations(ctx.db, env.rules, asOf)) {
    const { rule, decision } = decideQuiet(f, env);
    if (decision.act === 'draft') outcomes.push(await draftOnce(env, rule, f.customerId, f.conversationId, (tx) => recheckConversation(tx, env, f.conversationId)));
    else if (decision.act === 'wait') outcomes.push({ rule, followupId: null, conversationId: f.conversationId, customerId: f.customerId, result: 'waiting', why: decision.why });
  }

  for (const f of await quietCustomers(ctx.db, env.rules, asOf)) {
    const decision = decideKeepInTouch(f, env.rules.keepInTouch, env.rules.morningHour, asOf);
    if (decision.act === 'draft')
      outcomes.push(await draftOnce(env, 'keep_in_touch', f.customerId, f.latest!.conversationId, (tx) => recheckCustomer(tx, env, f.customerId, false)));
    else if (decision.act === 'wait')
      outcomes.push({ rule: 'keep_in_touch', followupId: null, conversationId: f.latest?.conversationId ?? null, customerId: f.customerId, result: 'waiting', why: decision.why });
  }

  const soon = await ctx.db
    .selectFrom('followups')
    .select(['id', 'due_at'])
    .where('state', '=', 'scheduled')
    .where('due_at', '>', asOf)
    .where('due_at', '<=', new Date(asOf.getTime() + EXACT_TIME_WINDOW_MS))
    .execute();
  for (const row of soon) await ctx.jobs.followupDue(row.id, row.due_at);
  return { asOf, outcomes, withdrawn };
}

/** Fires one scheduled follow-up (a promise's reminder, a reminder a person set, a shipped request's note) if it is due; null if it no longer exists. */
export async function fireFollowup(ctx: Ctx, followupId: number, asOf = ctx.clock.now()): Promise<FollowupOutcome | null> {
  return fire({ ctx, asOf, rules: await followupRules(ctx.db), ours: await ourAddresses(ctx) }, followupId);
}

/** The Going quiet button: a keep-in-touch note for this customer now, as the person who asked. */
export async function keepInTouchNow(ctx: Ctx, customerId: number, actor: User): Promise<Draft> {
  const env: Env = { ctx, asOf: ctx.clock.now(), rules: await followupRules(ctx.db), ours: await ourAddresses(ctx) };
  const exists = await ctx.db.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
  if (!exists) throw new NotFoundError('Customer', customerId);
  const outcome = await draftOnce(env, 'keep_in_touch', customerId, null, (tx) => recheckCustomer(tx, env, customerId, true), actor);
  if (outcome.result !== 'drafted') {
    const why = outcome.result === 'duplicate' ? 'a keep-in-touch note was already made since they last wrote' : (outcome.why ?? outcome.result);
    throw new ConflictError('followup_not_drafted', `No keep-in-touch note now: ${why}.`, { why });
  }
  return ctx.db.selectFrom('drafts').selectAll().where('id', '=', outcome.draftId!).executeTakeFirstOrThrow();
}

function decideQuiet(f: ConversationFacts, env: Env): { rule: 'check_in' | 'waiting_on_them'; decision: Decision } {
  return f.ourLastAsks
    ? { rule: 'waiting_on_them', decision: decideNudge(f, env.rules.waitingOnThem, env.rules.morningHour, env.asOf) }
    : { rule: 'check_in', decision: decideCheckIn(f, env.rules.checkIn, env.rules.morningHour, env.asOf) };
}

interface Plan {
  decision: Decision;
  key: string;
  conversationId: number | null;
  template: string;
  details: Record<string, unknown>;
}

async function lockCustomer(tx: Kysely<DB>, customerId: number): Promise<void> {
  await tx.selectFrom('customers').select('id').where('id', '=', customerId).forUpdate().executeTakeFirst();
}

async function ourLastWords(tx: Kysely<DB>, conversationId: number): Promise<string> {
  const m = await tx
    .selectFrom('messages')
    .select('new_text')
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'out')
    .orderBy('date', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return m?.new_text ?? '';
}

/** The conversation's facts read again under the customer's lock, so a message that just arrived is seen. */
async function recheckConversation(tx: Kysely<DB>, env: Env, conversationId: number): Promise<Plan | null> {
  const [f] = await quietConversations(tx, env.rules, env.asOf, conversationId);
  if (!f) return null;
  const { rule, decision } = decideQuiet(f, env);
  const words = await ourLastWords(tx, conversationId);
  if (rule === 'check_in') {
    const theirs = await tx
      .selectFrom('messages')
      .select('new_text')
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'in')
      .where('automated_reason', 'is', null)
      .orderBy('date')
      .orderBy('id')
      .execute();
    const gist = whatWeSolved({ subject: f.subject, theirs: theirs.map((m) => m.new_text), ours: words });
    return {
      decision,
      key: conversationKey(rule, f),
      conversationId,
      template: 'replies/check-in',
      details: { hint: gist ? `ask how it went with what we said: "${gist}"` : null, gist },
    };
  }
  const question = questionAsked(words);
  return { decision, key: conversationKey(rule, f), conversationId, template: 'replies/nudge', details: { hint: question ? `ask again, kindly: "${question}"` : null, question } };
}

async function recheckCustomer(tx: Kysely<DB>, env: Env, customerId: number, manual: boolean): Promise<Plan | null> {
  const [f]: CustomerFacts[] = await quietCustomers(tx, env.rules, env.asOf, customerId);
  if (!f) return null;
  const decision = decideKeepInTouch(f, env.rules.keepInTouch, env.rules.morningHour, env.asOf, manual);
  const topic = f.latest?.subject ?? null;
  return {
    decision,
    key: keepInTouchKey(f),
    conversationId: f.latest?.conversationId ?? null,
    template: 'replies/keep-in-touch',
    details: { lastTopic: topic, hint: topic ? `a genuine reason you thought of them (last time they wrote about "${topic}")` : null },
  };
}

/**
 * A fact-based follow-up, drafted at most once: under the customer's lock the facts are read again and
 * decided again, then the row with the rule's key is inserted; a key already there means another worker
 * (or an earlier run) made it. If the conversation gained an open draft meanwhile, nothing is kept.
 */
async function draftOnce(
  env: Env,
  rule: RuleName,
  customerId: number,
  conversationId: number | null,
  recheck: (tx: Kysely<DB>) => Promise<Plan | null>,
  actor?: User,
): Promise<FollowupOutcome> {
  const base = { rule, conversationId, customerId };
  try {
    return await env.ctx.db.transaction().execute(async (tx): Promise<FollowupOutcome> => {
      await lockCustomer(tx, customerId);
      const plan = await recheck(tx);
      if (!plan) return { ...base, followupId: null, result: 'skipped', why: 'nothing to follow up' };
      const d = plan.decision;
      if (d.act !== 'draft')
        return {
          ...base,
          followupId: null,
          conversationId: plan.conversationId,
          result: d.act === 'wait' ? 'waiting' : d.act === 'skip' ? 'skipped' : 'not_yet',
          ...('why' in d ? { why: d.why } : {}),
        };
      const row = await tx
        .insertInto('followups')
        .values({
          rule,
          key: plan.key,
          customer_id: customerId,
          conversation_id: plan.conversationId,
          state: 'scheduled',
          due_at: d.dueAt,
          reason: d.reason,
          created_by: actor?.id ?? null,
          created_at: env.asOf,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return { ...base, followupId: null, conversationId: plan.conversationId, result: 'duplicate' };
      const draftId = await writeFollowupDraft(tx, {
        followupId: row.id,
        rule,
        reason: d.reason,
        conversationId: plan.conversationId!,
        template: plan.template,
        details: plan.details,
        authorId: actor?.id,
        ours: env.ours,
        now: env.asOf,
        log: env.ctx.log,
      });
      if (actor) await audit(tx, env.asOf, { actorUserId: actor.id, action: 'followup.requested', subjectType: 'draft', subjectId: draftId, details: { rule, customerId } });
      return { ...base, followupId: row.id, conversationId: plan.conversationId, result: 'drafted', draftId };
    });
  } catch (err) {
    if (!(err instanceof FollowupBusy)) throw err;
    return { ...base, followupId: null, result: 'waiting', why: err.message };
  }
}

/** A scheduled follow-up whose time may have come; the customer is locked first, as everywhere, then the row. */
async function fire(env: Env, followupId: number): Promise<FollowupOutcome | null> {
  const peek = await env.ctx.db.selectFrom('followups').select(['rule', 'customer_id', 'conversation_id']).where('id', '=', followupId).executeTakeFirst();
  if (!peek) return null;
  const base = { rule: peek.rule, followupId, conversationId: peek.conversation_id, customerId: peek.customer_id };
  try {
    return await env.ctx.db.transaction().execute(async (tx): Promise<FollowupOutcome> => {
      if (peek.customer_id !== null) await lockCustomer(tx, peek.customer_id);
      const row = await tx.selectFrom('followups').selectAll().where('id', '=', followupId).forUpdate().executeTakeFirstOrThrow();
      if (row.state !== 'scheduled') return { ...base, result: 'settled' };
      switch (row.rule) {
        case 'promise':
          return firePromise(tx, env, row);
        case 'remind_me':
          return fireReminder(tx, env, row);
        case 'close_the_loop':
          return fireCloseTheLoop(tx, env, row);
        default:
          return settle(tx, row, { act: 'skip', why: `${row.rule} is not a scheduled rule` });
      }
    });
  } catch (err) {
    if (!(err instanceof FollowupBusy)) throw err;
    return { ...base, result: 'waiting', why: err.message };
  }
}

/** Records a decision that makes no draft. */
async function settle(tx: Kysely<DB>, row: Followup, d: Decision): Promise<FollowupOutcome> {
  const base = { rule: row.rule, followupId: row.id, conversationId: row.conversation_id, customerId: row.customer_id };
  if (d.act === 'skip') {
    await tx.updateTable('followups').set({ state: 'skipped', outcome: d.why }).where('id', '=', row.id).execute();
    return { ...base, result: 'skipped', why: d.why };
  }
  if (d.act === 'wait') return { ...base, result: 'waiting', why: d.why };
  return { ...base, result: 'not_yet' };
}

async function firePromise(tx: Kysely<DB>, env: Env, row: Followup): Promise<FollowupOutcome> {
  const promise = await tx.selectFrom('promises').selectAll().where('id', '=', row.promise_id!).executeTakeFirstOrThrow();
  const message = await tx.selectFrom('messages').select(['id', 'conversation_id', 'date']).where('id', '=', promise.message_id).executeTakeFirstOrThrow();
  // The promise belongs to the conversation its message is in now (after any split or merge).
  const state = await conversationState(tx, message.conversation_id);
  const later = await tx
    .selectFrom('messages')
    .select('id')
    .where('conversation_id', '=', message.conversation_id)
    .where('automated_reason', 'is', null)
    .where((eb) => eb.or([eb('date', '>', message.date), eb.and([eb('date', '=', message.date), eb('id', '>', message.id)])]))
    .limit(1)
    .executeTakeFirst();
  const d = decidePromiseReminder(
    {
      ...state,
      enabled: env.rules.promises.enabled,
      dueAt: promise.due_at,
      dismissed: promise.state === 'dismissed',
      movedOn: Boolean(later) || state.status === 'done',
      conversationExists: state.exists,
      sentence: promise.sentence,
      whenText: promise.when_text,
      promisedAt: message.date,
    },
    env.asOf,
  );
  if (d.act !== 'draft') return settle(tx, row, d);
  await tx.updateTable('followups').set({ conversation_id: message.conversation_id }).where('id', '=', row.id).execute();
  const draftId = await writeFollowupDraft(tx, {
    followupId: row.id,
    rule: 'promise',
    reason: d.reason,
    conversationId: message.conversation_id,
    template: 'replies/promise-reminder',
    details: { hint: `keep the promise: "${promise.sentence}"`, promise: { sentence: promise.sentence, when: promise.when_text } },
    ours: env.ours,
    now: env.asOf,
    log: env.ctx.log,
  });
  return { rule: 'promise', followupId: row.id, conversationId: message.conversation_id, customerId: row.customer_id, result: 'drafted', draftId };
}

async function fireReminder(tx: Kysely<DB>, env: Env, row: Followup): Promise<FollowupOutcome> {
  const state = await conversationState(tx, row.conversation_id);
  const setBy = row.created_by ? await tx.selectFrom('users').select('name').where('id', '=', row.created_by).executeTakeFirst() : undefined;
  const d = decideReminder(
    {
      dueAt: row.due_at,
      conversationExists: state.exists,
      hasCustomer: state.customerId !== null,
      openDraft: state.openDraft,
      doNotFollowUp: state.doNotFollowUp,
      pendingFollowup: state.pendingFollowup,
      setBy: setBy?.name ?? null,
      setAt: row.created_at,
      note: row.note,
    },
    env.asOf,
  );
  if (d.act !== 'draft' && d.act !== 'note') return settle(tx, row, d);
  const conversationId = row.conversation_id!;
  // The note comes back with the conversation, where everyone sees it; the snooze is over.
  await insertNote(tx, { conversationId, authorId: row.created_by, body: d.reason, at: env.asOf });
  await tx
    .updateTable('conversations')
    .set((eb) => ({ snoozed_until: null, version: eb('version', '+', 1), updated_at: env.asOf }))
    .where('id', '=', conversationId)
    .execute();
  if (d.act === 'note') {
    await tx.updateTable('followups').set({ state: 'noted', reason: d.reason, outcome: d.why, fired_at: env.asOf }).where('id', '=', row.id).execute();
    await audit(tx, env.asOf, {
      actorUserId: null,
      action: 'followup.noted',
      subjectType: 'conversation',
      subjectId: conversationId,
      details: { followupId: row.id, rule: 'remind_me' },
    });
    return { rule: 'remind_me', followupId: row.id, conversationId, customerId: row.customer_id, result: 'noted', why: d.why };
  }
  const draftId = await writeFollowupDraft(tx, {
    followupId: row.id,
    rule: 'remind_me',
    reason: d.reason,
    conversationId,
    template: 'replies/reminder',
    details: { note: row.note, hint: row.note ? `your note to self: ${row.note}` : null },
    authorId: row.created_by,
    ours: env.ours,
    now: env.asOf,
    log: env.ctx.log,
  });
  return { rule: 'remind_me', followupId: row.id, conversationId, customerId: row.customer_id, result: 'drafted', draftId };
}

async function fireCloseTheLoop(tx: Kysely<DB>, env: Env, row: Followup): Promise<FollowupOutcome> {
  const state = await conversationState(tx, row.conversation_id);
  const request = await tx.selectFrom('customer_requests').select(['label', 'shipped_by']).where('id', '=', row.request_id!).executeTakeFirstOrThrow();
  const d = decideCloseTheLoop({ ...state, conversationExists: state.exists, label: request.label, words: row.note ?? '' }, row.due_at, env.asOf);
  if (d.act !== 'draft') return settle(tx, row, d);
  const askedOn = await requestAskedOn(tx, row.request_id!, row.customer_id);
  const draftId = await writeFollowupDraft(tx, {
    followupId: row.id,
    rule: 'close_the_loop',
    reason: d.reason,
    conversationId: row.conversation_id!,
    template: 'replies/close-the-loop',
    details: { label: request.label, words: row.note, askedOn, askedWhen: askedOn ? writtenWhen(askedOn, env.asOf) : null },
    authorId: request.shipped_by,
    ours: env.ours,
    now: env.asOf,
    log: env.ctx.log,
  });
  return { rule: 'close_the_loop', followupId: row.id, conversationId: row.conversation_id, customerId: row.customer_id, result: 'drafted', draftId };
}
