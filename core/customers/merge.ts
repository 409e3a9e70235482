import type { Kysely } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { AddressJson, CustomerMergeRecord, CustomerProfile, DB, User } from '../db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { bestDisplayName, normalizeAddress, organizationDomain } from './addresses.ts';
import { createCustomer, customerProfile, deleteCustomer, reassignAddresses, recomputeContact, setProfile } from './customers.ts';

/*
 * One person, two addresses: staff merge the two customers, and can split them again. A merge keeps a
 * record of what the merged customer was (its addresses and profile), so splitting those addresses off
 * later brings that customer back as it was, notes and tags included.
 */

/** Merges `otherId` into `id`: addresses, messages, conversations and what staff wrote move to `id`. */
export async function mergeCustomers(ctx: Ctx, id: number, otherId: number, actor: User): Promise<void> {
  if (id === otherId) throw new ValidationError('A customer cannot be merged with itself.', 'otherId');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    const kept = await customerProfile(tx, id);
    if (!kept) throw new NotFoundError('Customer', id);
    const merged = await customerProfile(tx, otherId);
    if (!merged) throw new NotFoundError('Customer', otherId);
    const addresses = (await tx.selectFrom('customer_addresses').select('address').where('customer_id', '=', otherId).orderBy('created_at').execute()).map((a) => a.address);
    const record: CustomerMergeRecord = { merged, kept };
    await tx
      .insertInto('customer_merges')
      .values({ customer_id: id, merged_customer_id: otherId, addresses, profile: JSON.stringify(record), merged_by: actor.id, merged_at: now })
      .execute();
    // Merges the other customer carried (it was itself merged before) can still be split from this one.
    await tx.updateTable('customer_merges').set({ customer_id: id }).where('customer_id', '=', otherId).execute();
    await reassignAddresses(tx, addresses, id);
    await tx.updateTable('messages').set({ customer_id: id }).where('customer_id', '=', otherId).execute();
    await tx.updateTable('conversations').set({ customer_id: id }).where('customer_id', '=', otherId).execute();
    await deleteCustomer(tx, otherId);
    await setProfile(tx, id, {
      name: kept.name ?? merged.name,
      notes: [kept.notes, merged.notes].filter((n) => n.trim()).join('\n\n'),
      tags: [...kept.tags, ...merged.tags.filter((t) => !kept.tags.some((k) => k.toLowerCase() === t.toLowerCase()))],
      personUserId: kept.personUserId ?? merged.personUserId,
      doNotFollowUp: kept.doNotFollowUp || merged.doNotFollowUp,
      organizationId: kept.organizationId ?? merged.organizationId,
    });
    await recomputeContact(tx, id);
    await audit(tx, now, { actorUserId: actor.id, action: 'customer.merged', subjectType: 'customer', subjectId: id, details: { mergedCustomerId: otherId, addresses } });
  });
}

/**
 * Splits these addresses off into a customer of their own, with the messages from and to them and the
 * conversations wholly theirs. When the addresses are exactly those an earlier merge brought in, that
 * customer comes back as it was; otherwise the new customer starts with the same person and no notes.
 * Returns the new customer's id.
 */
