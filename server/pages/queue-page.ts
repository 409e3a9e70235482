import { Router } from 'express';
import { z } from 'zod';
import { approveDraft } from '../../core/drafts/drafts.ts';
import { draftQueue, QUEUE_FILTERS } from '../../core/drafts/queue.ts';
import { LonghandError } from '../../core/errors.ts';
import { mailboxHealth } from '../../core/mailboxes/health.ts';
import { toHttpError } from '../http-errors.ts';
import { liveUpdates } from '../live.ts';
import { idParam, type PageKit } from './kit.ts';

const FILTER_LABELS: Record<(typeof QUEUE_FILTERS)[number], string> = {
  all: 'All',
  mine: 'Mine',
  unassigned: 'Unassigned',
  followups: 'Follow-ups',
  complaints: 'Complaints',
  review: 'Ready for review',
};
const queueQuery = z.object({
  filter: z.enum(QUEUE_FILTERS).catch('all').default('all'),
  mailbox: z.coerce.number().int().positive().optional().catch(undefined),
  partial: z.string().optional(),
});
/** "draft id:version" as the queue listed it, so a draft changed since the approver looked is refused. */
const pick = z
  .string()
  .regex(/^\d{1,10}:\d{1,10}$/, 'a draft picked from the queue')
  .transform((v) => v.split(':').map(Number) as [number, number]);
const bulkForm = z.object({
  ids: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(pick)),
});

/** The queue of drafts waiting for a person, its filters, live updates and bulk approval. */
export function queuePages({ ctx, page, signedIn, action }: PageKit): Router {
  const r = Router();

  r.get('/', signedIn, async (req, res) => {
    const q = queueQuery.parse(req.query);
    const [items, mailboxes] = await Promise.all([draftQueue(ctx, req.user!, { filter: q.filter, mailboxId: q.mailbox ?? null }), mailboxHealth(ctx)]);
    const filters = QUEUE_FILTERS.map((f) => ({ value: f, label: FILTER_LABELS[f], current: f === q.filter, href: `/?filter=${f}${q.mailbox ? `&mailbox=${q.mailbox}` : ''}` }));
    const now = ctx.clock.now();
    // An approval still in its undo window (or scheduled) can be taken back from its row.
    const rows = items.map((i) => ({ ...i, undoable: i.status === 'approved' && i.sendAfter !== null && i.sendAfter.getTime() > now.getTime() }));
    const data = { title: 'Queue', items: rows, mailboxes, filters, filter: q.filter, mailboxFilter: q.mailbox ?? null, noMailbox: mailboxes.length === 0 };
    // The live page asks for the list alone, so nothing else on it is replaced.
    page(req, res, q.partial ? 'queue-list' : 'queue', { ...data, layout: !q.partial });
  });

  r.get('/events', signedIn, liveUpdates(ctx));

  r.post(
    '/drafts/approve',
    signedIn,
    action(async (req) => {
      const { ids } = bulkForm.parse(req.body);
      const refused: string[] = [];
      for (const [id, draftVersion] of ids) {
        try {
          await approveDraft(ctx, idParam.parse(String(id)), req.user!, { draftVersion });
        } catch (err) {
          if (!(err instanceof LonghandError)) throw err;
          refused.push(toHttpError(err).message);
        }
      }
      const approved = ids.length - refused.length;
      return `${approved} approved, each with its own undo window.${refused.length ? ` ${refused.length} not: ${refused.join(' ')}` : ''}`;
    }),
  );

  return r;
}
