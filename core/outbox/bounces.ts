import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** Message-IDs we might have sent, as they appear in a bounce (in its headers, its text, the returned original). */
const MESSAGE_ID = /<([^<>\s@]{1,200}@[^<>\s@]{1,200})>/g;
/** A bounce is read this far for the original's Message-ID; DSNs put it near the top. */
const SCAN_BYTES = 256 * 1024;

/** The server's reason in a delivery status report, or the first words of the bounce. */
export function bounceReason(text: string): string {
  const diagnostic = /^Diagnostic-Code:\s*(?:smtp;\s*)?(.+)$/im.exec(text)?.[1];
  const status = /^Status:\s*(\S+)/im.exec(text)?.[1];
  const first = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 3)
    .join(' ');
  return (diagnostic ? `${diagnostic.trim()}${status ? ` (status ${status})` : ''}` : first).slice(0, 500);
}

/**
 * Links a bounce to the reply of ours it returns, so the person sees that the customer never got it.
 * Returns the draft it belongs to, if any.
 */
export async function linkBounce(tx: Kysely<DB>, bounceMessageId: number, source: Buffer, text: string): Promise<number | null> {
  const ids = [...new Set(Array.from(source.subarray(0, SCAN_BYTES).toString('latin1').matchAll(MESSAGE_ID), (m) => m[1]!.toLowerCase()))].slice(0, 200);
  if (ids.length === 0) return null;
  const row = await tx
    .updateTable('outbox')
    .set({ bounce_message_id: bounceMessageId, bounce_reason: bounceReason(text) })
    .where((eb) => eb(eb.fn('lower', ['message_id']), 'in', ids))
    .where('state', '=', 'sent')
    .returning(['draft_id', 'bounce_reason'])
    .executeTakeFirst();
  if (!row) return null;
  await tx
    .updateTable('drafts')
    .set({ failure: `Bounced: ${row.bounce_reason}` })
    .where('id', '=', row.draft_id)
    .execute();
  return row.draft_id;
}
