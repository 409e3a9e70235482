import { Router } from 'express';
import { z } from 'zod';
import { customerCard } from '../../core/customers/card.ts';
import { updateCustomerProfile } from '../../core/customers/customers.ts';
import { customerByAddress, listCustomers } from '../../core/customers/directory.ts';
import { mergeCustomers, splitCustomer } from '../../core/customers/merge.ts';
import { ValidationError } from '../../core/errors.ts';
import { listFilters } from '../../core/followups/lists.ts';
import { MAX_QUERY, search } from '../../core/search/search.ts';
import { listUsers } from '../../core/users/users.ts';
import { requireRole } from '../auth.ts';
import { idParam, type PageKit, parseForm } from './kit.ts';

const listQuery = z.object({
  q: z.string().trim().max(MAX_QUERY).optional().catch(undefined),
  tag: z.string().max(60).optional().catch(undefined),
  organization: z.coerce.number().int().positive().optional().catch(undefined),
  after: z.string().max(40).optional().catch(undefined),
});
const profileForm = z.object({
  notes: z.string().max(20_000),
  tags: z.string().max(3_500),
  person: z.string().max(20),
  doNotFollowUp: z
    .string()
    .optional()
    .transform((v) => v === 'on'),
});
const addressList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

/** Customers: the list and search, the card with what staff keep about a person, merge and split. */
export function customerPages({ ctx, page, signedIn, action }: PageKit): Router {
  const r = Router();
  const approver = requireRole('approver');

  r.get('/customers', signedIn, async (req, res) => {
    const q = listQuery.parse(req.query);
    if (q.q) {
      const found = await search(ctx, q.q);
      return page(req, res, 'customers', { title: `Customers: ${q.q}`, q: q.q, found });
    }
    const [list, choices] = await Promise.all([listCustomers(ctx, { tag: q.tag, organizationId: q.organization, after: q.after }), listFilters(ctx)]);
    const keep = new URLSearchParams({ ...(q.tag ? { tag: q.tag } : {}), ...(q.organization ? { organization: String(q.organization) } : {}) });
    const nextPage = list.next ? `/customers?${new URLSearchParams([...keep, ['after', list.next]])}` : null;
    page(req, res, 'customers', {
      title: 'Customers',
      rows: list.rows,
      nextPage,
      firstPage: q.after ? `/customers${keep.size ? `?${keep}` : ''}` : null,
      choices,
      filter: { tag: q.tag ?? null, organizationId: q.organization ?? null },
    });
  });

  r.get('/customers/:id', signedIn, async (req, res) => {
    const card = await customerCard(ctx, idParam.parse(req.params.id));
    const staff = await listUsers(ctx);
    page(req, res, 'customer', {
      title: card.name ?? card.addresses[0] ?? `Customer ${card.id}`,
      card,
      tagsText: card.tags.join(', '),
      staff: staff.map((s) => ({ id: s.id, name: s.name, current: s.id === card.person?.id })),
      canMerge: req.user!.role !== 'agent',
    });
  });

  r.post(
    '/customers/:id/profile',
    signedIn,
    action(async (req) => {
      const form = parseForm(profileForm, req.body);
      const person = form.person ? idParam.safeParse(form.person) : null;
      if (person && !person.success) throw new ValidationError('Choose their person from the list.', 'person');
      await updateCustomerProfile(
        ctx,
        idParam.parse(req.params.id),
        { notes: form.notes, tags: form.tags.split(','), personUserId: person ? person.data : null, doNotFollowUp: form.doNotFollowUp },
        req.user!,
      );
      return 'Saved what you wrote about them.';
    }),
  );

  r.post(
    '/customers/:id/merge',
    signedIn,
    approver,
    action(async (req) => {
      const { other } = parseForm(z.object({ other: z.string().trim().min(3, 'type their other address').max(300) }), req.body);
      const otherId = await customerByAddress(ctx, other);
      if (otherId === null) throw new ValidationError(`No customer has the address ${other}.`, 'other');
      await mergeCustomers(ctx, idParam.parse(req.params.id), otherId, req.user!);
      return `Merged: ${other} and their history belong to this customer now.`;
    }),
  );

  r.post(
    '/customers/:id/split',
    signedIn,
    approver,
    action(async (req) => {
      const { addresses } = parseForm(z.object({ addresses: addressList }), req.body);
      const newId = await splitCustomer(ctx, idParam.parse(req.params.id), addresses, req.user!);
      return `Split off ${addresses.join(', ')} as customer ${newId}.`;
    }),
  );

  return r;
}
