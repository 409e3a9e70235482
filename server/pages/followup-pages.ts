import { Router } from 'express';
import { z } from 'zod';
import { keepInTouchNow } from '../../core/followups/evaluate.ts';
import { goingQuiet, listFilters, waitingOnUs } from '../../core/followups/lists.ts';
import { correctPromise, dismissPromise } from '../../core/followups/promise-records.ts';
import { snoozeConversation, unsnoozeConversation } from '../../core/followups/reminders.ts';
import { listRequests, shipRequest, tagRequest } from '../../core/followups/requests.ts';
import { followupRules, followupRulesChange, updateFollowupRules } from '../../core/followups/rule-settings.ts';
import { listUsers } from '../../core/users/users.ts';
import { requireRole } from '../auth.ts';
import { when, zoneOf } from '../views.ts';
import { idParam, type PageKit, parseForm } from './kit.ts';
import { typedTime } from './typed-time.ts';

const filterQuery = z.object({
  tag: z.string().max(60).optional().catch(undefined),
  organization: z.coerce.number().int().positive().optional().catch(undefined),
});
const checkbox = z
  .string()
  .optional()
  .transform((v) => v === 'on');
const whole = z.coerce.number().int();
const rulesForm = z.object({
  morningHour: whole,
  checkInEnabled: checkbox,
  checkInDays: whole,
  keepInTouchEnabled: checkbox,
  keepInTouchDays: whole,
  keepInTouchTags: z.string().max(3000).default(''),
  keepInTouchMinConversations: whole,
  keepInTouchMinDaysSinceWeWrote: whole.optional(),
  firstContactEnabled: checkbox,
  firstContactPerson: z.string().max(20).default(''),
  waitingOnThemEnabled: checkbox,
  waitingOnThemDays: whole,
  promisesEnabled: checkbox,
  remindMeEnabled: checkbox,
  closeTheLoopEnabled: checkbox,
});

