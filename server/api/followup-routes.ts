import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import type { Followup } from '../../core/db/schema.ts';
import { keepInTouchNow } from '../../core/followups/evaluate.ts';
import { listFollowups } from '../../core/followups/followup-list.ts';
import { goingQuiet, waitingOnUs } from '../../core/followups/lists.ts';
import { ruleLabel } from '../../core/followups/panel.ts';
import { conversationPromises, correctPromise, dismissPromise } from '../../core/followups/promise-records.ts';
import { snoozeConversation, unsnoozeConversation } from '../../core/followups/reminders.ts';
import { listRequests, shipRequest, tagRequest } from '../../core/followups/requests.ts';
import { followupRules, followupRulesChange, updateFollowupRules } from '../../core/followups/rule-settings.ts';
import { RULES } from '../../core/followups/rules.ts';
import { requireRole } from '../auth.ts';
import { rowId } from '../row-id.ts';
import { draftJson } from './present.ts';

const id = rowId;
const time = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const listQuery = z.object({ tag: z.string().max(60).optional(), organizationId: rowId.optional(), limit: z.coerce.number().int().min(1).max(500).optional() });
const followupsQuery = z.object({
  state: z.enum(['scheduled', 'drafted', 'noted', 'skipped', 'withdrawn', 'cancelled']).optional(),
  rule: z.enum(RULES).optional(),
  conversationId: rowId.optional(),
  customerId: rowId.optional(),
});
const snoozeBody = z.strictObject({ until: time, note: z.string().max(2000).optional() });
const promiseBody = z.strictObject({ dueAt: time });
const requestBody = z.strictObject({ label: z.string().max(200), words: z.string().max(1000).optional() });

function followupJson(f: Followup) {
  return {
    id: f.id,
    rule: f.rule,
    ruleLabel: ruleLabel(f.rule),
    state: f.state,
    dueAt: f.due_at,
    reason: f.reason,
    outcome: f.outcome,
    note: f.note,
    conversationId: f.conversation_id,
    customerId: f.customer_id,
    draftId: f.draft_id,
    createdAt: f.created_at,
    firedAt: f.fired_at,
  };
}

/**
 * Follow-ups: the team's rules (owners change them), the follow-ups the rules made, the Going quiet and
 * Waiting on us lists, snoozing with a reminder, promises found in what we sent, and customers' requests.
 * Every follow-up is a draft a person approves; nothing here sends mail.
 */
export function followupRoutes(ctx: Ctx): Router {
  const r = Router();
  const agent = requireRole('agent');

  r.get('/followup-rules', agent, async (_req, res) => {
    res.json(await followupRules(ctx.db));
  });

  r.put('/followup-rules', requireRole('owner'), async (req, res) => {
    res.json(await updateFollowupRules(ctx, followupRulesChange.parse(req.body ?? {}), req.user!));
  });

  r.get('/followups', agent, async (req, res) => {
    res.json((await listFollowups(ctx.db, followupsQuery.parse(req.query))).map(followupJson));
  });

  r.get('/going-quiet', agent, async (req, res) => {
    res.json(await goingQuiet(ctx, listQuery.parse(req.query)));
  });

  r.get('/waiting-on-us', agent, async (req, res) => {
    res.json(await waitingOnUs(ctx, listQuery.parse(req.query)));
  });

  r.post('/customers/:id/keep-in-touch', agent, async (req, res) => {
    res.status(201).json(draftJson(await keepInTouchNow(ctx, id.parse(req.params.id), req.user!)));
  });

  r.post('/conversations/:id/snooze', agent, async (req, res) => {
    const body = snoozeBody.parse(req.body ?? {});
    res.status(201).json(await snoozeConversation(ctx, id.parse(req.params.id), body.until, body.note ?? null, req.user!));
  });

  r.delete('/conversations/:id/snooze', agent, async (req, res) => {
    await unsnoozeConversation(ctx, id.parse(req.params.id), req.user!);
    res.status(204).end();
  });

  r.get('/conversations/:id/promises', agent, async (req, res) => {
    res.json(await conversationPromises(ctx.db, id.parse(req.params.id)));
  });

  r.patch('/promises/:id', agent, async (req, res) => {
    res.json(await correctPromise(ctx, id.parse(req.params.id), promiseBody.parse(req.body ?? {}).dueAt, req.user!));
  });

  r.post('/promises/:id/dismiss', agent, async (req, res) => {
    res.json(await dismissPromise(ctx, id.parse(req.params.id), req.user!));
  });

  r.post('/conversations/:id/requests', agent, async (req, res) => {
    const body = requestBody.parse(req.body ?? {});
    res.status(201).json(await tagRequest(ctx, id.parse(req.params.id), body.label, body.words ?? null, req.user!));
  });

  r.get('/requests', agent, async (req, res) => {
    res.json(await listRequests(ctx, z.object({ state: z.enum(['open', 'shipped']).optional() }).parse(req.query)));
  });

  r.post('/requests/:id/ship', agent, async (req, res) => {
    const { request, outcomes } = await shipRequest(ctx, id.parse(req.params.id), req.user!);
    res.json({
      request,
      drafted: outcomes.filter((o) => o.result === 'drafted').map((o) => ({ customerId: o.customerId, draftId: o.draftId })),
      waiting: outcomes.filter((o) => o.result === 'waiting').map((o) => ({ customerId: o.customerId, why: o.why })),
      skipped: outcomes.filter((o) => o.result === 'skipped').map((o) => ({ customerId: o.customerId, why: o.why })),
    });
  });

  return r;
}
