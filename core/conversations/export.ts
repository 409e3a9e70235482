import type { Ctx } from '../context.ts';

export interface ThreadLine {
  id: number;
  customer: { id: number; name: string | null; addresses: string[] } | null;
  subject: string;
  messageIds: string[];
}

/** Every conversation with the Message-ID of each message in it, in date order: threading made checkable. */
export async function* exportThreads(ctx: Ctx, pageSize = 500): AsyncGenerator<ThreadLine> {
  for (let after = 0; ; ) {
    const page = await ctx.db.selectFrom('conversations').select(['id', 'subject', 'customer_id']).where('id', '>', after).orderBy('id').limit(pageSize).execute();
    if (page.length === 0) return;
    const ids = page.map((c) => c.id);
    const customerIds = [...new Set(page.map((c) => c.customer_id).filter((x): x is number => x !== null))];
    const [messages, customers, addresses] = await Promise.all([
      ctx.db.selectFrom('messages').select(['conversation_id', 'message_id']).where('conversation_id', 'in', ids).orderBy('date').orderBy('id').execute(),
      customerIds.length ? ctx.db.selectFrom('customers').select(['id', 'name']).where('id', 'in', customerIds).execute() : [],
      customerIds.length ? ctx.db.selectFrom('customer_addresses').select(['customer_id', 'address']).where('customer_id', 'in', customerIds).orderBy('created_at').execute() : [],
    ]);
    for (const c of page) {
      const customer = customers.find((x) => x.id === c.customer_id);
      yield {
        id: c.id,
        customer: customer ? { id: customer.id, name: customer.name, addresses: addresses.filter((a) => a.customer_id === customer.id).map((a) => a.address) } : null,
        subject: c.subject,
        messageIds: messages.filter((m) => m.conversation_id === c.id).map((m) => m.message_id),
      };
    }
    after = page[page.length - 1]!.id;
  }
}
