import { type Kysely, sql } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { anyOf, inChunks, jsonRows, takeIds } from '../db/batch-sql.ts';
import type { CustomerProfile, DB, User } from '../db/schema.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { bestDisplayName, type CustomerRules, customerAddress, organizationDomain, organizationNameFromDomain } from './addresses.ts';

export interface AddressSeen {
  address: string;
  name: string;
}

/** The customer this address belongs to, created on first sight (see resolveCustomers); null for our own and machines. */
export async function resolveCustomer(tx: Kysely<DB>, seen: AddressSeen, rules: CustomerRules): Promise<number | null> {
  const address = customerAddress(seen.address, rules);
  if (!address) return null;
  return (await resolveCustomers(tx, [{ address, name: seen.name }])).get(address)!;
}

/**
 * The customers these addresses (already keyed, see customerAddress) belong to, each created on first sight
 * with its organization. Every new name seen for an address is kept, and the customer's name becomes the
 * best of them. A fixed number of statements, however many addresses.
 */
export async function resolveCustomers(tx: Kysely<DB>, seen: readonly AddressSeen[]): Promise<Map<string, number>> {
  const names = new Map<string, string[]>();
  for (const s of seen) {
    const list = names.get(s.address) ?? names.set(s.address, []).get(s.address)!;
    const name = s.name.trim();
    if (name && !list.includes(name)) list.push(name);
  }
  const out = new Map<string, number>();
  if (names.size === 0) return out;
  const existing = await tx
    .selectFrom('customer_addresses')
    .select(['address', 'customer_id', 'names_seen'])
    .where('address', '=', anyOf([...names.keys()], 'text'))
    .execute();
  const renamed: { address: string; customer_id: number; names: string[]; name: string | null }[] = [];
  for (const row of existing) {
    out.set(row.address, row.customer_id);
    const added = names.get(row.address)!.filter((n) => !row.names_seen.includes(n));
    if (added.length === 0) continue;
    const all = [...row.names_seen, ...added];
    renamed.push({ address: row.address, customer_id: row.customer_id, names: all, name: bestDisplayName(all, row.address) });
  }
  if (renamed.length) {
    await sql`update customer_addresses a set names_seen = v.names from ${jsonRows(renamed, { address: 'text', names: 'text[]' })} where a.address = v.address`.execute(tx);
    await sql`update customers c set name = v.name from ${jsonRows(renamed, { customer_id: 'integer', name: 'text' })} where c.id = v.customer_id`.execute(tx);
  }
  const fresh = [...names.keys()].filter((a) => !out.has(a)).sort();
  if (fresh.length) for (const [address, id] of await createCustomers(tx, fresh, names)) out.set(address, id);
  return out;
}

/** New customers for new addresses, with their organizations; an address another writer claimed first keeps its customer. */
async function createCustomers(tx: Kysely<DB>, addresses: string[], names: Map<string, string[]>): Promise<Map<string, number>> {
  const organizations = await resolveOrganizations(tx, addresses);
  const ids = await takeIds(tx, 'customers', addresses.length);
  const rows = addresses.map((address, i) => ({ id: ids[i]!, address, names: names.get(address)! }));
  for (const chunk of inChunks(rows, 3)) {
    await tx
      .insertInto('customers')
      .values(chunk.map((r) => ({ id: r.id, name: bestDisplayName(r.names, r.address), organization_id: organizations.get(organizationDomain(r.address) ?? '') ?? null })))
      .execute();
  }
  const claimed = new Set<string>();
  for (const chunk of inChunks(rows, 3)) {
    const inserted = await tx
      .insertInto('customer_addresses')
      .values(chunk.map((r) => ({ address: r.address, customer_id: r.id, names_seen: r.names })))
      .onConflict((oc) => oc.column('address').doNothing())
      .returning('address')
      .execute();
    for (const i of inserted) claimed.add(i.address);
  }
  const out = new Map(rows.filter((r) => claimed.has(r.address)).map((r) => [r.address, r.id]));
  const lost = rows.filter((r) => !claimed.has(r.address));
  if (lost.length) {
    await tx
      .deleteFrom('customers')
      .where(
        'id',
        '=',
        anyOf(
          lost.map((r) => r.id),
          'integer',
        ),
      )
      .execute();
    const winners = await tx
      .selectFrom('customer_addresses')
      .select(['address', 'customer_id'])
      .where(
        'address',
        '=',
        anyOf(
          lost.map((r) => r.address),
          'text',
        ),
      )
      .execute();
    for (const w of winners) out.set(w.address, w.customer_id);
  }
  return out;
}

