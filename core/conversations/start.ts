import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { firstNameOf } from '../customers/addresses.ts';
import { resolveCustomer } from '../customers/customers.ts';
import type { AddressJson, User } from '../db/schema.ts';
import { checkHeaders, recordFirstRevision } from '../drafts/drafts.ts';
import { onceEach } from '../drafts/recipients.ts';
import { checkSenderChoice, requireSender } from '../drafts/sender.ts';
import { ValidationError } from '../errors.ts';
import { ourAddresses } from '../mailboxes/mailboxes.ts';
import { createConversation } from './conversations.ts';
import { normalizeSubject } from './threading.ts';

export interface NewConversation {
  /** The mailbox it goes out from; by default the first. */
  mailboxId?: number;
  to: AddressJson[];
  cc?: AddressJson[];
  subject: string;
  /** What the person wrote; by default a greeting with the rest left for them to write. */
  body?: string;
}

/**
 * Staff write first: a conversation with the customer (found or added by the first To address) and a draft
 * of a new message, not a reply. It waits in the queue for approval and the touch check like any reply, and
 * the sent message (and any answer to it) threads into this conversation by its Message-ID.
 */
export async function startConversation(ctx: Ctx, input: NewConversation, actor: User): Promise<{ conversationId: number; draftId: number }> {
  const subject = input.subject.trim();
  if (!subject) throw new ValidationError('Give the message a subject.', 'subject');
  checkHeaders({ subject, to: input.to, cc: input.cc });
  const ours = await ourAddresses(ctx);
  const own = [...input.to, ...(input.cc ?? [])].find((a) => ours.has(a.address));
  if (own) throw new ValidationError(`${own.address} is one of our own addresses; write to the customer.`, 'to');
  const keep = onceEach();
  const to = input.to.filter(keep);
  const cc = (input.cc ?? []).filter(keep);
  if (to.length === 0) throw new ValidationError("Who is it to? Add the customer's address.", 'to');
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    if (input.mailboxId !== undefined) await checkSenderChoice(tx, input.mailboxId);
    const mailbox = await requireSender(tx, { mailbox_id: input.mailboxId ?? null }, { mailbox_id: null });
    const customerId = await resolveCustomer(tx, to[0]!, { ours, plusTagDomains: ctx.config.plusTagDomains });
    const customer = customerId ? await tx.selectFrom('customers').select('name').where('id', '=', customerId).executeTakeFirst() : undefined;
    const conversationId = await createConversation(tx, {
      customerId,
      mailboxId: mailbox.id,
      subject,
      normalizedSubject: normalizeSubject(subject),
      date: now,
      assigneeId: actor.id,
    });
    const scaffold = `Hi ${firstNameOf(customer?.name ?? (to[0]!.name || null), to[0]!.address) ?? '[[their name]]'},\n\n[[what you want to tell them]]\n`;
    const body = input.body?.trim() ? input.body : scaffold;
    const draft = await tx
      .insertInto('drafts')
      .values({
        conversation_id: conversationId,
        kind: 'reply',
        status: 'pending',
        subject,
        body,
        // Only the greeting came from Longhand; what the person typed is their own words.
        template_body: input.body?.trim() ? null : scaffold,
        to: JSON.stringify(to),
        cc: JSON.stringify(cc),
        author_id: actor.id,
        mailbox_id: mailbox.id,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordFirstRevision(tx, draft.id, { subject, body, to, cc }, actor.id);
    await audit(tx, now, {
      actorUserId: actor.id,
      action: 'conversation.started',
      subjectType: 'conversation',
      subjectId: conversationId,
      details: { draftId: draft.id, to: to.map((a) => a.address) },
    });
    return { conversationId, draftId: draft.id };
  });
}