export async function splitCustomer(ctx: Ctx, id: number, addresses: string[], actor: User): Promise<number> {
  const wanted = [...new Set(addresses.map((a) => a.trim().toLowerCase()))];
  if (wanted.length === 0) throw new ValidationError('Name at least one address to split off.', 'addresses');
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const current = await customerProfile(tx, id);
    if (!current) throw new NotFoundError('Customer', id);
    const own = await tx.selectFrom('customer_addresses').select(['address', 'names_seen']).where('customer_id', '=', id).orderBy('created_at').execute();
    const foreign = wanted.filter((a) => !own.some((o) => o.address === a));
    if (foreign.length)
      throw new ValidationError(`${foreign.join(', ')} ${foreign.length === 1 ? 'is not an address' : 'are not addresses'} of customer ${id}.`, 'addresses', {
        addresses: foreign,
      });
    if (wanted.length === own.length) throw new ConflictError('split_everything', 'A split leaves at least one address with the customer; to move all of them, merge instead.');

    const merges = await tx.selectFrom('customer_merges').selectAll().where('customer_id', '=', id).where('split_at', 'is', null).orderBy('id', 'desc').execute();
    const undone = merges.find((m) => m.addresses.length === wanted.length && m.addresses.every((a) => wanted.includes(a)));
    const record = undone?.profile;
    const moving = own.filter((o) => wanted.includes(o.address));
    const profile: CustomerProfile = record?.merged ?? {
      name: bestDisplayName(
        moving.flatMap((o) => o.names_seen),
        moving[0]!.address,
      ),
      notes: '',
      tags: [],
      personUserId: current.personUserId,
      doNotFollowUp: current.doNotFollowUp,
      organizationId: await organizationOf(tx, moving[0]!.address),
    };
    const newId = await createCustomer(tx, profile);
    await reassignAddresses(tx, wanted, newId);
    // Earlier merges wholly inside what moves belong to the new customer now.
    for (const m of merges) {
      if (m === undone) await tx.updateTable('customer_merges').set({ split_at: now }).where('id', '=', m.id).execute();
      else if (m.addresses.every((a) => wanted.includes(a))) await tx.updateTable('customer_merges').set({ customer_id: newId }).where('id', '=', m.id).execute();
    }
    if (record) {
      // What the merge brought to this customer leaves with the split, unless staff changed it since.
      const { kept, merged } = record;
      const unchanged = <T>(value: T, afterMerge: T, before: T) => (value === afterMerge ? before : value);
      await setProfile(tx, id, {
        name: kept.name ?? current.name,
        notes: unchanged(current.notes, [kept.notes, merged.notes].filter((n) => n.trim()).join('\n\n'), kept.notes),
        tags: current.tags.filter((t) => kept.tags.includes(t) || !merged.tags.includes(t)),
        personUserId: unchanged(current.personUserId, kept.personUserId ?? merged.personUserId, kept.personUserId),
        doNotFollowUp: unchanged(current.doNotFollowUp, kept.doNotFollowUp || merged.doNotFollowUp, kept.doNotFollowUp),
      });
    }

    const staying = new Set(own.map((o) => o.address).filter((a) => !wanted.includes(a)));
    const moved = await moveMessagesOf(tx, id, newId, new Set(wanted), staying, ctx.config.plusTagDomains);
    const conversations = await moveConversationsOf(tx, id, newId);
    await recomputeContact(tx, id);
    await recomputeContact(tx, newId);
    await audit(tx, now, {
      actorUserId: actor.id,
      action: 'customer.split',
      subjectType: 'customer',
      subjectId: id,
      details: { newCustomerId: newId, addresses: wanted, restoredMerge: undone?.id ?? null, messages: moved, conversations },
    });
    return newId;
  });
}

async function organizationOf(tx: Kysely<DB>, address: string): Promise<number | null> {
  const domain = organizationDomain(address);
  if (!domain) return null;
  const org = await tx.selectFrom('organizations').select('id').where('domain', '=', domain).executeTakeFirst();
  return org?.id ?? null;
}

/** Messages from the moving addresses, and ours written to them and not to the staying ones, change customer. */
async function moveMessagesOf(tx: Kysely<DB>, from: number, to: number, moving: Set<string>, staying: Set<string>, plusTagDomains: string[]): Promise<number> {
  const normalized = (a: string | null) => (a ? (normalizeAddress(a, { stripPlusTagDomains: plusTagDomains }) ?? '') : '');
  const messages = await tx.selectFrom('messages').select(['id', 'direction', 'from_address', 'to', 'cc']).where('customer_id', '=', from).execute();
  const ids = messages
    .filter((m) => {
      if (m.direction === 'in') return moving.has(normalized(m.from_address));
      const recipients = [...(m.to as AddressJson[]), ...(m.cc as AddressJson[])].map((a) => normalized(a.address));
      return recipients.some((r) => moving.has(r)) && !recipients.some((r) => staying.has(r));
    })
    .map((m) => m.id);
  for (let i = 0; i < ids.length; i += 1000)
    await tx
      .updateTable('messages')
      .set({ customer_id: to })
      .where('id', 'in', ids.slice(i, i + 1000))
      .execute();
  return ids.length;
}

/** Conversations whose messages all moved go along. Returns their ids. */
async function moveConversationsOf(tx: Kysely<DB>, from: number, to: number): Promise<number[]> {
  const conversations = await tx.selectFrom('conversations').select('id').where('customer_id', '=', from).execute();
  if (conversations.length === 0) return [];
  const owners = await tx
    .selectFrom('messages')
    .select(['conversation_id', 'customer_id'])
    .distinct()
    .where(
      'conversation_id',
      'in',
      conversations.map((c) => c.id),
    )
    .where('customer_id', 'is not', null)
    .execute();
  const ids = conversations
    .map((c) => c.id)
    .filter((c) => {
      const of = owners.filter((o) => o.conversation_id === c);
      return of.length > 0 && of.every((o) => o.customer_id === to);
    });
  if (ids.length) await tx.updateTable('conversations').set({ customer_id: to }).where('id', 'in', ids).execute();
  return ids;
}