/** Going quiet, Waiting on us, requests, the follow-up rules, and the follow-up forms of the conversation page. */
export function followupPages({ ctx, page, signedIn, action }: PageKit): Router {
  const r = Router();
  const owner = requireRole('owner');

  const filtered = async (query: unknown, path: string) => {
    const q = filterQuery.parse(query);
    const choices = await listFilters(ctx);
    const search = new URLSearchParams({ ...(q.tag ? { tag: q.tag } : {}), ...(q.organization ? { organization: String(q.organization) } : {}) }).toString();
    return {
      filter: { tag: q.tag ?? null, organizationId: q.organization ?? null },
      choices,
      back: `${path}${search ? `?${search}` : ''}`,
      list: { tag: q.tag, organizationId: q.organization },
    };
  };

  r.get('/going-quiet', signedIn, async (req, res) => {
    const f = await filtered(req.query, '/going-quiet');
    page(req, res, 'going-quiet', { title: 'Going quiet', rows: await goingQuiet(ctx, f.list), ...f });
  });

  r.get('/waiting-on-us', signedIn, async (req, res) => {
    const f = await filtered(req.query, '/waiting-on-us');
    page(req, res, 'waiting-on-us', { title: 'Waiting on us', rows: await waitingOnUs(ctx, f.list), ...f });
  });

  r.post(
    '/customers/:id/keep-in-touch',
    signedIn,
    action(async (req) => {
      const draft = await keepInTouchNow(ctx, idParam.parse(req.params.id), req.user!);
      return `A keep-in-touch note is in the queue (draft ${draft.id}): write the personal part, then approve it.`;
    }),
  );

  r.get('/requests', signedIn, async (req, res) => {
    const requests = await listRequests(ctx);
    page(req, res, 'requests', { title: 'Requests', open: requests.filter((x) => x.state === 'open'), shipped: requests.filter((x) => x.state === 'shipped') });
  });

  r.post(
    '/requests/:id/ship',
    signedIn,
    action(async (req) => {
      const { request, outcomes } = await shipRequest(ctx, idParam.parse(req.params.id), req.user!);
      const drafted = outcomes.filter((o) => o.result === 'drafted').length;
      const later = outcomes.filter((o) => o.result === 'waiting').length;
      return `"${request.label}" is shipped: ${drafted} personal ${drafted === 1 ? 'note is' : 'notes are'} in the queue${later ? `, ${later} more once their other drafts are settled` : ''}.`;
    }),
  );

  r.post(
    '/conversations/:id/snooze',
    signedIn,
    action(async (req) => {
      const form = parseForm(z.object({ until: z.string().max(40), note: z.string().max(2000).optional() }), req.body);
      const until = typedTime(form.until, req.user!, 'Remind me at', 'until');
      const snooze = await snoozeConversation(ctx, idParam.parse(req.params.id), until, form.note ?? null, req.user!);
      return `Snoozed until ${when(snooze.snoozedUntil, zoneOf(req.user))}; it comes back then${snooze.note ? ' with your note' : ''}.`;
    }),
  );

  r.post(
    '/conversations/:id/unsnooze',
    signedIn,
    action(async (req) => {
      await unsnoozeConversation(ctx, idParam.parse(req.params.id), req.user!);
      return 'Back in the queue.';
    }),
  );

  r.post(
    '/promises/:id/correct',
    signedIn,
    action(async (req) => {
      const form = parseForm(z.object({ dueAt: z.string().max(40) }), req.body);
      await correctPromise(ctx, idParam.parse(req.params.id), typedTime(form.dueAt, req.user!, 'Due at', 'dueAt'), req.user!);
      return 'The promise is corrected; its reminder moved with it.';
    }),
  );

  r.post(
    '/promises/:id/dismiss',
    signedIn,
    action(async (req) => {
      await dismissPromise(ctx, idParam.parse(req.params.id), req.user!);
      return 'Dismissed: no reminder for it.';
    }),
  );

  r.post(
    '/conversations/:id/requests',
    signedIn,
    action(async (req) => {
      const form = parseForm(z.object({ label: z.string().max(200), words: z.string().max(1000).optional() }), req.body);
      const request = await tagRequest(ctx, idParam.parse(req.params.id), form.label, form.words?.trim() || null, req.user!);
      return `Tagged "wants: ${request.label}". When it ships, everyone who asked gets a personal note.`;
    }),
  );

  r.get('/followups/rules', signedIn, owner, async (req, res) => {
    const [rules, staff] = await Promise.all([followupRules(ctx.db), listUsers(ctx).then((staff) => staff.sort((a, b) => a.id - b.id))]);
    page(req, res, 'followup-rules', { title: 'Follow-up rules', rules, staff, tags: rules.keepInTouch.onlyTags.join(', ') });
  });

  r.post(
    '/followups/rules',
    signedIn,
    owner,
    action(async (req) => {
      const f = parseForm(rulesForm, req.body);
      const change = parseForm(followupRulesChange, {
        morningHour: f.morningHour,
        checkIn: { enabled: f.checkInEnabled, days: f.checkInDays },
        keepInTouch: {
          enabled: f.keepInTouchEnabled,
          days: f.keepInTouchDays,
          onlyTags: f.keepInTouchTags
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
          minConversations: f.keepInTouchMinConversations,
          ...(f.keepInTouchMinDaysSinceWeWrote === undefined ? {} : { minDaysSinceWeWrote: f.keepInTouchMinDaysSinceWeWrote }),
        },
        firstContact: { enabled: f.firstContactEnabled, personUserId: f.firstContactPerson ? Number(f.firstContactPerson) : null },
        waitingOnThem: { enabled: f.waitingOnThemEnabled, days: f.waitingOnThemDays },
        promises: { enabled: f.promisesEnabled },
        remindMe: { enabled: f.remindMeEnabled },
        closeTheLoop: { enabled: f.closeTheLoopEnabled },
      });
      await updateFollowupRules(ctx, change, req.user!);
      return 'The follow-up rules are saved.';
    }),
  );

  return r;
}
