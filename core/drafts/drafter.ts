import type { Kysely } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { latestCustomerMessage } from '../conversations/latest-message.ts';
import { firstNameOf } from '../customers/addresses.ts';
import { withoutGreeting } from '../customers/card.ts';
import type { DB, Message, User } from '../db/schema.ts';
import { ConflictError } from '../errors.ts';
import { claimFirstContact, settleFirstContact } from '../followups/first-contact.ts';
import { theirPoint } from '../followups/their-words.ts';
import { ourAddresses } from '../mailboxes/mailboxes.ts';
import { defaultLanguageIn } from '../settings/team-settings.ts';
import { writingSince } from './dates-in-words.ts';
import { recordFirstRevision } from './drafts.ts';
import { detectLanguage, languageName, writesInformally } from './language.ts';
import { replyRecipients, replySubject } from './recipients.ts';
import { OPEN_DRAFT_STATUSES } from './statuses.ts';
import { type ConversationFacts, chooseLanguageTemplate, chooseReplyTemplate, type LocalizedChoice } from './template-choice.ts';
import { shorten, TemplateError, TemplateLibrary } from './templates.ts';
import { touchCheck } from './touch-check.ts';

export type DraftOutcome = { drafted: true; draftId: number } | { drafted: false; reason: string };

/**
 * Prepares the reply draft a conversation is waiting for. Idempotent: it acts only while the
 * conversation's draft_wanted_for is set, and the database allows one open draft per conversation.
 * It never sends anything.
 */
