import { Router } from 'express';
import { z } from 'zod';
import { listMentions, markMentionsRead } from '../../core/conversations/mentions.ts';
import { idParam, type PageKit } from './kit.ts';

/** Mentions: the team notes that name me, unread first, live, marked read one by one or all at once. */
export function mentionPages({ ctx, page, signedIn, action }: PageKit): Router {
  const r = Router();

  r.get('/mentions', signedIn, async (req, res) => {
    const mentions = await listMentions(ctx, req.user!.id);
    const partial = z.object({ partial: z.string().optional() }).parse(req.query).partial;
    // The live page asks for the list alone when the count changes, so nothing else on it is replaced.
    page(req, res, partial ? 'mentions-list' : 'mentions', { title: 'Mentions', mentions, unread: mentions.filter((m) => !m.readAt).length, layout: !partial });
  });

  r.post(
    '/mentions/read',
    signedIn,
    action(async (req) => {
      const marked = await markMentionsRead(ctx, req.user!.id);
      return marked === 1 ? 'One mention marked read.' : `${marked} mentions marked read.`;
    }),
  );

  r.post(
    '/mentions/:id/read',
    signedIn,
    action(async (req) => {
      await markMentionsRead(ctx, req.user!.id, { ids: [idParam.parse(req.params.id)] });
      return 'Marked read.';
    }),
  );

  return r;
}
