import type { Kysely } from 'kysely';
import type { Ctx } from '../context.ts';
import { anyOf, inChunks } from '../db/batch-sql.ts';
import type { DB } from '../db/schema.ts';

/** Where a message sits on its IMAP server. */
export interface MessageLocation {
  folderId: number;
  uidvalidity: string;
  uid: number;
  flags: string[];
  modseq?: string | null;
  /** The server's id for the message (OBJECTID's EMAILID, Gmail's X-GM-MSGID), where it gives one. */
  emailId?: string | null;
}

export interface PlacedLocation {
  messageId: number;
  mailboxId: number;
  location: MessageLocation;
}

/** Records where messages sit; a location already known is left as it is. One statement per few thousand. */
export async function addLocations(tx: Kysely<DB>, placed: readonly PlacedLocation[]): Promise<void> {
  for (const chunk of inChunks(placed, 8)) {
    await tx
      .insertInto('message_locations')
      .values(
        chunk.map(({ messageId, mailboxId, location: l }) => ({
          message_id: messageId,
          mailbox_id: mailboxId,
          folder_id: l.folderId,
          uidvalidity: l.uidvalidity,
          uid: l.uid,
          flags: l.flags,
          modseq: l.modseq ?? null,
          email_id: l.emailId ?? null,
        })),
      )
      .onConflict((oc) => oc.columns(['mailbox_id', 'folder_id', 'uidvalidity', 'uid']).doNothing())
      .execute();
  }
}

/** Messages this mailbox's server already named by these email ids, in whichever folder: email id → message. */
export async function messagesByEmailId(tx: Kysely<DB>, mailboxId: number, emailIds: readonly string[]): Promise<Map<string, { id: number; conversation_id: number }>> {
  if (emailIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('message_locations')
    .innerJoin('messages', 'messages.id', 'message_locations.message_id')
    .select(['message_locations.email_id', 'messages.id', 'messages.conversation_id'])
    .where('message_locations.mailbox_id', '=', mailboxId)
    .where('message_locations.email_id', '=', anyOf(emailIds, 'text'))
    .orderBy('message_locations.id')
    .execute();
  const out = new Map<string, { id: number; conversation_id: number }>();
  for (const r of rows) if (!out.has(r.email_id!)) out.set(r.email_id!, { id: r.id, conversation_id: r.conversation_id });
  return out;
}

/**
 * Gmail shows one message in INBOX, Sent and every label: where the server gives email ids, those we
 * already stored only gain their location here, and are not fetched again. Returns the ones still to fetch.
 */
export async function locateKnownMessages<T extends MessageLocation>(ctx: Ctx, mailboxId: number, locations: T[]): Promise<T[]> {
  const known = await messagesByEmailId(ctx.db, mailboxId, [...new Set(locations.flatMap((l) => (l.emailId ? [l.emailId] : [])))]);
  const left: T[] = [];
  const placed: PlacedLocation[] = [];
  for (const location of locations) {
    const message = location.emailId ? known.get(location.emailId) : undefined;
    if (message) placed.push({ messageId: message.id, mailboxId, location });
    else left.push(location);
  }
  await addLocations(ctx.db, placed);
  return left;
}
