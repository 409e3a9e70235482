import { type Kysely, sql } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { CustomerProfile, DB, User } from '../db/schema.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { bestDisplayName, isMailerDaemon, isNoReply, normalizeAddress, organizationDomain, organizationNameFromDomain } from './addresses.ts';

export interface AddressSeen {
  address: string;
  name: string;
}

export interface CustomerRules {
  ours: Set<string>;
  plusTagDomains: string[];
}

/** The address as we key customers by it, or null when it must never become a customer. */
export function customerAddress(address: string, rules: CustomerRules): string | null {
  const normalized = normalizeAddress(address, { stripPlusTagDomains: rules.plusTagDomains });
  if (!normalized || rules.ours.has(normalized) || isMailerDaemon(normalized) || isNoReply(normalized)) return null;
  return normalized;
}

/**
 * The customer this address belongs to, created on first sight with their organization. Each new name
 * seen for the address is kept, and the customer's name becomes the best of them.
 */
export async function resolveCustomer(tx: Kysely<DB>, seen: AddressSeen, rules: CustomerRules): Promise<number | null> {
  const address = customerAddress(seen.address, rules);
  if (!address) return null;
  const name = seen.name.trim();
  const existing = await tx.selectFrom('customer_addresses').select(['customer_id', 'names_seen']).where('address', '=', address).executeTakeFirst();
  if (existing) {
    if (name && !existing.names_seen.includes(name)) {
      const names = [...existing.names_seen, name];
      await tx.updateTable('customer_addresses').set({ names_seen: names }).where('address', '=', address).execute();
      await tx
        .updateTable('customers')
        .set({ name: bestDisplayName(names, address) })
        .where('id', '=', existing.customer_id)
        .execute();
    }
    return existing.customer_id;
  }
  const organizationId = await resolveOrganization(tx, address);
  const customer = await tx
    .insertInto('customers')
    .values({ name: bestDisplayName(name ? [name] : [], address), organization_id: organizationId })
    .returning('id')
    .executeTakeFirstOrThrow();
  const claimed = await tx
    .insertInto('customer_addresses')
    .values({ address, customer_id: customer.id, names_seen: name ? [name] : [] })
    .onConflict((oc) => oc.column('address').doNothing())
    .returning('customer_id')
    .executeTakeFirst();
  if (claimed) return customer.id;
  // Another writer created this customer first: use theirs.
  await tx.deleteFrom('customers').where('id', '=', customer.id).execute();
  const winner = await tx.selectFrom('customer_addresses').select('customer_id').where('address', '=', address).executeTakeFirstOrThrow();
  return winner.customer_id;
}

async function resolveOrganization(tx: Kysely<DB>, address: string): Promise<number | null> {
  const domain = organizationDomain(address);
  if (!domain) return null;
  const row = await tx
    .insertInto('organizations')
    .values({ domain, name: organizationNameFromDomain(domain) })
    .onConflict((oc) => oc.column('domain').doUpdateSet({ domain: sql`excluded.domain` }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Keeps the customer's first and last contact times and their likely UTC offset current. */
export async function touchCustomer(
  tx: Kysely<DB>,
  customerId: number,
  m: { date: Date; direction: 'in' | 'out'; utcOffsetMinutes: number | null; userId: number | null },
): Promise<void> {
  await tx
    .updateTable('customers')
    .set(
      m.direction === 'in'
        ? {
            first_contact_at: sql`least(first_contact_at, ${m.date}::timestamptz)`,
            last_inbound_at: sql`greatest(last_inbound_at, ${m.date}::timestamptz)`,
            utc_offset_minutes: sql`case when last_inbound_at is null or last_inbound_at <= ${m.date}::timestamptz then coalesce(${m.utcOffsetMinutes}::integer, utc_offset_minutes) else utc_offset_minutes end`,
          }
        : {
            first_contact_at: sql`least(first_contact_at, ${m.date}::timestamptz)`,
            last_outbound_at: sql`greatest(last_outbound_at, ${m.date}::timestamptz)`,
            last_outbound_user_id: sql`case when last_outbound_at is null or last_outbound_at <= ${m.date}::timestamptz then coalesce(${m.userId}::integer, last_outbound_user_id) else last_outbound_user_id end`,
          },
    )
    .where('id', '=', customerId)
    .execute();
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
