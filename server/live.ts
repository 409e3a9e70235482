import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { changeStamp } from '../core/drafts/queue.ts';
import { rowId } from './row-id.ts';

const query = z.object({ conversation: rowId.optional() });

/**
 * Server-sent events: a `changed` event whenever the queue (or the conversation the page shows) changes.
 * The page decides what to do with it: the queue refreshes its list, the conversation page says so
 * without touching what the person is typing. Works with any number of web and worker processes,
 * because the database, not this process, is asked what changed.
 */
export function liveUpdates(ctx: Ctx, everyMs = 2_000): RequestHandler {
  return (req, res) => {
    const { conversation } = query.parse(req.query);
    res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    let last: string | null = null;
    let quiet = 0;
    const tick = async () => {
      try {
        const stamp = await changeStamp(ctx, conversation ?? null);
        if (last !== null && stamp !== last) res.write(`event: changed\ndata: ${JSON.stringify({ stamp })}\n\n`);
        else if (++quiet % 10 === 0) res.write(': still here\n\n');
        last = stamp;
      } catch (err) {
        ctx.log.warn({ err: (err as Error).message }, 'live updates could not read the database');
      }
    };
    void tick();
    const timer = setInterval(tick, everyMs);
    req.on('close', () => clearInterval(timer));
  };
}
