import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { startConversation } from '../../core/conversations/start.ts';
import { customerCard } from '../../core/customers/card.ts';
import type { AddressJson } from '../../core/db/schema.ts';
import { replySender } from '../../core/drafts/sender.ts';
import { LonghandError } from '../../core/errors.ts';
import { type PageKit, parseForm } from './kit.ts';
import { formRecipients } from './recipient-form.ts';

const customerParam = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1)
  .optional()
  .catch(undefined);
const startForm = z.object({
  subject: z.string().max(998),
  body: z.string().max(200_000).optional(),
  mailboxId: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1)
    .optional(),
});

interface Entered {
  mailboxId?: number;
  to: AddressJson[];
  cc: AddressJson[];
  subject: string;
  body: string;
}

/** Staff write first: to a customer (from their page) or to a new address (from the navigation). */
export function newConversationPages({ ctx, page, signedIn }: PageKit): Router {
  const r = Router();

  const show = async (req: Request, res: Response, customerId: number | undefined, entered: Entered | null, error?: string) => {
    const card = customerId ? await customerCard(ctx, customerId) : null;
    const label = card ? (card.name ?? card.addresses[0] ?? 'them') : null;
    const { options, chosen } = await replySender(ctx.db, { mailbox_id: entered?.mailboxId ?? null }, { mailbox_id: null });
    page(
      req,
      res,
      'conversation-new',
      {
        title: label ? `Write to ${label}` : 'New conversation',
        customer: card ? { id: card.id, label } : null,
        senders: options.map((m) => ({ ...m, current: m.id === chosen?.id })),
        to: entered?.to ?? (card?.addresses[0] ? [{ address: card.addresses[0], name: card.name ?? '' }] : []),
        cc: entered?.cc ?? [],
        subject: entered?.subject ?? '',
        body: entered?.body ?? '',
        error,
      },
      error ? 400 : 200,
    );
  };

  r.get('/conversations/new', signedIn, async (req, res) => {
    await show(req, res, customerParam.parse(req.query.customer), null);
  });

  r.post('/conversations/new', signedIn, async (req, res) => {
    const customerId = customerParam.parse(req.body?.customer);
    let entered: Entered | null = null;
    try {
      const form = parseForm(startForm, req.body);
      const { to, cc } = formRecipients(req.body);
      entered = { mailboxId: form.mailboxId, to: to ?? [], cc: cc ?? [], subject: form.subject, body: form.body ?? '' };
      const started = await startConversation(ctx, { ...entered, body: form.body }, req.user!);
      req.session.flash = { kind: 'ok', text: 'Your draft is ready: it goes out once approved, and their answer comes back here.' };
      res.redirect(303, `/conversations/${started.conversationId}`);
    } catch (err) {
      if (!(err instanceof LonghandError)) throw err;
      // The form again with what they typed, and what to change.
      await show(req, res, customerId, entered, err.message);
    }
  });

  return r;
}
