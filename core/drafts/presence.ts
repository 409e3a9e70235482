import { sql } from 'kysely';
import type { Ctx } from '../context.ts';

/** A page that has not said it is still open for this long has been closed. */
const PRESENCE_MS = 30_000;

export interface Present {
  userId: number;
  name: string;
  editing: boolean;
}

/** Records that this person has the draft open (and whether they are typing); returns the others who do. */
export async function notePresence(ctx: Ctx, draftId: number, userId: number, editing: boolean): Promise<Present[]> {
  const now = ctx.clock.now();
  await ctx.db
    .insertInto('draft_presence')
    .values({ draft_id: draftId, user_id: userId, editing, seen_at: now })
    .onConflict((oc) => oc.columns(['draft_id', 'user_id']).doUpdateSet({ editing, seen_at: now }))
    .execute();
  const others = await ctx.db
    .selectFrom('draft_presence')
    .innerJoin('users', 'users.id', 'draft_presence.user_id')
    .select(['users.id', 'users.name', 'draft_presence.editing'])
    .where('draft_presence.draft_id', '=', draftId)
    .where('draft_presence.user_id', '!=', userId)
    .where('draft_presence.seen_at', '>', new Date(now.getTime() - PRESENCE_MS))
    .orderBy('users.name')
    .execute();
  // Old rows say nothing any more; clearing them here keeps the table small without a job of its own.
  await ctx.db
    .deleteFrom('draft_presence')
    .where('seen_at', '<', sql<Date>`${new Date(now.getTime() - 10 * PRESENCE_MS)}::timestamptz`)
    .execute();
  return others.map((o) => ({ userId: o.id, name: o.name, editing: o.editing }));
}
