import { Router } from 'express';
import { z } from 'zod';
import { CONVERSATION_STATUSES, changeConversation } from '../../core/conversations/assignment.ts';
import { markMentionsRead, mentionHandle, unreadMentionCount } from '../../core/conversations/mentions.ts';
import { addNote, editNote } from '../../core/conversations/notes.ts';
import { conversationDetail } from '../../core/conversations/views.ts';
import { customerCard } from '../../core/customers/card.ts';
import type { User } from '../../core/db/schema.ts';
import { checkReply } from '../../core/drafts/draft-touch.ts';
import { writeReply } from '../../core/drafts/drafter.ts';
import { approveDraft, discardDraft, editDraft, restoreDiscarded, undoApproval } from '../../core/drafts/drafts.ts';
import { detectLanguage, languageName } from '../../core/drafts/language.ts';
import { nextInQueue } from '../../core/drafts/queue.ts';
import { draftRevisions, restoreRevision } from '../../core/drafts/revisions.ts';
import { rescheduleSend, suggestedSendTime } from '../../core/drafts/send-later.ts';
import { replySender } from '../../core/drafts/sender.ts';
import { findSlots } from '../../core/drafts/slots.ts';
import { UNSETTLED_DRAFT_STATUSES } from '../../core/drafts/statuses.ts';
import { templateLanguage } from '../../core/drafts/template-choice.ts';
import { applyTemplate, listTemplates } from '../../core/drafts/template-edits.ts';
import type { TemplateSource } from '../../core/drafts/templates.ts';
import { localLabel, offsetLabel } from '../../core/followups/local-time.ts';
import { followupPanel } from '../../core/followups/panel.ts';
import { settleUncertain } from '../../core/outbox/outbox.ts';
import { teamSettings } from '../../core/settings/team-settings.ts';
import { getUser, listUsers } from '../../core/users/users.ts';
import { when, zoneOf } from '../views.ts';
import { attachmentListData } from './draft-attachment-pages.ts';
import { idParam, type PageKit, parseForm } from './kit.ts';
import { formRecipients } from './recipient-form.ts';
import { typedTime } from './typed-time.ts';

const mailboxField = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1)
  .optional();
const editForm = z.object({ subject: z.string().max(998), body: z.string().max(200_000), baseVersion: z.coerce.number().int(), mailboxId: mailboxField });
const changeForm = z.object({ status: z.enum(CONVERSATION_STATUSES), assignee: z.string().max(20), baseVersion: z.coerce.number().int() });
// Send later: a datetime-local value, read in the person's own zone, or the exact instant of a suggestion.
const sendLaterForm = z.object({
  when: z.enum(['now', 'later', 'suggested']).default('now'),
  sendAt: z.string().max(40).optional(),
  suggestedAt: z.iso.datetime({ offset: true }).optional(),
});

/** The instant a person meant by the send-later part of a form; undefined when none was asked for. */
function typedSendTime(form: z.infer<typeof sendLaterForm>, user: User): Date | undefined {
  if (form.when === 'now') return undefined;
  if (form.when === 'suggested') return form.suggestedAt ? new Date(form.suggestedAt) : undefined;
  return typedTime(form.sendAt, user, 'Send at', 'sendAt');
}

/** A follow-up's suggested send time: the exact instant (the page shows it in the reader's zone too) and in the customer's words of time. */
function suggestion(now: Date, utcOffsetMinutes: number | null): { at: Date; label: string } {
  const at = suggestedSendTime(now, utcOffsetMinutes);
  return { at, label: `${localLabel(at, utcOffsetMinutes)} their time (${offsetLabel(utcOffsetMinutes)})` };
}

const approveForm = z.object({
  subject: z.string().max(998).optional(),
  body: z.string().max(200_000).optional(),
  baseVersion: z.coerce.number().int().optional(),
  seenVersion: z.coerce.number().int().optional(),
  mailboxId: mailboxField,
});

/** The reply templates for the picker, one group per language: the customer's language first, then English, then the rest. */
function templatesByLanguage(templates: TemplateSource[], customerLanguage: string, current: string | null) {
  const groups = new Map<string, Array<{ name: string; label: string; current: boolean }>>();
  for (const t of templates.filter((x) => x.name.startsWith('replies/'))) {
    const { language, base } = templateLanguage(t.name);
    groups.set(language, [...(groups.get(language) ?? []), { name: t.name, label: base.replace(/-/g, ' '), current: t.name === current }]);
  }
  const rank = (code: string) => (code === customerLanguage ? 0 : code === 'en' ? 1 : 2);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || languageName(a).localeCompare(languageName(b)))
    .map(([code, items]) => ({ code, label: code === customerLanguage ? `${languageName(code)} (their language)` : languageName(code), templates: items }));
}

