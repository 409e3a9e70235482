import type { Kysely } from 'kysely';
import { z } from 'zod';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { DB, Snippet, User } from '../db/schema.ts';
import { SAMPLE_CONTEXT } from '../drafts/template-edits.ts';
import { TemplateError, TemplateLibrary } from '../drafts/templates.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { rankSnippets } from './snippet-search.ts';

/** A snippet is a paragraph or a few steps, not a whole reply (templates are for that). */
export const SNIPPET_BODY_MAX = 20_000;

/** What a person gives for a snippet; a shortcut is typed after `#`, so it is one word. */
const snippetFields = z.strictObject({
  name: z.string().trim().min(1, 'give the snippet a name').max(100, 'at most 100 characters'),
  body: z
    .string()
    .max(SNIPPET_BODY_MAX, `at most ${SNIPPET_BODY_MAX} characters`)
    .refine((b) => b.trim().length > 0, 'write the text of the snippet'),
  shortcut: z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => v.replace(/^#/, ''))
    .pipe(z.union([z.literal(''), z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N}-]{0,29}$/u, 'one word of letters, digits and dashes, at most 30')]))
    .transform((v) => v || null)
    .nullable()
    .optional(),
  keywords: z.array(z.string().trim().toLowerCase().max(40, 'each at most 40 characters')).max(20, 'at most 20').optional(),
});

export type SnippetInput = z.input<typeof snippetFields>;

/** The fields given, checked, in words a person can act on (the API and the form say the same). */
function parseInput<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? 'snippet');
  throw new ValidationError(`${field[0]!.toUpperCase()}${field.slice(1)}: ${issue.message}.`, field);
}

/** Keywords as a person lists them: lower case, once each, none empty. */
function cleanKeywords(keywords: string[] | undefined): string[] | undefined {
  return keywords && [...new Set(keywords.filter(Boolean))];
}

/** Every snippet, by name. */
export async function listSnippets(db: Kysely<DB>): Promise<Snippet[]> {
  return db.selectFrom('snippets').selectAll().orderBy('name').execute();
}

export async function getSnippet(db: Kysely<DB>, id: number): Promise<Snippet> {
  const snippet = await db.selectFrom('snippets').selectAll().where('id', '=', id).executeTakeFirst();
  if (!snippet) throw new NotFoundError('Snippet', id);
  return snippet;
}

/** Refuses, with its line, a body that does not render with every variable a conversation can give. */
async function checkRenders(db: Kysely<DB>, name: string, body: string): Promise<void> {
  const [result] = await new TemplateLibrary(db).renderTexts([{ name: `snippet "${name}"`, body }], SAMPLE_CONTEXT);
  if (result instanceof TemplateError) throw new ValidationError(result.message, 'body', { line: result.line });
}

/** Names and shortcuts are one each, whatever their case: the database decides, this says which clashed. */
async function checkUnique(db: Kysely<DB>, fields: { name?: string; shortcut?: string | null }, except: number | null): Promise<void> {
  const others = db
    .selectFrom('snippets')
    .select(['name', 'shortcut'])
    .where('id', '!=', except ?? 0);
  if (fields.name !== undefined) {
    const same = await others.where((eb) => eb(eb.fn('lower', ['name']), '=', fields.name!.toLowerCase())).executeTakeFirst();
    if (same) throw new ConflictError('snippet_exists', `A snippet named "${same.name}" exists already.`, { field: 'name' });
  }
  if (fields.shortcut) {
    const same = await others.where((eb) => eb(eb.fn('lower', ['shortcut']), '=', fields.shortcut!)).executeTakeFirst();
    if (same) throw new ConflictError('snippet_exists', `The shortcut #${fields.shortcut} belongs to "${same.name}".`, { field: 'shortcut' });
  }
}

export async function createSnippet(ctx: Ctx, raw: unknown, actor: User): Promise<Snippet> {
  const input = parseInput(snippetFields, raw);
  await checkRenders(ctx.db, input.name, input.body);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    await checkUnique(tx, input, null);
    const snippet = await tx
      .insertInto('snippets')
      .values({
        name: input.name,
        body: input.body,
        shortcut: input.shortcut ?? null,
        keywords: cleanKeywords(input.keywords) ?? [],
        created_by: actor.id,
        updated_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, now, { actorUserId: actor.id, action: 'snippet.created', subjectType: 'snippet', subjectId: snippet.id, details: { name: snippet.name } });
    return snippet;
  });
}

/** Changes the fields given; the others stay. */
export async function updateSnippet(ctx: Ctx, id: number, raw: unknown, actor: User): Promise<Snippet> {
  const input = parseInput(snippetFields.partial(), raw);
  const current = await getSnippet(ctx.db, id);
  if (input.body !== undefined) await checkRenders(ctx.db, input.name ?? current.name, input.body);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    await checkUnique(tx, input, id);
    const snippet = await tx
      .updateTable('snippets')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.body !== undefined ? { body: input.body } : {}),
        ...(input.shortcut !== undefined ? { shortcut: input.shortcut } : {}),
        ...(input.keywords !== undefined ? { keywords: cleanKeywords(input.keywords) } : {}),
        updated_by: actor.id,
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!snippet) throw new NotFoundError('Snippet', id);
    await audit(tx, now, { actorUserId: actor.id, action: 'snippet.updated', subjectType: 'snippet', subjectId: id, details: { name: snippet.name } });
    return snippet;
  });
}

export async function deleteSnippet(ctx: Ctx, id: number, actor: User): Promise<Snippet> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('snippets').where('id', '=', id).returningAll().executeTakeFirst();
    if (!gone) throw new NotFoundError('Snippet', id);
    await audit(tx, now, { actorUserId: actor.id, action: 'snippet.deleted', subjectType: 'snippet', subjectId: id, details: { name: gone.name } });
    return gone;
  });
}

/** A person inserted it: the picker lists what a team uses most first. */
export async function recordSnippetUse(db: Kysely<DB>, id: number, now: Date): Promise<void> {
  await db
    .updateTable('snippets')
    .set((eb) => ({ use_count: eb('use_count', '+', 1), last_used_at: now }))
    .where('id', '=', id)
    .execute();
}

/** The snippets matching what a person typed in the picker, best first (see rankSnippets). */
export async function findSnippets(db: Kysely<DB>, query: string, limit: number): Promise<Snippet[]> {
  const all = await listSnippets(db);
  return rankSnippets(
    all.map((s) => ({ ...s, useCount: s.use_count })),
    query,
    limit,
  );
}
