import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { customerCard } from '../../core/customers/card.ts';
import { updateCustomerProfile } from '../../core/customers/customers.ts';
import { listCustomers } from '../../core/customers/directory.ts';
import { mergeCustomers, splitCustomer } from '../../core/customers/merge.ts';
import { requireRole } from '../auth.ts';
import { bodyRowId, rowId } from '../row-id.ts';

const id = rowId;
const profile = z.strictObject({
  notes: z.string().max(20_000).optional(),
  tags: z.array(z.string().max(60)).max(50).optional(),
  personUserId: bodyRowId.nullable().optional(),
  doNotFollowUp: z.boolean().optional(),
});
const listQuery = z.object({
  tag: z.string().max(60).optional(),
  organization: rowId.optional(),
  after: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const mergeBody = z.strictObject({ otherId: bodyRowId });
const splitBody = z.strictObject({ addresses: z.array(z.string().min(3).max(254)).min(1).max(100) });

/**
 * The customer list, the card and what staff keep about a person. Merging and splitting customers changes who a
 * person is across all their history, so it needs an approver.
 */
export function customerRoutes(ctx: Ctx): Router {
  const r = Router();
  const agent = requireRole('agent');
  const approver = requireRole('approver');

  r.get('/', agent, async (req, res) => {
    const q = listQuery.parse(req.query);
    res.json(await listCustomers(ctx, { tag: q.tag, organizationId: q.organization, after: q.after, limit: q.limit }));
  });

  r.get('/:id', agent, async (req, res) => {
    res.json(await customerCard(ctx, id.parse(req.params.id)));
  });

  r.patch('/:id', agent, async (req, res) => {
    const body = profile.parse(req.body ?? {});
    const customerId = id.parse(req.params.id);
    await updateCustomerProfile(ctx, customerId, body, req.user!);
    res.json(await customerCard(ctx, customerId));
  });

  r.post('/:id/merge', approver, async (req, res) => {
    const body = mergeBody.parse(req.body ?? {});
    const customerId = id.parse(req.params.id);
    await mergeCustomers(ctx, customerId, body.otherId, req.user!);
    res.json(await customerCard(ctx, customerId));
  });

  r.post('/:id/split', approver, async (req, res) => {
    const body = splitBody.parse(req.body ?? {});
    const customerId = id.parse(req.params.id);
    const newId = await splitCustomer(ctx, customerId, body.addresses, req.user!);
    res.status(201).json({ customer: await customerCard(ctx, customerId), newCustomer: await customerCard(ctx, newId) });
  });

  return r;
}