/** One conversation with its draft: read, write, approve, undo, discard, start from another template; who has it, and notes. */
export function conversationPages({ ctx, page, signedIn, action }: PageKit): Router {
  const r = Router();

  r.get('/conversations/:id', signedIn, async (req, res) => {
    const d = await conversationDetail(ctx, idParam.parse(req.params.id));
    // Opening the conversation is reading what it mentions me in; the navigation's count says so at once.
    if (await markMentionsRead(ctx, req.user!.id, { conversationId: d.conversation.id })) res.locals.mentionsUnread = await unreadMentionCount(ctx.db, req.user!.id);
    const card = d.conversation.customer_id ? await customerCard(ctx, d.conversation.customer_id) : null;
    const draft = [...d.drafts].reverse().find((x) => UNSETTLED_DRAFT_STATUSES.includes(x.status)) ?? null;
    const last = d.drafts.at(-1);
    const discarded = !draft && last?.status === 'discarded' ? last : null;
    const [touch, templates, followups, staff, revisions, sender, settings, attachments] = await Promise.all([
      draft ? checkReply(ctx, draft.body, d.conversation.id, draft, ctx.db, undefined, req.user!) : null,
      listTemplates(ctx),
      followupPanel(ctx, d.conversation.id, draft),
      listUsers(ctx),
      draft ? draftRevisions(ctx, draft.id) : [],
      draft ? replySender(ctx.db, draft, d.conversation) : null,
      teamSettings(ctx),
      draft ? attachmentListData(ctx, draft) : null,
    ]);
    const now = ctx.clock.now();
    const theirLatest = d.messages.filter((m) => m.direction === 'in').at(-1);
    const language = theirLatest ? detectLanguage(theirLatest.new_text, settings.defaultLanguage) : null;
    page(req, res, 'conversation', {
      title: d.conversation.subject,
      // What the customer writes in, as detected from their newest message; unsure reads as the team's default.
      language: language ? { code: language.code, name: languageName(language.code), detected: language.detected } : null,
      conversation: d.conversation,
      messages: d.messages,
      card,
      history: card?.history.filter((h) => h.conversationId !== d.conversation.id) ?? [],
      notes: d.notes,
      // A reply that went out and came back: the customer never got it.
      bounces: d.drafts.filter((x) => x.status === 'sent' && x.failure).map((x) => x.failure!.replace(/^Bounced: /, '')),
      staff: staff.map((s) => ({ id: s.id, name: s.name, current: s.id === d.conversation.assignee_id })),
      // Whom the note box offers after "@": everyone else who can sign in, by the handle that names them alone.
      mentionable: staff.flatMap((s) => {
        const handle = s.id === req.user!.id ? null : mentionHandle(s, staff);
        return handle ? [{ handle, name: s.name }] : [];
      }),
      statuses: CONVERSATION_STATUSES.map((value) => ({ value, label: value.replace(/_/g, ' '), current: value === d.conversation.status })),
      ...attachments,
      draft,
      discarded,
      revisions: revisions.map((v, i) => ({ ...v, current: i === 0 })),
      senders: sender?.options.map((m) => ({ ...m, current: m.id === sender.chosen?.id })) ?? [],
      followups,
      slots: draft ? findSlots(draft.body).map((s) => s.hint) : [],
      touch,
      templateGroups: templatesByLanguage(templates, language?.code ?? settings.defaultLanguage, draft?.template_name ?? null),
      editable: draft?.status === 'pending',
      undoable: draft?.status === 'approved' && draft.send_after !== null && draft.send_after.getTime() > now.getTime(),
      // Scheduled, not just in its undo window: it waits for a time a person chose.
      scheduled:
        draft?.status === 'approved' && draft.send_after && draft.approved_at && draft.send_after.getTime() - draft.approved_at.getTime() > (settings.undoSeconds + 1) * 1000,
      suggestedSend: draft?.kind === 'followup' ? suggestion(now, card?.utcOffsetMinutes ?? null) : null,
      undoSeconds: draft?.send_after ? Math.max(0, Math.ceil((draft.send_after.getTime() - now.getTime()) / 1000)) : 0,
      uncertain: draft?.status === 'uncertain',
    });
  });

  r.post(
    '/conversations/:id/change',
    signedIn,
    action(async (req) => {
      const form = parseForm(changeForm, req.body);
      const assigneeId = form.assignee ? idParam.parse(form.assignee) : null;
      const c = await changeConversation(ctx, idParam.parse(req.params.id), { status: form.status, assigneeId, baseVersion: form.baseVersion }, req.user!);
      return `Saved: ${c.status.replace(/_/g, ' ')}, ${assigneeId === null ? 'nobody assigned' : `assigned to ${(await getUser(ctx, assigneeId))?.name}`}.`;
    }),
  );

  r.post(
    '/conversations/:id/notes',
    signedIn,
    action(async (req) => {
      const note = await addNote(ctx, idParam.parse(req.params.id), parseForm(z.object({ body: z.string().max(20_000) }), req.body).body, req.user!);
      return note.mentions.length ? `Note added; ${note.mentions.map((m) => m.name).join(' and ')} will see it under Mentions.` : 'Note added.';
    }),
  );

  r.post(
    '/conversations/:id/notes/:noteId',
    signedIn,
    action(async (req) => {
      const note = await editNote(
        ctx,
        idParam.parse(req.params.id),
        idParam.parse(req.params.noteId),
        parseForm(z.object({ body: z.string().max(20_000) }), req.body).body,
        req.user!,
      );
      return `Note saved${note.mentions.length ? `; it mentions ${note.mentions.map((m) => m.name).join(' and ')}` : ''}.`;
    }),
  );

  r.post(
    '/drafts/:id/save',
    signedIn,
    action(async (req) => {
      await editDraft(ctx, idParam.parse(req.params.id), { ...editForm.parse(req.body), ...formRecipients(req.body) }, req.user!);
      return 'Saved.';
    }),
  );

  r.post(
    '/drafts/:id/approve',
    signedIn,
    action(async (req) => {
      const form = approveForm.parse(req.body);
      const draftId = idParam.parse(req.params.id);
      // The approve button also saves what is in the editor, so nothing typed is lost.
      if (form.body !== undefined)
        await editDraft(ctx, draftId, { body: form.body, subject: form.subject, baseVersion: form.baseVersion, mailboxId: form.mailboxId, ...formRecipients(req.body) }, req.user!);
      const sendAt = typedSendTime(parseForm(sendLaterForm, req.body), req.user!);
      const draft = await approveDraft(ctx, draftId, req.user!, { seenVersion: form.seenVersion, sendAt });
      if (sendAt) return `Approved. It goes out at ${when(draft.send_after, zoneOf(req.user))}; until then you can move or cancel it here.`;
      const seconds = draft.send_after ? Math.max(0, Math.round((draft.send_after.getTime() - ctx.clock.now().getTime()) / 1000)) : 0;
      const text = seconds > 0 ? `Approved. It goes out in ${seconds} seconds unless you undo.` : 'Approved; it is on its way.';
      if ((await teamSettings(ctx)).stayAfterApprove) return text;
      // On to the next one waiting (as Help Scout's "next"); the undo travels along at the top of that page.
      const next = await nextInQueue(ctx, req.user!, draft.conversation_id);
      const undo = seconds > 0 && draft.send_after ? { draftId, conversationId: draft.conversation_id, subject: draft.subject, until: draft.send_after.toISOString() } : undefined;
      return {
        text: `${text.replace('Approved', `Approved "${draft.subject}"`)}${next ? '' : ' Nothing else is waiting.'}`,
        next: next ? `/conversations/${next.conversationId}` : '/',
        undo,
      };
    }),
  );

  r.post(
    '/drafts/:id/reschedule',
    signedIn,
    action(async (req) => {
      const form = parseForm(sendLaterForm, req.body);
      const draft = await rescheduleSend(ctx, idParam.parse(req.params.id), typedSendTime(form, req.user!), req.user!);
      return `Moved: it goes out at ${when(draft.send_after, zoneOf(req.user))}.`;
    }),
  );

  r.post(
    '/drafts/:id/undo',
    signedIn,
    action(async (req) => {
      await undoApproval(ctx, idParam.parse(req.params.id), req.user!);
      return 'Undone: the draft is back for editing.';
    }),
  );

  r.post(
    '/drafts/:id/discard',
    signedIn,
    action(async (req) => {
      const form = z.object({ reason: z.string().max(1000).optional() }).parse(req.body);
      await discardDraft(ctx, idParam.parse(req.params.id), req.user!, form.reason ?? null);
      return 'Discarded. You can restore it from the conversation page.';
    }),
  );

  r.post(
    '/drafts/:id/restore',
    signedIn,
    action(async (req) => {
      const form = parseForm(z.object({ revisionId: z.coerce.number().int(), baseVersion: z.coerce.number().int() }), req.body);
      await restoreRevision(ctx, idParam.parse(req.params.id), idParam.parse(String(form.revisionId)), req.user!, form.baseVersion);
      return 'Restored that version; the one before it stays in the history.';
    }),
  );

  r.post(
    '/conversations/:id/reply',
    signedIn,
    action(async (req) => {
      await writeReply(ctx, idParam.parse(req.params.id), req.user!);
      return 'A new draft is ready below.';
    }),
  );

  r.post(
    '/drafts/:id/restore-discarded',
    signedIn,
    action(async (req) => {
      await restoreDiscarded(ctx, idParam.parse(req.params.id), req.user!);
      return 'Restored: the draft is back for editing.';
    }),
  );

  r.post(
    '/drafts/:id/template',
    signedIn,
    action(async (req) => {
      const form = z.object({ template: z.string().max(100) }).parse(req.body);
      await applyTemplate(ctx, idParam.parse(req.params.id), form.template, req.user!);
      const { language, base } = templateLanguage(form.template);
      return `Started again from the ${languageName(language)} ${base.replace(/-/g, ' ')} template; the earlier text is kept in the draft's history.`;
    }),
  );

  r.post(
    '/drafts/:id/settle',
    signedIn,
    action(async (req) => {
      const delivered = z.object({ delivered: z.enum(['yes', 'no']) }).parse(req.body).delivered === 'yes';
      await settleUncertain(ctx, idParam.parse(req.params.id), req.user!, delivered);
      return delivered ? 'Recorded as delivered.' : 'Sending it again, with the same Message-ID.';
    }),
  );

  return r;
}
