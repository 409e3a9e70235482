import type { Kysely } from 'kysely';
import { audit } from '../audit.ts';
import { latestCustomerMessage } from '../conversations/latest-message.ts';
import type { AddressJson, DB, Message } from '../db/schema.ts';
import { quietFor } from '../drafts/dates-in-words.ts';
import { inCustomersLanguage, templateContext, withNote } from '../drafts/drafter.ts';
import { recordFirstRevision } from '../drafts/drafts.ts';
import { replyRecipients, replySubject } from '../drafts/recipients.ts';
import { TemplateError, TemplateLibrary } from '../drafts/templates.ts';
import { touchCheck } from '../drafts/touch-check.ts';
import type { Logger } from '../logger.ts';
import { DAY_MS } from './local-time.ts';
import type { RuleName } from './rules.ts';

/** The conversation got an open draft in the meantime: the follow-up waits and is tried again later. */
export class FollowupBusy extends Error {
  constructor() {
    super('a draft of this conversation is open');
  }
}

export interface FollowupDraftInput {
  followupId: number;
  rule: RuleName;
  reason: string;
  conversationId: number;
  /** The shipped template it starts from, e.g. `replies/check-in`. */
  template: string;
  /** What the template sees under `followup`: hints for its personal slots. */
  details: Record<string, unknown>;
  /** Who it is written as; otherwise the customer's person, the assignee, or whoever last wrote them. */
  authorId?: number | null;
  ours: Set<string>;
  now: Date;
  log: Logger;
}

/**
 * Writes a follow-up draft inside the caller's transaction: a reply in the conversation to the customer's
 * newest message (threaded, quoting their words), from a scaffold with personal slots that a person must
 * fill. Pending, like any draft: nothing is sent until a person approves it.
 */
export async function writeFollowupDraft(tx: Kysely<DB>, d: FollowupDraftInput): Promise<number> {
  const conversation = await tx.selectFrom('conversations').selectAll().where('id', '=', d.conversationId).executeTakeFirstOrThrow();
  const customer = conversation.customer_id ? await tx.selectFrom('customers').selectAll().where('id', '=', conversation.customer_id).executeTakeFirst() : undefined;
  const theirs = await latestCustomerMessage(tx, d.conversationId, { humanOnly: true });
  const anchor =
    theirs ??
    (await tx.selectFrom('messages').selectAll().where('conversation_id', '=', d.conversationId).orderBy('date', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow());
  const address = theirs
    ? null
    : await tx.selectFrom('customer_addresses').select('address').where('customer_id', '=', conversation.customer_id).orderBy('created_at').limit(1).executeTakeFirst();
  // When we wrote first there is no message of theirs: the template must still greet them, not us.
  const greeted: Message = theirs ?? { ...anchor, from_address: address?.address ?? null, from_name: null, reply_to: [], to: [], cc: [] };
  const base = await templateContext(tx, conversation.customer_id, conversation.id, conversation.subject, greeted, conversation.mailbox_id, d.now);
  // Since we last wrote them, as of now: the reply drafter counts to their new message instead.
  const daysSinceWeLastWrote = customer?.last_outbound_at ? Math.floor((d.now.getTime() - customer.last_outbound_at.getTime()) / DAY_MS) : null;
  const context = { ...base, daysSinceWeLastWrote, quietFor: quietFor(customer?.last_outbound_at ?? null, d.now), followup: { rule: d.rule, ...d.details } };

  const chosen = await inCustomersLanguage(tx, d.template, base.language);
  let body: string;
  try {
    body = withNote((await new TemplateLibrary(tx).render(chosen.name, context)).body, chosen.note);
  } catch (err) {
    // A broken template must never stop follow-ups: a bare scaffold says why.
    if (!(err instanceof TemplateError)) throw err;
    d.log.warn({ err: err.message, template: d.template }, 'template failed; using a bare scaffold');
    body = `Hi ${base.customer.firstName ?? '[[their name]]'},\n\n[[your note (the template ${d.template} failed: ${err.message.replace(/[[\]]/g, '')})]]\n`;
  }
  const to: AddressJson[] = theirs ? replyRecipients(theirs, d.ours).to : address ? [{ address: address.address, name: customer?.name ?? '' }] : [];
  const subject = replySubject(conversation.subject);
  const draft = await tx
    .insertInto('drafts')
    .values({
      conversation_id: conversation.id,
      kind: 'followup',
      status: 'pending',
      subject,
      body,
      template_name: chosen.name,
      template_body: body,
      to: JSON.stringify(to),
      cc: JSON.stringify([]),
      author_id: d.authorId ?? base.personUserId ?? conversation.assignee_id ?? customer?.last_outbound_user_id ?? null,
      answers_message_id: anchor.id,
      touch_score: touchCheck({ text: body, templateText: body, language: chosen.language, customer: { firstName: base.customer.firstName } }).score,
      followup_rule: d.rule,
      followup_reason: d.reason,
      updated_at: d.now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!draft) throw new FollowupBusy();
  await recordFirstRevision(tx, draft.id, { subject, body, to, cc: [] }, null);
  await tx.updateTable('followups').set({ state: 'drafted', draft_id: draft.id, fired_at: d.now, reason: d.reason }).where('id', '=', d.followupId).execute();
  await audit(tx, d.now, {
    actorUserId: null,
    action: 'followup.drafted',
    subjectType: 'draft',
    subjectId: draft.id,
    details: { rule: d.rule, followupId: d.followupId, conversationId: conversation.id },
  });
  return draft.id;
}
