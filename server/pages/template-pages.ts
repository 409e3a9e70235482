import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { listConversations } from '../../core/conversations/views.ts';
import type { Role, Snippet } from '../../core/db/schema.ts';
import { CANDIDATE_LANGUAGES, languageName } from '../../core/drafts/language.ts';
import { listTemplates, parseTemplateName, resetTemplate, saveTemplate, templateNameFrom } from '../../core/drafts/template-edits.ts';
import { LonghandError, ValidationError } from '../../core/errors.ts';
import { createSnippet, deleteSnippet, getSnippet, listSnippets, SNIPPET_BODY_MAX, updateSnippet } from '../../core/snippets/snippets.ts';
import { requireRole } from '../auth.ts';
import { toHttpError } from '../http-errors.ts';
import { idParam, type PageKit, parseForm } from './kit.ts';

const templateForm = z.object({ body: z.string().max(100_000) });
const newTemplateQuery = z.object({ kind: z.enum(['replies', 'partials']), language: z.string().max(2).default(''), name: z.string().trim().toLowerCase().max(60) });
// Bounded here; a snippet's own limits are checked when it is saved, and said in words on the form.
const snippetForm = z.object({
  name: z.string().max(1000),
  shortcut: z.string().max(1000).default(''),
  keywords: z.string().max(10_000).default(''),
  body: z.string().max(10 * SNIPPET_BODY_MAX),
});
/** The template editor's address: `replies/complaint`, or `replies/de/complaint` in another language. */
const TEMPLATE_EDITOR = '/settings/templates/:kind{/:language}/:name';
const MANAGERS: Role[] = ['approver', 'owner'];

/** A snippet's first words on one line, as the list shows it. */
function preview(body: string, max = 140): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** "returns, refund" in the form, a list in the snippet. */
function snippetFields(form: z.infer<typeof snippetForm>) {
  return {
    name: form.name,
    shortcut: form.shortcut,
    keywords: form.keywords
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    body: form.body,
  };
}

interface SnippetFormView {
  id: number | null;
  name: string;
  shortcut: string;
  keywords: string;
  body: string;
}

/** The form as the person filled it, to show again with what was wrong. */
function asTyped(form: z.infer<typeof snippetForm>, id: number | null): SnippetFormView {
  return { id, name: form.name, shortcut: form.shortcut, keywords: form.keywords, body: form.body };
}

function asForm(s: Snippet): SnippetFormView {
  return { id: s.id, name: s.name, shortcut: s.shortcut ?? '', keywords: s.keywords.join(', '), body: s.body };
}

/**
 * "Templates & snippets": every template in every language (linked to the template editor) and the team's
 * snippets. Everyone may read it; approvers and owners change what is on it.
 */
export function templatePages({ ctx, page, signedIn, action }: PageKit): Router {
  const r = Router();
  const approver = requireRole('approver');

  r.get('/templates', signedIn, async (req, res) => {
    const [templates, snippets] = await Promise.all([listTemplates(ctx), listSnippets(ctx.db)]);
    const byLanguage = new Map<string, { code: string; name: string; replies: unknown[]; partials: unknown[] }>();
    for (const t of templates) {
      const parts = parseTemplateName(t.name);
      if (!parts) continue;
      const code = parts.language ?? 'en';
      const group = byLanguage.get(code) ?? { code, name: languageName(code), replies: [], partials: [] };
      group[parts.kind].push({ name: t.name, label: parts.base.replace(/-/g, ' '), overridden: t.overridden });
      byLanguage.set(code, group);
    }
    page(req, res, 'templates', {
      title: 'Templates & snippets',
      canManage: MANAGERS.includes(req.user!.role),
      snippets: snippets.map((s) => ({ ...s, preview: preview(s.body) })),
      // English first (the folder of the shipped defaults), then the others by name.
      languages: [...byLanguage.values()].sort((a, b) => Number(b.code === 'en') - Number(a.code === 'en') || a.name.localeCompare(b.name)),
      newLanguages: CANDIDATE_LANGUAGES.map((code) => ({ code: code === 'en' ? '' : code, name: languageName(code) })),
    });
  });

  // Typing a name for a new template opens the editor on it: saving there creates it.
  r.get('/settings/templates/new', signedIn, approver, (req, res) => {
    const q = parseForm(newTemplateQuery, req.query);
    const name = templateNameFrom(q);
    if (!parseTemplateName(name)) throw new ValidationError('A template name is lower case letters, digits and dashes, like "shipping-delay".', 'name');
    res.redirect(303, `/settings/templates/${name}`);
  });

  r.get(TEMPLATE_EDITOR, signedIn, approver, async (req, res) => {
    const name = templateNameFrom(req.params);
    const [templates, conversations] = await Promise.all([listTemplates(ctx), listConversations(ctx, { limit: 20 })]);
    const template = templates.find((t) => t.name === name);
    page(req, res, 'template-edit', { title: `Template ${name}`, template: template ?? { name, body: '', overridden: false }, isNew: !template, conversations });
  });

  r.post(
    TEMPLATE_EDITOR,
    signedIn,
    approver,
    action(async (req) => {
      const name = templateNameFrom(req.params);
      if (req.body.reset === 'yes') {
        await resetTemplate(ctx, name, req.user!);
        return `${name} is back to the shipped version.`;
      }
      await saveTemplate(ctx, name, templateForm.parse(req.body).body, req.user!);
      return `${name} is saved; new drafts use it.`;
    }),
  );

  const editor = async (req: Request, res: Response, snippet: SnippetFormView | null, error?: string) => {
    const conversations = await listConversations(ctx, { limit: 20 });
    const title = snippet?.id ? `Snippet ${snippet.name}` : 'New snippet';
    page(req, res, 'snippet-edit', { title, snippet: snippet ?? { id: null, name: '', shortcut: '', keywords: '', body: '' }, conversations, error }, error ? 400 : 200);
  };

  r.get('/snippets/new', signedIn, approver, (req, res) => editor(req, res, null));

  r.get('/snippets/:id', signedIn, approver, async (req, res) => {
    await editor(req, res, asForm(await getSnippet(ctx.db, idParam.parse(req.params.id))));
  });

  // A refused snippet comes back in its form with the reason, so nothing typed is lost.
  const save = (id: number | null) => async (req: Request, res: Response) => {
    const form = parseForm(snippetForm, req.body);
    try {
      const saved = id === null ? await createSnippet(ctx, snippetFields(form), req.user!) : await updateSnippet(ctx, id, snippetFields(form), req.user!);
      req.session.flash = { kind: 'ok', text: `"${saved.name}" is saved.${saved.shortcut ? ` Type #${saved.shortcut} in a reply to insert it.` : ''}` };
      res.redirect(303, '/templates#snippets');
    } catch (err) {
      if (!(err instanceof LonghandError)) throw err;
      await editor(req, res, asTyped(form, id), toHttpError(err).message);
    }
  };

  r.post('/snippets', signedIn, approver, save(null));
  r.post('/snippets/:id', signedIn, approver, async (req, res) => save(idParam.parse(req.params.id))(req, res));

  r.post(
    '/snippets/:id/delete',
    signedIn,
    approver,
    action(async (req) => {
      const gone = await deleteSnippet(ctx, idParam.parse(req.params.id), req.user!);
      return { text: `"${gone.name}" is deleted; text already in drafts stays.`, next: '/templates#snippets' };
    }),
  );

  return r;
}
