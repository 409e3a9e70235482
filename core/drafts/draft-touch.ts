import type { Kysely } from 'kysely';
import type { Ctx } from '../context.ts';
import { latestCustomerMessage } from '../conversations/latest-message.ts';
import { firstNameOf } from '../customers/addresses.ts';
import type { DB, Draft, User } from '../db/schema.ts';
import { type TeamSettings, teamSettings } from '../settings/team-settings.ts';
import { snippetTextsFor } from '../snippets/snippet-text.ts';
import { detectLanguage } from './language.ts';
import { QUEUED_DRAFT_STATUSES } from './statuses.ts';
import { type TouchCheckResult, touchCheck } from './touch-check.ts';

/** What the touch check knows about a conversation: who they are, what they wrote, what they usually get. */
export interface TouchContext {
  firstName: string | null;
  /** Their name as we know it, for a greeting by title and surname. */
  fullName: string | null;
  customerText: string | null;
  usualLength: number | null;
  templateText: string | null;
  newRecipients: string[];
}

type DraftParts = Pick<Draft, 'template_body'> & Partial<Pick<Draft, 'to' | 'cc'>>;

/** The draft's recipients who never wrote or were written to in this conversation (ours included). */
async function newRecipients(db: Kysely<DB>, conversationId: number, draft?: DraftParts): Promise<string[]> {
  const addresses = [...(draft?.to ?? []), ...(draft?.cc ?? [])].map((a) => a.address);
  if (addresses.length === 0) return [];
  const messages = await db.selectFrom('messages').select(['from_address', 'to', 'cc', 'reply_to']).where('conversation_id', '=', conversationId).execute();
  // A conversation staff start has no message yet: whom they write to first is who it is with.
  if (messages.length === 0) return [];
  const known = new Set(messages.flatMap((m) => [m.from_address ?? '', ...[...m.to, ...m.cc, ...m.reply_to].map((a) => a.address)]).map((a) => a.toLowerCase()));
  return addresses.filter((a) => !known.has(a.toLowerCase()));
}

/** The conversation's draft in the queue, if any: what a reply being written is checked against. */
export async function queuedDraftParts(db: Kysely<DB>, conversationId: number): Promise<DraftParts | undefined> {
  return db
    .selectFrom('drafts')
    .select(['template_body', 'to', 'cc'])
    .where('conversation_id', '=', conversationId)
    .where('status', 'in', QUEUED_DRAFT_STATUSES)
    .executeTakeFirst();
}

export async function touchContext(db: Kysely<DB>, conversationId: number, draft?: DraftParts): Promise<TouchContext> {
  const conversation = await db.selectFrom('conversations').select(['customer_id']).where('id', '=', conversationId).executeTakeFirst();
  const last = await latestCustomerMessage(db, conversationId);
  const customer = conversation?.customer_id ? await db.selectFrom('customers').select('name').where('id', '=', conversation.customer_id).executeTakeFirst() : undefined;
  // What this customer usually gets: the median length of the replies we sent them.
  const lengths = conversation?.customer_id
    ? (
        await db
          .selectFrom('drafts')
          .innerJoin('conversations', 'conversations.id', 'drafts.conversation_id')
          .select('drafts.body')
          .where('conversations.customer_id', '=', conversation.customer_id)
          .where('drafts.status', '=', 'sent')
          .orderBy('drafts.sent_at', 'desc')
          .limit(20)
          .execute()
      )
        .map((d) => d.body.length)
        .sort((a, b) => a - b)
    : [];
  return {
    firstName: firstNameOf(customer?.name ?? last?.from_name ?? null, last?.from_address ?? ''),
    fullName: customer?.name ?? last?.from_name ?? null,
    customerText: last?.new_text ?? null,
    usualLength: lengths.length >= 3 ? lengths[Math.floor(lengths.length / 2)]! : null,
    templateText: draft?.template_body ?? null,
    newRecipients: await newRecipients(db, conversationId, draft),
  };
}

/**
 * The touch check of a text as a reply in this conversation, with the team's canned phrases and snippets
 * (filled in as they would be for `staff`, the person writing or approving). Inside a transaction pass it
 * as `db` (and the settings read before it): the embedded database has one connection.
 */
export async function checkReply(
  ctx: Ctx,
  text: string,
  conversationId: number | null,
  draft?: DraftParts,
  db: Kysely<DB> = ctx.db,
  settings?: TeamSettings,
  staff: User | null = null,
): Promise<TouchCheckResult> {
  const team = settings ?? (await teamSettings(ctx));
  const context = conversationId ? await touchContext(db, conversationId, draft) : null;
  // The draft is in the customer's language, as its template was chosen; without their mail, in the draft's own.
  const language = detectLanguage(context?.customerText || text, team.defaultLanguage).code;
  const snippets = await snippetTextsFor(db, conversationId, staff, ctx.clock.now());
  return touchCheck({
    snippets,
    text,
    phrases: team.cannedPhrases,
    language,
    familiesOff: team.cannedFamiliesOff,
    templateText: context?.templateText ?? null,
    customer: context ? { firstName: context.firstName, fullName: context.fullName } : null,
    customerText: context?.customerText ?? null,
    usualLength: context?.usualLength ?? null,
    newRecipients: context?.newRecipients ?? [],
  });
}