export async function prepareReplyDraft(ctx: Ctx, conversationId: number): Promise<DraftOutcome> {
  const ours = await ourAddresses(ctx);
  return ctx.db.transaction().execute(async (tx): Promise<DraftOutcome> => {
    const conversation = await tx.selectFrom('conversations').selectAll().where('id', '=', conversationId).forUpdate().executeTakeFirst();
    if (!conversation?.draft_wanted_for) return { drafted: false, reason: 'nothing to draft' };
    const done = (reason: string) => clearWanted(tx, conversationId).then((): DraftOutcome => ({ drafted: false, reason }));
    if (conversation.status !== 'waiting_on_us') return done('not waiting on us');
    const open = await tx.selectFrom('drafts').select('id').where('conversation_id', '=', conversationId).where('status', 'in', OPEN_DRAFT_STATUSES).executeTakeFirst();
    if (open) return done('a draft is open already');
    const message = await tx.selectFrom('messages').selectAll().where('id', '=', conversation.draft_wanted_for).executeTakeFirst();
    if (!message) return done('the message is gone');

    const now = ctx.clock.now();
    const context = await templateContext(tx, conversation.customer_id, conversation.id, conversation.subject, message, conversation.mailbox_id, now);
    const facts: ConversationFacts = { intent: (conversation.intent ?? 'other') as ConversationFacts['intent'], earlierConversations: context.customer.earlierConversations };
    // A new customer's first message gets a personal welcome, drafted for the founder or a chosen person.
    const welcome = await claimFirstContact(tx, conversation, message, now);
    const chosen = await inCustomersLanguage(tx, welcome?.templateName ?? `replies/${chooseReplyTemplate(facts)}`, context.language);
    const templateName = chosen.name;
    let body: string;
    try {
      // Inside the transaction: the embedded database has one connection, and this transaction holds it.
      body = withNote((await new TemplateLibrary(tx).render(templateName, context)).body, chosen.note);
    } catch (err) {
      // A broken template must never stop the queue: fall back to a bare scaffold and say why.
      if (!(err instanceof TemplateError)) throw err;
      ctx.log.warn({ err: err.message, template: templateName }, 'template failed; using a bare scaffold');
      body = `Hi ${context.customer.firstName ?? '[[their name]]'},\n\n[[your reply (the template ${templateName} failed: ${err.message.replace(/[[\]]/g, '')})]]\n`;
    }
    const { to, cc } = replyRecipients(message, ours);
    const touch = touchCheck({ text: body, templateText: body, language: chosen.language, customer: { firstName: context.customer.firstName }, customerText: message.new_text });
    const draft = await tx
      .insertInto('drafts')
      .values({
        conversation_id: conversationId,
        kind: 'reply',
        status: 'pending',
        subject: replySubject(conversation.subject),
        body,
        template_name: templateName,
        template_body: body,
        to: JSON.stringify(to),
        cc: JSON.stringify(cc),
        author_id: welcome?.authorId ?? context.personUserId ?? conversation.assignee_id,
        answers_message_id: message.id,
        touch_score: touch.score,
        followup_rule: welcome?.rule ?? null,
        followup_reason: welcome?.reason ?? null,
        updated_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    await clearWanted(tx, conversationId);
    if (welcome) await settleFirstContact(tx, welcome, draft?.id ?? null);
    if (!draft) return { drafted: false, reason: 'a draft is open already' };
    await recordFirstRevision(tx, draft.id, { subject: replySubject(conversation.subject), body, to, cc }, null);
    await audit(tx, now, { actorUserId: null, action: 'draft.prepared', subjectType: 'draft', subjectId: draft.id, details: { template: templateName, conversationId } });
    return { drafted: true, draftId: draft.id };
  });
}

/**
 * A person chose "Write a reply": any conversation can be answered at any time, so it waits on us again
 * and gets a draft from the template that fits the customer's latest message.
 */
export async function writeReply(ctx: Ctx, conversationId: number, actor: User): Promise<number> {
  const latest = await latestCustomerMessage(ctx.db, conversationId);
  if (!latest) throw new ConflictError('nothing_to_answer', 'There is no message from the customer in this conversation to answer.');
  const now = ctx.clock.now();
  await ctx.db
    .updateTable('conversations')
    .set((eb) => ({ status: 'waiting_on_us', draft_wanted_for: latest.id, version: eb('version', '+', 1), updated_at: now }))
    .where('id', '=', conversationId)
    .execute();
  const outcome = await prepareReplyDraft(ctx, conversationId);
  if (!outcome.drafted) throw new ConflictError('draft_open', `No new draft: ${outcome.reason}.`);
  await audit(ctx.db, now, { actorUserId: actor.id, action: 'draft.written', subjectType: 'draft', subjectId: outcome.draftId, details: { conversationId } });
  return outcome.draftId;
}

/** The template in the customer's language, or the default language's with a note saying so. */
export async function inCustomersLanguage(tx: Kysely<DB>, base: string, language: { code: string; defaultCode: string }): Promise<LocalizedChoice> {
  const available = new Set((await new TemplateLibrary(tx).sources()).map((s) => s.name));
  return chooseLanguageTemplate(base, language.code, language.defaultCode, available, languageName);
}

/** The note opens the draft as a slot, so the writer sees it and it cannot go out by mistake. */
export function withNote(body: string, note: string | null): string {
  return note ? `[[${note}; delete this line]]\n\n${body}` : body;
}

async function clearWanted(tx: Kysely<DB>, conversationId: number): Promise<void> {
  await tx.updateTable('conversations').set({ draft_wanted_for: null }).where('id', '=', conversationId).execute();
}

/** What templates can say about the customer and the conversation, as of `now` (when the reply is written). */
export async function templateContext(tx: Kysely<DB>, customerId: number | null, conversationId: number, subject: string, message: Message, mailboxId: number | null, now: Date) {
  const customer = customerId ? await tx.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirst() : undefined;
  const earlier = customerId
    ? await tx
        .selectFrom('conversations')
        .select(['subject', 'last_message_at'])
        .where('customer_id', '=', customerId)
        .where('id', '!=', conversationId)
        .orderBy('last_message_at', 'desc')
        .limit(5)
        .execute()
    : [];
  const mailbox = mailboxId ? await tx.selectFrom('mailboxes').select('name').where('id', '=', mailboxId).executeTakeFirst() : undefined;
  const name = customer?.name ?? message.from_name ?? null;
  const defaultCode = await defaultLanguageIn(tx);
  const detected = detectLanguage(message.new_text, defaultCode);
  return {
    language: { ...detected, defaultCode, name: languageName(detected.code), informal: writesInformally(message.new_text, detected.code) },
    customer: {
      name,
      firstName: firstNameOf(name, message.from_address ?? ''),
      email: message.from_address,
      since: customer?.first_contact_at ?? null,
      writingSince: writingSince(customer?.first_contact_at ?? null, now),
      earlierConversations: earlier.length,
      previousTopics: earlier.map((c) => c.subject),
    },
    personUserId: customer?.person_user_id ?? null,
    message: { subject: message.subject, text: message.new_text, quote: shorten(withoutGreeting(message.new_text), 200), point: theirPoint(message.new_text) },
    conversation: { subject },
    company: { name: mailbox?.name ?? '' },
    daysSinceWeLastWrote: customer?.last_outbound_at ? Math.floor((message.date.getTime() - customer.last_outbound_at.getTime()) / 86_400_000) : null,
  };
}

/** Conversations that still want a draft, except in a mailbox whose first sync is not complete: its end asks for those. */
export async function conversationsWantingDraft(db: Kysely<DB>): Promise<Array<{ id: number; draftWantedFor: number }>> {
  const rows = await db
    .selectFrom('conversations')
    .leftJoin('mailboxes', 'mailboxes.id', 'conversations.mailbox_id')
    .select(['conversations.id', 'conversations.draft_wanted_for'])
    .where('conversations.draft_wanted_for', 'is not', null)
    // Until a mailbox's first sync is complete we do not know who wrote last.
    .where((eb) => eb.or([eb('conversations.mailbox_id', 'is', null), eb('mailboxes.initial_sync_done', '=', true)]))
    .execute();
  return rows.map((r) => ({ id: r.id, draftWantedFor: r.draft_wanted_for! }));
}
