import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { unreadMentionCount } from '../core/conversations/mentions.ts';
import { changeStamp } from '../core/drafts/queue.ts';
import { rowId } from './row-id.ts';

const query = z.object({ conversation: rowId.optional() });

/**
 * Server-sent events for every signed-in page: `changed` whenever the queue (or the conversation the page
 * shows) changes, and `mentions` with the person's unread count, at once and whenever it changes. The page
 * decides what to do: the queue refreshes its list, the conversation page says so without touching what the
 * person is typing, the navigation shows the count. Works with any number of web and worker processes,
 * because the database, not this process, is asked what changed.
 */
export function liveUpdates(ctx: Ctx, everyMs = 2_000): RequestHandler {
  return (req, res) => {
    const { conversation } = query.parse(req.query);
    const userId = req.user!.id;
    res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    let last: string | null = null;
    let unread: number | null = null;
    let quiet = 0;
    const tick = async () => {
      try {
        const [stamp, mentions] = await Promise.all([changeStamp(ctx, conversation ?? null), unreadMentionCount(ctx.db, userId)]);
        const events = [
          ...(last !== null && stamp !== last ? [`event: changed\ndata: ${JSON.stringify({ stamp })}\n\n`] : []),
          ...(mentions !== unread ? [`event: mentions\ndata: ${JSON.stringify({ unread: mentions })}\n\n`] : []),
        ];
        if (events.length) res.write(events.join(''));
        else if (++quiet % 10 === 0) res.write(': still here\n\n');
        last = stamp;
        unread = mentions;
      } catch (err) {
        ctx.log.warn({ err: (err as Error).message }, 'live updates could not read the database');
      }
    };
    void tick();
    const timer = setInterval(tick, everyMs);
    req.on('close', () => clearInterval(timer));
  };
}
