import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
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
      await tx.updateTable('customers').set({ name: bestDisplayName(names, address) }).where('id', '=', existing.customer_id).execute();
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
export async function touchCustomer(tx: Kysely<DB>, customerId: number, m: { date: Date; direction: 'in' | 'out'; utcOffsetMinutes: number | null; userId: number | null }): Promise<void> {
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
