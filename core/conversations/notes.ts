import type { Kysely } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { DB, User } from '../db/schema.ts';
import { NotFoundError, PermissionError, ValidationError } from '../errors.ts';
import { findMentions, mentionedByNote, namedMentionSpans, recordMentions, staffOf } from './mentions.ts';

/*
 * Internal notes: staff writing to staff beside a conversation. They live in their own table, which
 * nothing that composes mail (templates, drafts, the outbox) reads, so a note never leaves the building.
 */

export interface NoteView {
  id: number;
  conversationId: number;
  author: { id: number; name: string } | null;
  body: string;
  /** Whom it mentions (its author never counts). */
  mentions: Array<{ id: number; name: string }>;
  /** Each "@handle" in the body that names someone: [start, end) in UTF-16 code units, and whom. */
  mentionSpans: Array<{ start: number; end: number; name: string }>;
  createdAt: Date;
  editedAt: Date | null;
}

const MAX_BODY = 20_000;

function noteText(body: string): string {
  const text = body.trim();
  if (!text) throw new ValidationError('A note needs some text.', 'body');
  if (text.length > MAX_BODY) throw new ValidationError(`A note holds at most ${MAX_BODY} characters.`, 'body');
  return text;
}

/** A note's conversation moves on a version, so an approver sees a new or changed note before sending. */
async function touchConversation(tx: Kysely<DB>, conversationId: number, at: Date): Promise<void> {
  const conversation = await tx
    .updateTable('conversations')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: at }))
    .where('id', '=', conversationId)
    .returning('id')
    .executeTakeFirst();
  if (!conversation) throw new NotFoundError('Conversation', conversationId);
}

/** Writes a note row; the mentions in it are recorded by whoever calls (people's notes) or not at all (Longhand's own). */
export async function insertNote(tx: Kysely<DB>, note: { conversationId: number; authorId: number | null; body: string; at: Date }): Promise<number> {
  const row = await tx
    .insertInto('conversation_notes')
    .values({ conversation_id: note.conversationId, author_id: note.authorId, body: note.body, created_at: note.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Adds a note; whoever it @mentions finds it under Mentions. */
export async function addNote(ctx: Ctx, conversationId: number, body: string, actor: User): Promise<NoteView> {
  const text = noteText(body);
  const mentioned = findMentions(text, await staffOf(ctx.db));
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (tx) => {
    await touchConversation(tx, conversationId, now);
    const noteId = await insertNote(tx, { conversationId, authorId: actor.id, body: text, at: now });
    await recordMentions(tx, noteId, mentioned, actor.id, now);
    await audit(tx, now, {
      actorUserId: actor.id,
      action: 'conversation.note_added',
      subjectType: 'conversation',
      subjectId: conversationId,
      details: { noteId, mentioned },
    });
    return noteId;
  });
  return (await listNotes(ctx.db, conversationId)).find((n) => n.id === id)!;
}

/**
 * Its author changes a note. Someone newly @mentioned is told; someone still mentioned keeps the one
 * mention they had (read or not); someone taken out loses theirs.
 */
export async function editNote(ctx: Ctx, conversationId: number, noteId: number, body: string, actor: User): Promise<NoteView> {
  const text = noteText(body);
  const mentioned = findMentions(text, await staffOf(ctx.db));
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    const note = await tx
      .selectFrom('conversation_notes')
      .select(['author_id', 'body'])
      .where('id', '=', noteId)
      .where('conversation_id', '=', conversationId)
      .forUpdate()
      .executeTakeFirst();
    if (!note) throw new NotFoundError('Note', noteId);
    if (note.author_id !== actor.id) throw new PermissionError('Only whoever wrote a note can change it.');
    if (note.body === text) return;
    await touchConversation(tx, conversationId, now);
    await tx.updateTable('conversation_notes').set({ body: text, edited_at: now }).where('id', '=', noteId).execute();
    const added = await recordMentions(tx, noteId, mentioned, actor.id, now);
    await audit(tx, now, {
      actorUserId: actor.id,
      action: 'conversation.note_edited',
      subjectType: 'conversation',
      subjectId: conversationId,
      details: { noteId, mentioned, newlyMentioned: added },
    });
  });
  return (await listNotes(ctx.db, conversationId)).find((n) => n.id === noteId)!;
}

/** The notes of a conversation, oldest first, with who wrote them, whom they mention and where. */
export async function listNotes(db: Kysely<DB>, conversationId: number): Promise<NoteView[]> {
  const notes = await db
    .selectFrom('conversation_notes as n')
    .leftJoin('users as a', 'a.id', 'n.author_id')
    .select(['n.id', 'n.conversation_id', 'n.body', 'n.created_at', 'n.edited_at', 'a.id as author_id', 'a.name as author_name'])
    .where('n.conversation_id', '=', conversationId)
    .orderBy('n.id')
    .execute();
  const [mentioned, staff] = await Promise.all([
    mentionedByNote(
      db,
      notes.map((n) => n.id),
    ),
    notes.length ? staffOf(db) : [],
  ]);
  return notes.map((n) => ({
    id: n.id,
    conversationId: n.conversation_id,
    author: n.author_id !== null && n.author_name !== null ? { id: n.author_id, name: n.author_name } : null,
    body: n.body,
    mentions: mentioned.get(n.id) ?? [],
    mentionSpans: namedMentionSpans(n.body, staff),
    createdAt: n.created_at,
    editedAt: n.edited_at,
  }));
}

/** Notes follow their conversation when it is merged into another (their mentions with them). */
export async function moveNotes(tx: Kysely<DB>, from: number, to: number): Promise<void> {
  await tx.updateTable('conversation_notes').set({ conversation_id: to }).where('conversation_id', '=', from).execute();
}
