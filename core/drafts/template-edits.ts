import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { Draft, User } from '../db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { revisionValues } from './drafts.ts';
import { type RenderedTemplate, TemplateError, TemplateLibrary, type TemplateSource } from './templates.ts';
import { writingContext } from './writing-context.ts';

/** `replies/complaint`, or in another language one folder down: `replies/de/complaint`, `partials/fr/greeting`. */
const NAME = /^(replies|partials)\/(?:([a-z]{2})\/)?([a-z0-9][a-z0-9-]{0,59})$/;

export interface TemplateName {
  kind: 'replies' | 'partials';
  /** Null for the default folder (English). */
  language: string | null;
  base: string;
}

/** A template's name from the parts of an address (`/templates/replies/de/complaint`): kind, language if any, name. */
export function templateNameFrom(parts: { kind?: string; language?: string; name?: string }): string {
  return [parts.kind, parts.language, parts.name].filter(Boolean).join('/');
}

/** The parts of a template's name, or null when it is not one a team can save. */
export function parseTemplateName(name: string): TemplateName | null {
  const m = NAME.exec(name);
  return m ? { kind: m[1] as TemplateName['kind'], language: m[2] ?? null, base: m[3]! } : null;
}

export async function listTemplates(ctx: Ctx): Promise<TemplateSource[]> {
  return new TemplateLibrary(ctx.db).sources();
}

/** Renders a template (saved, or an edited body) against a real conversation; a template error says its line. */
export async function previewTemplate(ctx: Ctx, name: string, conversationId: number, staff: User, body?: string): Promise<RenderedTemplate> {
  try {
    return await new TemplateLibrary(ctx.db).render(name, await writingContext(ctx.db, conversationId, staff, ctx.clock.now()), body);
  } catch (err) {
    if (err instanceof TemplateError) throw new ValidationError(err.message, 'body', { line: err.line });
    throw err;
  }
}

/** Saves a team's version of a template over the shipped one; refused (with the line) if it does not compile. */
export async function saveTemplate(ctx: Ctx, name: string, body: string, actor: User): Promise<void> {
  if (!parseTemplateName(name)) {
    throw new ValidationError('A template name is replies/NAME or partials/NAME (replies/de/NAME in another language), lower case, digits and dashes.', 'name');
  }
  try {
    await new TemplateLibrary(ctx.db).render(name, SAMPLE_CONTEXT, body);
  } catch (err) {
    if (err instanceof TemplateError) throw new ValidationError(err.message, 'body', { line: err.line });
    throw err;
  }
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('templates')
      .values({ name, body, updated_by: actor.id, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ body, updated_by: actor.id, updated_at: now }))
      .execute();
    await audit(tx, now, { actorUserId: actor.id, action: 'template.saved', details: { name } });
  });
}

/** Back to the shipped file. */
export async function resetTemplate(ctx: Ctx, name: string, actor: User): Promise<void> {
  await ctx.db.deleteFrom('templates').where('name', '=', name).execute();
  await audit(ctx.db, ctx.clock.now(), { actorUserId: actor.id, action: 'template.reset', details: { name } });
}

/** Starts a pending draft again from another template; the old text stays in the revisions. */
export async function applyTemplate(ctx: Ctx, draftId: number, name: string, actor: User): Promise<Draft> {
  const draft = await ctx.db.selectFrom('drafts').selectAll().where('id', '=', draftId).executeTakeFirst();
  if (!draft) throw new NotFoundError('Draft', draftId);
  if (draft.status !== 'pending') throw new ConflictError('draft_not_editable', `This draft is ${draft.status}; only pending drafts can be edited.`, { status: draft.status });
  const { body } = await previewTemplate(ctx, name, draft.conversation_id, actor);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('drafts')
      .set((eb) => ({ body, template_name: name, template_body: body, version: eb('version', '+', 1), updated_at: now }))
      .where('id', '=', draftId)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw new ConflictError('draft_not_editable', 'This draft changed state meanwhile; reload it.');
    await tx
      .insertInto('draft_revisions')
      .values({ draft_id: draftId, author_id: actor.id, ...revisionValues(updated), created_at: now })
      .execute();
    await audit(tx, now, { actorUserId: actor.id, action: 'draft.template_applied', subjectType: 'draft', subjectId: draftId, details: { template: name } });
    return updated;
  });
}

/** A context with every field filled, to check a template (or a snippet) compiles and renders before it is saved. */
export const SAMPLE_CONTEXT = {
  customer: {
    name: 'Maria Lopez',
    firstName: 'Maria',
    email: 'maria@example.com',
    since: new Date('2025-01-01T00:00:00Z'),
    writingSince: 'since January 2025',
    earlierConversations: 1,
    previousTopics: ['An earlier question'],
  },
  message: { subject: 'A question', text: 'Their message.', quote: 'Their message.', point: 'Their message.' },
  conversation: { subject: 'A question' },
  company: { name: 'Your company' },
  staff: { name: 'Dana Okafor', firstName: 'Dana', signature: '' },
  daysSinceWeLastWrote: 30,
  quietFor: 'a few weeks',
};
