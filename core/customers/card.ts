import type { Ctx } from '../context.ts';
import { shorten } from '../drafts/templates.ts';
import { NotFoundError } from '../errors.ts';

export interface CustomerCard {
  id: number;
  name: string | null;
  addresses: string[];
  organization: { id: number; name: string; domain: string } | null;
  notes: string;
  tags: string[];
  doNotFollowUp: boolean;
  /** The staff member who usually answers them; their drafts are written as this person. */
  person: { id: number; name: string } | null;
  firstContactAt: Date | null;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  /** Their likely time zone: the UTC offset of their newest Date header. */
  utcOffsetMinutes: number | null;
  lastOutboundBy: string | null;
  daysSinceWeWrote: number | null;
  conversationCount: number;
  /** Conversations not done yet, newest first. */
  openConversations: Array<{ conversationId: number; subject: string; status: string; lastMessageAt: Date }>;
  /** What they asked about before: every conversation, newest first, with the first lines of their own words. */
  history: Array<{ conversationId: number; subject: string; status: string; lastMessageAt: Date; gist: string }>;
}

/** Who this customer is and their story with us, at a glance: shown beside every conversation. */
export async function customerCard(ctx: Ctx, id: number): Promise<CustomerCard> {
  const customer = await ctx.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!customer) throw new NotFoundError('Customer', id);
  const [addresses, organization, conversations, lastBy, person] = await Promise.all([
    ctx.db.selectFrom('customer_addresses').select('address').where('customer_id', '=', id).orderBy('created_at').execute(),
    customer.organization_id ? ctx.db.selectFrom('organizations').selectAll().where('id', '=', customer.organization_id).executeTakeFirst() : undefined,
    ctx.db.selectFrom('conversations').select(['id', 'subject', 'status', 'last_message_at']).where('customer_id', '=', id).orderBy('last_message_at', 'desc').execute(),
    customer.last_outbound_user_id ? ctx.db.selectFrom('users').select('name').where('id', '=', customer.last_outbound_user_id).executeTakeFirst() : undefined,
    customer.person_user_id ? ctx.db.selectFrom('users').select(['id', 'name']).where('id', '=', customer.person_user_id).executeTakeFirst() : undefined,
  ]);
  // The gist of each conversation: the first lines of the customer's own words in it.
  const firsts = conversations.length
    ? await ctx.db
        .selectFrom('messages')
        .select(['conversation_id', 'new_text'])
        .distinctOn('conversation_id')
        .where(
          'conversation_id',
          'in',
          conversations.map((c) => c.id),
        )
        .where('direction', '=', 'in')
        .orderBy('conversation_id')
        .orderBy('date')
        .execute()
    : [];
  const gist = new Map(firsts.map((f) => [f.conversation_id, gistOf(f.new_text)]));
  const now = ctx.clock.now();
  return {
    id: customer.id,
    name: customer.name,
    addresses: addresses.map((a) => a.address),
    organization: organization ? { id: organization.id, name: organization.name, domain: organization.domain } : null,
    notes: customer.notes,
    tags: customer.tags,
    doNotFollowUp: customer.do_not_follow_up,
    person: person ?? null,
    firstContactAt: customer.first_contact_at,
    lastInboundAt: customer.last_inbound_at,
    lastOutboundAt: customer.last_outbound_at,
    utcOffsetMinutes: customer.utc_offset_minutes,
    lastOutboundBy: lastBy?.name ?? null,
    daysSinceWeWrote: customer.last_outbound_at ? Math.floor((now.getTime() - customer.last_outbound_at.getTime()) / 86_400_000) : null,
    conversationCount: conversations.length,
    openConversations: conversations
      .filter((c) => c.status !== 'done')
      .map((c) => ({ conversationId: c.id, subject: c.subject, status: c.status, lastMessageAt: c.last_message_at })),
    history: conversations.map((c) => ({ conversationId: c.id, subject: c.subject, status: c.status, lastMessageAt: c.last_message_at, gist: gist.get(c.id) ?? '' })),
  };
}

const GREETING_WORD = String.raw`(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|guten tag|liebe[rs]?|bonjour|salut|hola|buongiorno|ciao|hej|hoi|goedemorgen|beste)\b`;
// A line that only greets ("Hi Dana,", "Hallo zusammen!") says nothing about what they asked.
export const GREETING = new RegExp(`^${GREETING_WORD}[^.?!]{0,40}[,!.:]?$`, 'i');
const GREETING_OPENS = new RegExp(`^${GREETING_WORD}`, 'i');
// Who a greeting that opens a line goes to, up to its comma: "Hi team, the pan warped", "Dear Mr Smith:".
// Names are capitalised, so "Hey this broke, again" keeps its words.
const GREETED = /^(?:[ \t]+(?:\p{Lu}[\p{L}'’.-]*|team|there|all|everyone|folks|zusammen|and|&)){0,4}[ \t]*(?:[,!:.]\s*|\n\s*|$)/u;

/**
 * What they asked, in one line: the first paragraph of their own words (quotes and signature are already
 * off), after any greeting line. Stopping at the first blank line also leaves out a sign-off or an
 * address block that no "-- " marked as a signature.
 */
export function gistOf(newText: string): string {
  const lines = newText.split('\n').map((l) => l.trim());
  while (lines.length && (!lines[0] || GREETING.test(lines[0]))) lines.shift();
  const paragraph = lines.slice(0, lines.indexOf('') < 0 ? lines.length : lines.indexOf('')).join(' ');
  return shorten(paragraph || newText, 140);
}

/** Their text without the greeting it opens with, so a quote of theirs starts with what they had to say. */
export function withoutGreeting(text: string): string {
  let rest = text.trim();
  const opening = GREETING_OPENS.exec(rest);
  const greeted = opening ? GREETED.exec(rest.slice(opening[0].length)) : null;
  if (opening && greeted) rest = rest.slice(opening[0].length + greeted[0].length);
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}
