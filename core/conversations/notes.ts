import type { Kysely } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { DB, User } from '../db/schema.ts';
import { NotFoundError, ValidationError } from '../errors.ts';

/*
 * Internal notes: staff writing to staff beside a conversation. They live in their own table, which
 * nothing that composes mail (templates, drafts, the outbox) reads, so a note never leaves the building.
 */

export interface NoteView {
  id: number;
  conversationId: number;
  author: { id: number; name: string } | null;
  body: string;
  mentions: Array<{ id: number; name: string }>;
  createdAt: Date;
}

const MAX_BODY = 20_000;
// "@name" at the start or after a non-address character, so "maria@bakery.example" mentions nobody.
const MENTION = /(?<![\p{L}\p{N}._%+-])@([\p{L}\p{N}](?:[\p{L}\p{N}._-]*[\p{L}\p{N}])?)/gu;

type Staff = Pick<User, 'id' | 'name' | 'email' | 'disabled_at'>;

/**
 * The staff a note mentions. "@dana" names whoever has that email local part or whose name written
 * without spaces (or with dots) is that; failing those, the one active person with that first name.
 * A first name two people share mentions neither: better no notification than the wrong one.
 */
export function findMentions(body: string, staff: Staff[]): number[] {
  const active = staff.filter((s) => !s.disabled_at);
  const found = new Set<number>();
  for (const [, raw] of body.matchAll(MENTION)) {
    const token = raw!.toLowerCase();
    const exact = active.filter((s) => {
      const local = s.email.slice(0, s.email.lastIndexOf('@')).toLowerCase();
      const words = s.name.trim().toLowerCase().split(/\s+/);
      return local === token || words.join('.') === token || words.join('_') === token || words.join('') === token;
    });
    const byFirstName = active.filter((s) => s.name.trim().toLowerCase().split(/\s+/)[0] === token);
    for (const s of exact.length ? exact : byFirstName.length === 1 ? byFirstName : []) found.add(s.id);
  }
  return [...found];
}

/** Adds a note; the conversation's version moves, so an approver sees it before sending. */
export async function addNote(ctx: Ctx, conversationId: number, body: string, actor: User): Promise<NoteView> {
  const text = body.trim();
  if (!text) throw new ValidationError('A note needs some text.', 'body');
  if (text.length > MAX_BODY) throw new ValidationError(`A note holds at most ${MAX_BODY} characters.`, 'body');
  const staff = await ctx.db.selectFrom('users').select(['id', 'name', 'email', 'disabled_at']).execute();
  const mentioned = findMentions(text, staff);
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (tx) => {
    const conversation = await tx
      .updateTable('conversations')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
      .where('id', '=', conversationId)
      .returning('id')
      .executeTakeFirst();
    if (!conversation) throw new NotFoundError('Conversation', conversationId);
    const note = await tx
      .insertInto('conversation_notes')
      .values({ conversation_id: conversationId, author_id: actor.id, body: text, mentioned_user_ids: mentioned, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(tx, now, {
      actorUserId: actor.id,
      action: 'conversation.note_added',
      subjectType: 'conversation',
      subjectId: conversationId,
      details: { noteId: note.id, mentioned },
    });
    return note.id;
  });
  return (await listNotes(ctx.db, conversationId)).find((n) => n.id === id)!;
}

/** The notes of a conversation, oldest first, with who wrote them and whom they mention. */
export async function listNotes(db: Kysely<DB>, conversationId: number): Promise<NoteView[]> {
  const notes = await db.selectFrom('conversation_notes').selectAll().where('conversation_id', '=', conversationId).orderBy('id').execute();
  const ids = [...new Set(notes.flatMap((n) => [...n.mentioned_user_ids, ...(n.author_id ? [n.author_id] : [])]))];
  const users = ids.length ? await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute() : [];
  const named = (id: number) => users.find((u) => u.id === id);
  return notes.map((n) => ({
    id: n.id,
    conversationId: n.conversation_id,
    author: n.author_id && named(n.author_id) ? { id: n.author_id, name: named(n.author_id)!.name } : null,
    body: n.body,
    mentions: n.mentioned_user_ids.flatMap((id) => (named(id) ? [{ id, name: named(id)!.name }] : [])),
    createdAt: n.created_at,
  }));
}

/** Notes follow their conversation when it is merged into another. */
export async function moveNotes(tx: Kysely<DB>, from: number, to: number): Promise<void> {
  await tx.updateTable('conversation_notes').set({ conversation_id: to }).where('conversation_id', '=', from).execute();
}
