import { Router } from 'express';
import addressparser from 'nodemailer/lib/addressparser';
import { z } from 'zod';
import { customerCard } from '../../core/customers/card.ts';
import { conversationDetail } from '../../core/conversations/views.ts';
import { checkReply } from '../../core/drafts/draft-touch.ts';
import { approveDraft, discardDraft, editDraft, undoApproval } from '../../core/drafts/drafts.ts';
import { findSlots } from '../../core/drafts/slots.ts';
import { followupPanel } from '../../core/followups/panel.ts';
import { applyTemplate, listTemplates } from '../../core/drafts/template-edits.ts';
import { settleUncertain } from '../../core/outbox/outbox.ts';
import { idParam, type PageKit } from './kit.ts';

const OPEN = ['pending', 'approved', 'sending', 'uncertain', 'failed'];
/** "Name <address>, other@example.com" as a person types it, into the recipients a draft keeps. */
const recipients = z.string().max(10_000).transform((v) => addressparser(v, { flatten: true }).map((a) => ({ address: a.address.trim(), name: (a.name ?? '').trim() })));
const editForm = z.object({ subject: z.string().max(998), body: z.string().max(200_000), baseVersion: z.coerce.number().int(), to: recipients.optional(), cc: recipients.optional() });
const approveForm = z.object({ subject: z.string().max(998).optional(), body: z.string().max(200_000).optional(), baseVersion: z.coerce.number().int().optional(), seenVersion: z.coerce.number().int().optional(), to: recipients.optional(), cc: recipients.optional() });

/** One conversation with its draft: read, write, approve, undo, discard, start from another template. */
export function conversationPages({ ctx, page, signedIn, action }: PageKit): Router {
  const r = Router();

  r.get('/conversations/:id', signedIn, async (req, res) => {
    const d = await conversationDetail(ctx, idParam.parse(req.params.id));
    const card = d.conversation.customer_id ? await customerCard(ctx, d.conversation.customer_id) : null;
    const draft = [...d.drafts].reverse().find((x) => OPEN.includes(x.status)) ?? null;
    const [touch, templates, followups] = await Promise.all([draft ? checkReply(ctx, draft.body, d.conversation.id, draft) : null, listTemplates(ctx), followupPanel(ctx, d.conversation.id, draft)]);
    const now = ctx.clock.now();
    page(req, res, 'conversation', {
      title: d.conversation.subject,
      conversation: d.conversation,
      messages: d.messages,
      card,
      history: card?.history.filter((h) => h.conversationId !== d.conversation.id) ?? [],
      draft,
      followups,
      slots: draft ? findSlots(draft.body).map((s) => s.hint) : [],
      touch,
      templates: templates.filter((t) => t.name.startsWith('replies/')).map((t) => ({ name: t.name, label: t.name.slice('replies/'.length).replace(/-/g, ' '), current: t.name === draft?.template_name })),
      editable: draft?.status === 'pending',
      undoable: draft?.status === 'approved' && draft.send_after !== null && draft.send_after.getTime() > now.getTime(),
      undoSeconds: draft?.send_after ? Math.max(0, Math.ceil((draft.send_after.getTime() - now.getTime()) / 1000)) : 0,
      uncertain: draft?.status === 'uncertain',
    });
  });

  r.post('/drafts/:id/save', signedIn, action(async (req) => {
    await editDraft(ctx, idParam.parse(req.params.id), editForm.parse(req.body), req.user!);
    return 'Saved.';
  }));

  r.post('/drafts/:id/approve', signedIn, action(async (req) => {
    const form = approveForm.parse(req.body);
    const draftId = idParam.parse(req.params.id);
    // The approve button also saves what is in the editor, so nothing typed is lost.
    if (form.body !== undefined) await editDraft(ctx, draftId, { body: form.body, subject: form.subject, baseVersion: form.baseVersion, to: form.to, cc: form.cc }, req.user!);
    const draft = await approveDraft(ctx, draftId, req.user!, { seenVersion: form.seenVersion });
    const seconds = draft.send_after ? Math.max(0, Math.round((draft.send_after.getTime() - ctx.clock.now().getTime()) / 1000)) : 0;
    return seconds > 0 ? `Approved. It goes out in ${seconds} seconds unless you undo.` : 'Approved; it is on its way.';
  }));

  r.post('/drafts/:id/undo', signedIn, action(async (req) => {
    await undoApproval(ctx, idParam.parse(req.params.id), req.user!);
    return 'Undone: the draft is back for editing.';
  }));

  r.post('/drafts/:id/discard', signedIn, action(async (req) => {
    const form = z.object({ reason: z.string().max(1000).optional() }).parse(req.body);
    await discardDraft(ctx, idParam.parse(req.params.id), req.user!, form.reason ?? null);
    return 'Discarded.';
  }));

  r.post('/drafts/:id/template', signedIn, action(async (req) => {
    const form = z.object({ template: z.string().max(100) }).parse(req.body);
    await applyTemplate(ctx, idParam.parse(req.params.id), form.template, req.user!);
    return `Started again from the ${form.template.replace(/^replies\//, '').replace(/-/g, ' ')} template; the earlier text is kept in the draft's history.`;
  }));

  r.post('/drafts/:id/settle', signedIn, action(async (req) => {
    const delivered = z.object({ delivered: z.enum(['yes', 'no']) }).parse(req.body).delivered === 'yes';
    await settleUncertain(ctx, idParam.parse(req.params.id), req.user!, delivered);
    return delivered ? 'Recorded as delivered.' : 'Sending it again, with the same Message-ID.';
  }));

  return r;
}
