import type { Kysely } from 'kysely';
import type { Ctx } from '../context.ts';
import type { DB, User } from '../db/schema.ts';

/*
 * @mentions in team notes: who a note names (pure), and the mentions table, one row per (note, person),
 * which this module alone writes. A person reads theirs in the Mentions view; opening the conversation
 * or pressing "Mark read" marks them read.
 */

// "@name" at the start or after a non-address character, so "maria@bakery.example" mentions nobody.
const MENTION = /(?<![\p{L}\p{N}._%+-])@([\p{L}\p{N}](?:[\p{L}\p{N}._-]*[\p{L}\p{N}])?)/gu;
const HANDLE = /^[\p{L}\p{N}](?:[\p{L}\p{N}._-]*[\p{L}\p{N}])?$/u;

export type Staff = Pick<User, 'id' | 'name' | 'email' | 'disabled_at'>;

export interface MentionSpan {
  /** Where "@handle" is in the text: [start, end) in UTF-16 code units, as JavaScript strings count. */
  start: number;
  end: number;
  userId: number;
}

const localPart = (s: Staff) => s.email.slice(0, s.email.lastIndexOf('@')).toLowerCase();
const nameWords = (s: Staff) => s.name.trim().toLowerCase().split(/\s+/);

/** The one person a handle names: email local part, or the name without spaces (or with dots); else a first name only one has. */
function personNamed(token: string, active: Staff[]): Staff | undefined {
  const exact = active.filter((s) => {
    const words = nameWords(s);
    return localPart(s) === token || words.join('.') === token || words.join('_') === token || words.join('') === token;
  });
  if (exact.length) return exact.length === 1 ? exact[0] : undefined;
  const byFirstName = active.filter((s) => nameWords(s)[0] === token);
  return byFirstName.length === 1 ? byFirstName[0] : undefined;
}

/**
 * Each "@handle" in a note that names an active staff member, in order. A handle two people share
 * (a first name, an email local part on two domains) names neither: better no notification than the wrong one.
 */
export function mentionSpans(body: string, staff: Staff[]): MentionSpan[] {
  const active = staff.filter((s) => !s.disabled_at);
  const spans: MentionSpan[] = [];
  for (const m of body.matchAll(MENTION)) {
    const person = personNamed(m[1]!.toLowerCase(), active);
    if (person) spans.push({ start: m.index, end: m.index + m[0].length, userId: person.id });
  }
  return spans;
}

/** The spans with whom each names, for showing a note with its mentions highlighted. */
export function namedMentionSpans(body: string, staff: Staff[]): Array<{ start: number; end: number; name: string }> {
  const nameOf = new Map(staff.map((s) => [s.id, s.name]));
  return mentionSpans(body, staff).map((s) => ({ start: s.start, end: s.end, name: nameOf.get(s.userId)! }));
}

/** The staff a note mentions, each once, in the order first named. */
export function findMentions(body: string, staff: Staff[]): number[] {
  return [...new Set(mentionSpans(body, staff).map((s) => s.userId))];
}

/**
 * The handle that names this person and nobody else, for the note box's @ completion: their email's local
 * part, else their name with dots, else run together; null when none of those is theirs alone.
 */
export function mentionHandle(person: Staff, staff: Staff[]): string | null {
  const words = nameWords(person);
  const candidates = [localPart(person), words.join('.'), words.join('')];
  return candidates.find((c) => HANDLE.test(c) && findMentions(`@${c}`, staff).join() === String(person.id)) ?? null;
}

/**
 * Makes the note's mention rows match whom it names now: new names get an unread mention, names kept keep
 * theirs (read or not, never a second), names taken out lose it. The author is never told of their own note.
 */
export async function recordMentions(tx: Kysely<DB>, noteId: number, userIds: number[], authorId: number | null, at: Date): Promise<number[]> {
  const wanted = userIds.filter((id) => id !== authorId);
  await tx
    .deleteFrom('mentions')
    .where('note_id', '=', noteId)
    .$if(wanted.length > 0, (q) => q.where('user_id', 'not in', wanted))
    .execute();
  if (!wanted.length) return [];
  const added = await tx
    .insertInto('mentions')
    .values(wanted.map((userId) => ({ note_id: noteId, user_id: userId, created_at: at })))
    .onConflict((oc) => oc.columns(['note_id', 'user_id']).doNothing())
    .returning('user_id')
    .execute();
  return added.map((a) => a.user_id);
}

