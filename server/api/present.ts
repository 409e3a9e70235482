import type { AttachmentInfo } from '../../core/conversations/views.ts';
import type { Draft, Message, Snippet } from '../../core/db/schema.ts';
import { findSlots } from '../../core/drafts/slots.ts';

/** The JSON shapes of the API: stable names in camelCase, no internal columns. */
export function draftJson(d: Draft) {
  return {
    id: d.id,
    conversationId: d.conversation_id,
    status: d.status,
    kind: d.kind,
    /** The follow-up rule that made it and why; null for a plain reply. */
    followup: d.followup_rule ? { rule: d.followup_rule, reason: d.followup_reason } : null,
    subject: d.subject,
    body: d.body,
    to: d.to,
    cc: d.cc,
    /** The mailbox chosen to send from; null: the conversation's own (or the first, for mail that came from none). */
    mailboxId: d.mailbox_id,
    template: d.template_name,
    slots: findSlots(d.body).map((s) => s.hint),
    customerWroteAgain: d.customer_wrote_again,
    reviewRequested: d.review_requested_at !== null,
    touchScore: d.touch_score,
    version: d.version,
    approvedAt: d.approved_at,
    sendAfter: d.send_after,
    sentAt: d.sent_at,
    failure: d.failure,
    discardReason: d.discard_reason,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
  };
}

export function messageJson(m: Message & { attachments?: AttachmentInfo[] }) {
  return {
    id: m.id,
    messageId: m.message_id,
    direction: m.direction,
    from: m.from_address ? { address: m.from_address, name: m.from_name ?? '' } : null,
    to: m.to,
    cc: m.cc,
    date: m.date,
    subject: m.subject,
    text: m.text,
    newText: m.new_text,
    automated: m.automated_reason,
    warnings: m.warnings,
    attachments: m.attachments ?? [],
  };
}

export function snippetJson(s: Snippet) {
  return {
    id: s.id,
    name: s.name,
    /** As written: variables (`{{customer.firstName}}`) and slots (`[[hint]]`) not filled; POST /api/snippets/:id/insert fills them. */
    body: s.body,
    shortcut: s.shortcut,
    keywords: s.keywords,
    useCount: s.use_count,
    lastUsedAt: s.last_used_at,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
  };
}
