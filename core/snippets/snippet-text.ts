import type { Kysely } from 'kysely';
import type { Ctx } from '../context.ts';
import type { DB, User } from '../db/schema.ts';
import { renderTexts, TemplateError, TemplateLibrary, type TemplateSource } from '../drafts/templates.ts';
import { writingContext } from '../drafts/writing-context.ts';
import { ValidationError } from '../errors.ts';
import { getSnippet, recordSnippetUse } from './snippets.ts';

/** A snippet as it reads in one conversation: variables filled in, slots (`[[hint]]`) left for the person. */
export interface FilledSnippet {
  text: string;
  slots: string[];
}

/** The touch check compares a draft with at most this many snippets, the most used: a bound on its work per keystroke. */
const CHECKED_SNIPPETS = 500;

/**
 * Fills a snippet's variables and slots as a template's are (`{{customer.firstName}}`, `{{#personal "hint"}}`,
 * the partials among `sources`). Pure. No trailing newline: it goes in at the cursor, inside a line.
 */
export function fillSnippet(body: string, context: Record<string, unknown>, sources: TemplateSource[] = [], name = 'snippet'): FilledSnippet {
  const [result] = renderTexts(sources, [{ name, body }], context);
  if (result instanceof TemplateError) throw new ValidationError(result.message, 'body', { line: result.line });
  return { text: result!.body.trimEnd(), slots: result!.slots };
}

/** Fills a snippet for the person inserting it into a conversation's draft, and counts the use. */
export async function insertSnippet(ctx: Ctx, id: number, conversationId: number, staff: User): Promise<FilledSnippet & { id: number; name: string }> {
  const snippet = await getSnippet(ctx.db, id);
  const [context, sources] = await Promise.all([writingContext(ctx.db, conversationId, staff, ctx.clock.now()), new TemplateLibrary(ctx.db).sources()]);
  const filled = fillSnippet(snippet.body, context, sources, `snippet "${snippet.name}"`);
  await recordSnippetUse(ctx.db, id, ctx.clock.now());
  return { id, name: snippet.name, ...filled };
}

/** Fills an edited body against a real conversation: the snippet editor's preview. */
export async function previewSnippet(ctx: Ctx, body: string, conversationId: number, staff: User): Promise<FilledSnippet> {
  const [context, sources] = await Promise.all([writingContext(ctx.db, conversationId, staff, ctx.clock.now()), new TemplateLibrary(ctx.db).sources()]);
  return fillSnippet(body, context, sources);
}

/**
 * The team's snippets as they would read if inserted in this conversation, for the touch check: a draft's
 * text found in one of them is not the person's own. Pass the transaction as `db` inside one. A snippet
 * that no longer renders (a partial it uses was changed) is left out rather than failing the check.
 */
export async function snippetTextsFor(db: Kysely<DB>, conversationId: number | null, staff: User | null, now: Date): Promise<Array<{ name: string; text: string }>> {
  const snippets = await db.selectFrom('snippets').select(['name', 'body']).orderBy('use_count', 'desc').orderBy('id').limit(CHECKED_SNIPPETS).execute();
  if (snippets.length === 0) return [];
  const [context, sources] = await Promise.all([conversationId ? writingContext(db, conversationId, staff, now) : {}, new TemplateLibrary(db).sources()]);
  const filled = renderTexts(sources, snippets, context);
  return snippets.flatMap((s, i) => {
    const r = filled[i]!;
    return r instanceof TemplateError ? [] : [{ name: s.name, text: r.body }];
  });
}