async function resolveOrganizations(tx: Kysely<DB>, addresses: string[]): Promise<Map<string, number>> {
  const domains = [...new Set(addresses.map(organizationDomain).filter((d): d is string => d !== null))].sort();
  if (domains.length === 0) return new Map();
  const rows = await tx
    .insertInto('organizations')
    .values(domains.map((domain) => ({ domain, name: organizationNameFromDomain(domain) })))
    .onConflict((oc) => oc.column('domain').doUpdateSet({ domain: sql`excluded.domain` }))
    .returning(['id', 'domain'])
    .execute();
  return new Map(rows.map((r) => [r.domain, r.id]));
}

/** A message with a customer, as their first and last contact times and their likely UTC offset need it. */
export interface CustomerContact {
  customerId: number;
  date: Date;
  direction: 'in' | 'out';
  utcOffsetMinutes: number | null;
  userId: number | null;
}

/**
 * Keeps customers' first and last contact times, their likely UTC offset (from their newest mail that
 * says it) and who of us wrote to them last, current: one statement for a batch of messages.
 */
export async function touchCustomers(tx: Kysely<DB>, contacts: readonly CustomerContact[]): Promise<void> {
  const byCustomer = new Map<
    number,
    {
      customer_id: number;
      first: Date;
      last_in: Date | null;
      last_out: Date | null;
      utc_offset: number | null;
      offset_at: Date | null;
      user_id: number | null;
      user_at: Date | null;
    }
  >();
  for (const c of contacts) {
    const v = byCustomer.get(c.customerId) ?? {
      customer_id: c.customerId,
      first: c.date,
      last_in: null,
      last_out: null,
      utc_offset: null,
      offset_at: null,
      user_id: null,
      user_at: null,
    };
    if (c.date < v.first) v.first = c.date;
    const later = (at: Date | null) => at === null || at <= c.date;
    if (c.direction === 'in') {
      if (later(v.last_in)) v.last_in = c.date;
      if (c.utcOffsetMinutes !== null && later(v.offset_at)) [v.utc_offset, v.offset_at] = [c.utcOffsetMinutes, c.date];
    } else {
      if (later(v.last_out)) v.last_out = c.date;
      if (c.userId !== null && later(v.user_at)) [v.user_id, v.user_at] = [c.userId, c.date];
    }
    byCustomer.set(c.customerId, v);
  }
  if (byCustomer.size === 0) return;
  // In id order, so two batches touching the same customers never wait on each other in a circle.
  const rows = [...byCustomer.values()].sort((a, b) => a.customer_id - b.customer_id);
  await sql`
    update customers c
       set first_contact_at = least(c.first_contact_at, v.first),
           last_inbound_at = greatest(c.last_inbound_at, v.last_in),
           utc_offset_minutes = case when v.offset_at is not null and (c.last_inbound_at is null or c.last_inbound_at <= v.offset_at) then v.utc_offset else c.utc_offset_minutes end,
           last_outbound_at = greatest(c.last_outbound_at, v.last_out),
           last_outbound_user_id = case when v.user_at is not null and (c.last_outbound_at is null or c.last_outbound_at <= v.user_at) then v.user_id else c.last_outbound_user_id end
      from ${jsonRows(rows, { customer_id: 'integer', first: 'timestamptz', last_in: 'timestamptz', last_out: 'timestamptz', utc_offset: 'integer', offset_at: 'timestamptz', user_id: 'integer', user_at: 'timestamptz' })}
     where c.id = v.customer_id`.execute(tx);
}

/** Recomputes first and last contact from the messages themselves, after messages changed customer. */
export async function recomputeContact(tx: Kysely<DB>, customerId: number): Promise<void> {
  const human = tx.selectFrom('messages').where('customer_id', '=', customerId).where('automated_reason', 'is', null);
  const stats = await human
    .select((eb) => [
      eb.fn.min('date').as('first'),
      eb.fn.max(eb.case().when('direction', '=', 'in').then(eb.ref('date')).end()).as('lastIn'),
      eb.fn.max(eb.case().when('direction', '=', 'out').then(eb.ref('date')).end()).as('lastOut'),
    ])
    .executeTakeFirstOrThrow();
  const lastOut = await human.select('sent_by_user_id').where('direction', '=', 'out').orderBy('date', 'desc').limit(1).executeTakeFirst();
  await tx
    .updateTable('customers')
    .set({
      first_contact_at: (stats.first as Date | null) ?? null,
      last_inbound_at: (stats.lastIn as Date | null) ?? null,
      last_outbound_at: (stats.lastOut as Date | null) ?? null,
      last_outbound_user_id: lastOut?.sent_by_user_id ?? null,
    })
    .where('id', '=', customerId)
    .execute();
}

