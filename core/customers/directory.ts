import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import { ValidationError } from '../errors.ts';
import { normalizeAddress } from './addresses.ts';

export interface CustomerListRow {
  id: number;
  name: string | null;
  email: string | null;
  organization: { id: number; name: string } | null;
  tags: string[];
  person: string | null;
  conversationCount: number;
  openCount: number;
  /** Their last mail or ours, whichever came later. */
  lastContactAt: Date | null;
}

export interface CustomerListFilter {
  tag?: string;
  organizationId?: number;
  /** The cursor from the page before: `<last contact in microseconds>.<id>` of its last row. */
  after?: string;
  limit?: number;
}

export interface CustomerList {
  rows: CustomerListRow[];
  /** The cursor for the next page, or null on the last one. */
  next: string | null;
}

const PAGE = 50;
// Contact time with a floor, so customers we never exchanged mail with still sort (last) and page.
const LAST_CONTACT = sql<Date>`coalesce(greatest(c.last_inbound_at, c.last_outbound_at), 'epoch'::timestamptz)`;

/** Everyone we know, most recently in touch first, a page at a time (keyset, so deep pages stay fast). */
export async function listCustomers(ctx: Ctx, filter: CustomerListFilter = {}): Promise<CustomerList> {
  const limit = filter.limit ?? PAGE;
  const after = filter.after ? parseCursor(filter.after) : null;
  let q = ctx.db
    .selectFrom('customers as c')
    .leftJoin('organizations as o', 'o.id', 'c.organization_id')
    .leftJoin('users as u', 'u.id', 'c.person_user_id')
    // The cursor keeps microseconds, as the database does: a millisecond cursor could skip a row.
    .select([
      'c.id',
      'c.name',
      'c.tags',
      'c.organization_id',
      'o.name as organization_name',
      'u.name as person',
      'c.last_inbound_at',
      'c.last_outbound_at',
      sql<string>`(extract(epoch from ${LAST_CONTACT}) * 1000000)::bigint::text`.as('contact_us'),
    ])
    .orderBy(LAST_CONTACT, 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit + 1);
  if (filter.tag) q = q.where(sql<boolean>`${filter.tag} = any(c.tags)`);
  if (filter.organizationId) q = q.where('c.organization_id', '=', filter.organizationId);
  if (after) q = q.where(sql<boolean>`(${LAST_CONTACT}, c.id) < (timestamptz 'epoch' + ${after.us}::bigint * interval '1 microsecond', ${after.id}::integer)`);
  const found = await q.execute();
  const rows = found.slice(0, limit);
  const ids = rows.map((r) => r.id);
  const [addresses, counts] = ids.length
    ? await Promise.all([
        ctx.db
          .selectFrom('customer_addresses')
          .select(['customer_id', 'address'])
          .distinctOn('customer_id')
          .where('customer_id', 'in', ids)
          .orderBy('customer_id')
          .orderBy('created_at')
          .execute(),
        ctx.db
          .selectFrom('conversations')
          .select((eb) => ['customer_id', eb.fn.countAll<number>().as('n'), eb.fn.count<number>('id').filterWhere('status', '!=', 'done').as('open')])
          .where('customer_id', 'in', ids)
          .groupBy('customer_id')
          .execute(),
      ])
    : [[], []];
  const last = found.length > limit ? rows[rows.length - 1]! : null;
  return {
    rows: rows.map((r) => {
      const count = counts.find((c) => c.customer_id === r.id);
      return {
        id: r.id,
        name: r.name,
        email: addresses.find((a) => a.customer_id === r.id)?.address ?? null,
        organization: r.organization_id && r.organization_name ? { id: r.organization_id, name: r.organization_name } : null,
        tags: r.tags,
        person: r.person,
        conversationCount: Number(count?.n ?? 0),
        openCount: Number(count?.open ?? 0),
        lastContactAt: latest(r.last_inbound_at, r.last_outbound_at),
      };
    }),
    next: last ? `${last.contact_us}.${last.id}` : null,
  };
}

/** The customer an address belongs to, as staff type it ("Maria <maria@bakery.example>" or just the address). */
export async function customerByAddress(ctx: Ctx, typed: string): Promise<number | null> {
  const address = normalizeAddress(/<([^<>]+)>\s*$/.exec(typed)?.[1] ?? typed, { stripPlusTagDomains: ctx.config.plusTagDomains });
  if (!address) return null;
  const row = await ctx.db.selectFrom('customer_addresses').select('customer_id').where('address', '=', address).executeTakeFirst();
  return row?.customer_id ?? null;
}

function parseCursor(cursor: string): { us: string; id: number } {
  const m = /^(-?\d{1,18})\.(\d{1,10})$/.exec(cursor);
  if (!m) throw new ValidationError('That page link is not one of ours; start from the first page.', 'after');
  return { us: m[1]!, id: Number(m[2]) };
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a || !b) return a ?? b;
  return a > b ? a : b;
}
