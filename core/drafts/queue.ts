import type { Ctx } from '../../core/context.ts';
import { shorten } from '../../core/drafts/templates.ts';

export interface QueueItem {
  draftId: number;
  conversationId: number;
  subject: string;
  status: string;
  customerName: string | null;
  customerEmail: string | null;
  priority: number;
  intent: string | null;
  waitingSince: Date | null;
  preview: string;
  customerWroteAgain: boolean;
}

/** Drafts waiting for a person: complaints first, then whoever has waited longest. */
export async function draftQueue(ctx: Ctx): Promise<QueueItem[]> {
  const rows = await ctx.db
    .selectFrom('drafts as d')
    .innerJoin('conversations as c', 'c.id', 'd.conversation_id')
    .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
    .leftJoin('messages as m', 'm.id', 'd.answers_message_id')
    .select(['d.id', 'd.conversation_id', 'd.status', 'd.customer_wrote_again', 'c.subject', 'c.priority', 'c.intent', 'c.last_inbound_at', 'cu.name', 'm.from_address', 'm.new_text'])
    .where('d.status', 'in', ['pending', 'approved'])
    .orderBy('c.priority', 'desc')
    .orderBy('c.last_inbound_at', 'asc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    draftId: r.id,
    conversationId: r.conversation_id,
    subject: r.subject,
    status: r.status,
    customerName: r.name,
    customerEmail: r.from_address,
    priority: r.priority,
    intent: r.intent,
    waitingSince: r.last_inbound_at,
    preview: shorten(r.new_text ?? '', 140),
    customerWroteAgain: r.customer_wrote_again,
  }));
}