/** Whom each of these notes mentions, by note id. */
export async function mentionedByNote(db: Kysely<DB>, noteIds: number[]): Promise<Map<number, Array<{ id: number; name: string }>>> {
  const rows = noteIds.length
    ? await db
        .selectFrom('mentions')
        .innerJoin('users', 'users.id', 'mentions.user_id')
        .select(['mentions.note_id', 'users.id', 'users.name'])
        .where('mentions.note_id', 'in', noteIds)
        .orderBy('mentions.id')
        .execute()
    : [];
  const byNote = new Map<number, Array<{ id: number; name: string }>>();
  for (const r of rows) byNote.set(r.note_id, [...(byNote.get(r.note_id) ?? []), { id: r.id, name: r.name }]);
  return byNote;
}

export interface MentionView {
  id: number;
  noteId: number;
  conversationId: number;
  subject: string;
  author: { id: number; name: string } | null;
  body: string;
  /** Each "@handle" in the body that names someone, as in NoteView. */
  mentionSpans: Array<{ start: number; end: number; name: string }>;
  createdAt: Date;
  editedAt: Date | null;
  readAt: Date | null;
}

/** Everyone on the staff, as the parser needs them. */
export const staffOf = (db: Kysely<DB>): Promise<Staff[]> => db.selectFrom('users').select(['id', 'name', 'email', 'disabled_at']).execute();

/** The notes that mention this person: unread first, then newest first. */
export async function listMentions(ctx: Ctx, userId: number, o: { unreadOnly?: boolean; limit?: number } = {}): Promise<MentionView[]> {
  const rows = await ctx.db
    .selectFrom('mentions')
    .innerJoin('conversation_notes as n', 'n.id', 'mentions.note_id')
    .innerJoin('conversations as c', 'c.id', 'n.conversation_id')
    .leftJoin('users as a', 'a.id', 'n.author_id')
    .select([
      'mentions.id',
      'mentions.note_id',
      'mentions.created_at',
      'mentions.read_at',
      'n.conversation_id',
      'n.body',
      'n.edited_at',
      'c.subject',
      'a.id as author_id',
      'a.name as author_name',
    ])
    .where('mentions.user_id', '=', userId)
    .$if(Boolean(o.unreadOnly), (q) => q.where('mentions.read_at', 'is', null))
    .orderBy((eb) => eb.case().when('mentions.read_at', 'is', null).then(0).else(1).end())
    .orderBy('mentions.id', 'desc')
    .limit(Math.min(o.limit ?? 100, 500))
    .execute();
  const staff = rows.length ? await staffOf(ctx.db) : [];
  return rows.map((r) => ({
    id: r.id,
    noteId: r.note_id,
    conversationId: r.conversation_id,
    subject: r.subject,
    author: r.author_id !== null && r.author_name !== null ? { id: r.author_id, name: r.author_name } : null,
    body: r.body,
    mentionSpans: namedMentionSpans(r.body, staff),
    createdAt: r.created_at,
    editedAt: r.edited_at,
    readAt: r.read_at,
  }));
}

/** How many mentions this person has not read: the count beside "Mentions" in the navigation. */
export async function unreadMentionCount(db: Kysely<DB>, userId: number): Promise<number> {
  const row = await db
    .selectFrom('mentions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Marks this person's unread mentions read: the ones named, those in one conversation (they opened it), or
 * all. Only their own: another person's id marks nothing. Returns how many were marked.
 */
export async function markMentionsRead(ctx: Ctx, userId: number, which: { ids?: number[]; conversationId?: number } = {}): Promise<number> {
  if (which.ids && which.ids.length === 0) return 0;
  const result = await ctx.db
    .updateTable('mentions')
    .set({ read_at: ctx.clock.now() })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .$if(which.ids !== undefined, (q) => q.where('id', 'in', which.ids!))
    .$if(which.conversationId !== undefined, (q) =>
      q.where('note_id', 'in', (eb) => eb.selectFrom('conversation_notes').select('id').where('conversation_id', '=', which.conversationId!)),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
