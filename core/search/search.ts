import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import { normalizeAddress } from '../customers/addresses.ts';
import { ValidationError } from '../errors.ts';
import { MATCH_END, MATCH_START, readHeadline, toTsQuery } from './query.ts';

/*
 * Search across customers and messages with PostgreSQL full-text search (the same SQL on PGlite).
 * Every word also matches as a prefix; a word matched whole counts five times a prefix-only match. Customers
 * match by name, staff notes, any of their addresses (and the parts of them) and their organization;
 * an address typed exactly puts its customer first. Messages match by subject and what they added
 * (not the history they quote), best first; for a word in more than RANK_AT_MOST of them, newest first.
 */

export interface CustomerHit {
  id: number;
  name: string | null;
  addresses: string[];
  organization: string | null;
  score: number;
}

export interface MessageHit {
  id: number;
  conversationId: number;
  customerId: number | null;
  subject: string;
  from: { address: string; name: string } | null;
  date: Date;
  /** The best passage of what the message added, plain text; `highlights` are the matches in it. */
  snippet: string;
  highlights: Array<[number, number]>;
  score: number;
}

export interface SearchResult {
  customers: CustomerHit[];
  messages: MessageHit[];
}

export const MAX_QUERY = 200;
const MARKS = `StartSel="${MATCH_START}", StopSel="${MATCH_END}"`;
/** A short message is shown whole; from a long one, the two best passages. */
const SHORT_TEXT = 300;
/** Up to this many matching messages are ranked; beyond it, the newest matches are shown. */
const RANK_AT_MOST = 5_000;
const WHOLE = `${MARKS}, HighlightAll=true`;
const PASSAGES = `${MARKS}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

export async function search(ctx: Ctx, q: string, limit = 20): Promise<SearchResult> {
  const raw = q.trim();
  if (!raw) throw new ValidationError('Type something to search for.', 'q');
  if (raw.length > MAX_QUERY) throw new ValidationError(`A search holds at most ${MAX_QUERY} characters.`, 'q');
  const prefix = toTsQuery(raw);
  if (!prefix) return { customers: [], messages: [] };
  const customers = await searchCustomers(ctx, raw, prefix, limit);
  const messages = await searchMessages(ctx, raw, prefix, limit);
  return { customers, messages };
}

async function searchCustomers(ctx: Ctx, raw: string, prefix: string, limit: number): Promise<CustomerHit[]> {
  const p = sql`to_tsquery('simple', ${prefix})`;
  const w = sql`websearch_to_tsquery('simple', ${raw})`;
  const exact = normalizeAddress(raw, { stripPlusTagDomains: ctx.config.plusTagDomains }) ?? '';
  const { rows } = await sql<{ id: number; score: number }>`
    with hits as (
      select c.id, ts_rank(c.search, ${p}) + 4 * ts_rank(c.search, ${w}) + case when lower(c.name) = lower(${raw}) then 10 else 0 end as score
        from customers c where c.search @@ ${p}
      union all
      select a.customer_id, ts_rank(a.search, ${p}) + 4 * ts_rank(a.search, ${w}) + case when a.address = ${exact} then 100 else 0 end
        from customer_addresses a where a.search @@ ${p}
      union all
      select c.id, 0.5 * (ts_rank(o.search, ${p}) + 4 * ts_rank(o.search, ${w}))
        from organizations o join customers c on c.organization_id = o.id where o.search @@ ${p}
    )
    select id, sum(score)::float8 as score from hits group by id order by score desc, id limit ${limit}`.execute(ctx.db);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [customers, addresses] = await Promise.all([
    ctx.db
      .selectFrom('customers as c')
      .leftJoin('organizations as o', 'o.id', 'c.organization_id')
      .select(['c.id', 'c.name', 'o.name as organization'])
      .where('c.id', 'in', ids)
      .execute(),
    ctx.db.selectFrom('customer_addresses').select(['customer_id', 'address']).where('customer_id', 'in', ids).orderBy('created_at').execute(),
  ]);
  return rows.map((r) => {
    const c = customers.find((x) => x.id === r.id)!;
    return { id: r.id, name: c.name, addresses: addresses.filter((a) => a.customer_id === r.id).map((a) => a.address), organization: c.organization, score: Number(r.score) };
  });
}

async function searchMessages(ctx: Ctx, raw: string, prefix: string, limit: number): Promise<MessageHit[]> {
  const p = sql`to_tsquery('simple', ${prefix})`;
  const w = sql`websearch_to_tsquery('simple', ${raw})`;
  // A word in much of the mail: ranking every match costs more than it tells, so the newest matches come first.
  const probe = await sql<{ n: number }>`select count(*)::int as n from (select 1 from messages where search @@ ${p} limit ${RANK_AT_MOST + 1}) x`.execute(ctx.db);
  const candidates =
    probe.rows[0]!.n > RANK_AT_MOST
      ? sql`select id, date, 0 as score from messages where search @@ ${p} order by date desc, id desc limit ${limit}`
      : sql`select id, date, ts_rank(search, ${p}) + 4 * ts_rank(search, ${w}) as score from messages where search @@ ${p} order by score desc, date desc, id desc limit ${limit}`;
  // Rank and cut first; the headline (which re-reads the text) only for the messages shown.
  const { rows } = await sql<{
    id: number;
    conversation_id: number;
    customer_id: number | null;
    subject: string;
    from_address: string | null;
    from_name: string | null;
    date: Date;
    score: number;
    headline: string;
  }>`
    select m.id, m.conversation_id, m.customer_id, m.subject, m.from_address, m.from_name, m.date, r.score::float8 as score,
           case when length(m.new_text) <= ${SHORT_TEXT} then ts_headline('simple', m.new_text, ${p}, ${WHOLE})
                else ts_headline('simple', left(m.new_text, 20000), ${p}, ${PASSAGES}) end as headline
      from (${candidates}) r
      join messages m on m.id = r.id
     order by r.score desc, r.date desc, r.id desc`.execute(ctx.db);
  return rows.map((r) => {
    const snippet = readHeadline(r.headline);
    return {
      id: r.id,
      conversationId: r.conversation_id,
      customerId: r.customer_id,
      subject: r.subject,
      from: r.from_address ? { address: r.from_address, name: r.from_name ?? '' } : null,
      date: new Date(r.date),
      snippet: snippet.text,
      highlights: snippet.highlights,
      score: Number(r.score),
    };
  });
}