export async function customerProfile(tx: Kysely<DB>, id: number): Promise<CustomerProfile | undefined> {
  const c = await tx
    .selectFrom('customers')
    .select(['name', 'notes', 'tags', 'person_user_id', 'do_not_follow_up', 'organization_id'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return c && { name: c.name, notes: c.notes, tags: c.tags, personUserId: c.person_user_id, doNotFollowUp: c.do_not_follow_up, organizationId: c.organization_id };
}

export async function createCustomer(tx: Kysely<DB>, p: CustomerProfile): Promise<number> {
  const row = await tx
    .insertInto('customers')
    .values({ name: p.name, notes: p.notes, tags: p.tags, person_user_id: p.personUserId, do_not_follow_up: p.doNotFollowUp, organization_id: p.organizationId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setProfile(tx: Kysely<DB>, id: number, p: Partial<CustomerProfile>): Promise<void> {
  await tx
    .updateTable('customers')
    .set({
      ...(p.name !== undefined ? { name: p.name } : {}),
      ...(p.notes !== undefined ? { notes: p.notes } : {}),
      ...(p.tags !== undefined ? { tags: p.tags } : {}),
      ...(p.personUserId !== undefined ? { person_user_id: p.personUserId } : {}),
      ...(p.doNotFollowUp !== undefined ? { do_not_follow_up: p.doNotFollowUp } : {}),
      ...(p.organizationId !== undefined ? { organization_id: p.organizationId } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteCustomer(tx: Kysely<DB>, id: number): Promise<void> {
  await tx.deleteFrom('customers').where('id', '=', id).execute();
}

/** These addresses now belong to that customer. */
export async function reassignAddresses(tx: Kysely<DB>, addresses: string[], customerId: number): Promise<void> {
  if (addresses.length) await tx.updateTable('customer_addresses').set({ customer_id: customerId }).where('address', 'in', addresses).execute();
}

export interface ProfileChange {
  notes?: string;
  tags?: string[];
  personUserId?: number | null;
  doNotFollowUp?: boolean;
}

const MAX_NOTES = 20_000;
const MAX_TAGS = 50;
const MAX_TAG = 60;

/** What staff write about a customer: notes, tags, their person, and whether to follow up with them. */
export async function updateCustomerProfile(ctx: Ctx, id: number, change: ProfileChange, actor: User): Promise<void> {
  if (Object.values(change).every((v) => v === undefined)) throw new ValidationError('Give notes, tags, personUserId or doNotFollowUp to change.', 'body');
  if (change.notes !== undefined && change.notes.length > MAX_NOTES) throw new ValidationError(`Notes hold at most ${MAX_NOTES} characters.`, 'notes');
  // Tags are labels: trimmed, one of each (ignoring case), in the order given.
  const tags = change.tags?.map((t) => t.replace(/\s+/g, ' ').trim()).filter((t, i, all) => t && all.findIndex((x) => x.toLowerCase() === t.toLowerCase()) === i);
  if (tags && (tags.length > MAX_TAGS || tags.some((t) => t.length > MAX_TAG)))
    throw new ValidationError(`At most ${MAX_TAGS} tags of at most ${MAX_TAG} characters each.`, 'tags');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    const before = await customerProfile(tx, id);
    if (!before) throw new NotFoundError('Customer', id);
    if (change.personUserId) {
      const person = await tx.selectFrom('users').select(['id', 'disabled_at']).where('id', '=', change.personUserId).executeTakeFirst();
      if (!person || person.disabled_at) throw new ValidationError(`There is no active staff member ${change.personUserId}.`, 'personUserId');
    }
    await setProfile(tx, id, { notes: change.notes, tags, personUserId: change.personUserId, doNotFollowUp: change.doNotFollowUp });
    const changed = Object.keys(change).filter((k) => change[k as keyof ProfileChange] !== undefined);
    await audit(tx, now, { actorUserId: actor.id, action: 'customer.updated', subjectType: 'customer', subjectId: id, details: { changed } });
  });
}
