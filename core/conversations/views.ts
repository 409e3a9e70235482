import type { Ctx } from '../context.ts';
import type { Conversation, Draft, Message } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { listNotes, type NoteView } from './notes.ts';

export interface AttachmentInfo {
  id: number;
  filename: string;
  contentType: string;
  size: number;
}

export interface ConversationDetail {
  conversation: Conversation;
  messages: Array<Message & { attachments: AttachmentInfo[] }>;
  drafts: Draft[];
  notes: NoteView[];
}

/** A conversation with its messages in order, its drafts and staff notes: what a person reads before answering. */
export async function conversationDetail(ctx: Ctx, id: number): Promise<ConversationDetail> {
  const conversation = await ctx.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!conversation) throw new NotFoundError('Conversation', id);
  const [messages, drafts, notes] = await Promise.all([
    ctx.db.selectFrom('messages').selectAll().where('conversation_id', '=', id).orderBy('date').orderBy('id').execute(),
    ctx.db.selectFrom('drafts').selectAll().where('conversation_id', '=', id).orderBy('id').execute(),
    listNotes(ctx.db, id),
  ]);
  const attachments = messages.length
    ? await ctx.db
        .selectFrom('attachments')
        .select(['id', 'message_id', 'filename', 'content_type', 'size'])
        .where(
          'message_id',
          'in',
          messages.map((m) => m.id),
        )
        .execute()
    : [];
  return {
    conversation,
    messages: messages.map((m) => ({
      ...m,
      attachments: attachments.filter((a) => a.message_id === m.id).map((a) => ({ id: a.id, filename: a.filename, contentType: a.content_type, size: a.size })),
    })),
    drafts,
    notes,
  };
}

export interface ConversationSummary {
  id: number;
  subject: string;
  status: Conversation['status'];
  priority: number;
  intent: string | null;
  lastMessageAt: Date;
  lastInboundAt: Date | null;
  customerId: number | null;
  customerName: string | null;
  customerEmail: string | null;
  messageCount: number;
}

export async function listConversations(ctx: Ctx, filter: { status?: Conversation['status']; customerId?: number; limit?: number } = {}): Promise<ConversationSummary[]> {
  let q = ctx.db
    .selectFrom('conversations as c')
    .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
    .select((eb) => [
      'c.id',
      'c.subject',
      'c.status',
      'c.priority',
      'c.intent',
      'c.last_message_at',
      'c.last_inbound_at',
      'c.customer_id',
      'cu.name as customer_name',
      eb.selectFrom('customer_addresses as a').select('a.address').whereRef('a.customer_id', '=', 'c.customer_id').orderBy('a.created_at').limit(1).as('customer_email'),
      eb
        .selectFrom('messages as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('m.conversation_id', '=', 'c.id')
        .as('message_count'),
    ]);
  if (filter.status) q = q.where('c.status', '=', filter.status);
  if (filter.customerId) q = q.where('c.customer_id', '=', filter.customerId);
  const rows = await q
    .orderBy('c.last_message_at', 'desc')
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    subject: r.subject,
    status: r.status,
    priority: r.priority,
    intent: r.intent,
    lastMessageAt: r.last_message_at,
    lastInboundAt: r.last_inbound_at,
    customerId: r.customer_id,
    customerName: r.customer_name,
    customerEmail: r.customer_email ?? null,
    messageCount: Number(r.message_count ?? 0),
  }));
}
