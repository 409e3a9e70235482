import type { Kysely } from 'kysely';
import type { DB, Followup } from '../db/schema.ts';

export interface FollowupFilter {
  state?: Followup['state'];
  rule?: Followup['rule'];
  conversationId?: number;
  customerId?: number;
}

/** The follow-ups the rules made, latest due first; the newest 500, enough for any one look. */
export async function listFollowups(db: Kysely<DB>, f: FollowupFilter = {}): Promise<Followup[]> {
  let q = db.selectFrom('followups').selectAll();
  if (f.state) q = q.where('state', '=', f.state);
  if (f.rule) q = q.where('rule', '=', f.rule);
  if (f.conversationId) q = q.where('conversation_id', '=', f.conversationId);
  if (f.customerId) q = q.where('customer_id', '=', f.customerId);
  return q.orderBy('due_at', 'desc').orderBy('id', 'desc').limit(500).execute();
}
