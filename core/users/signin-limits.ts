import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/database.ts';
import { TooManyAttemptsError } from '../errors.ts';

/**
 * How many failures, over what window, before sign-in is refused for a while: from one client for one
 * address (a guesser there does not lock the person out at their own desk), for one address from anywhere
 * (guessing spread over many clients), and from one client for any address.
 */
export const SIGNIN_LIMITS = { perAddressAndClient: 5, perAddress: 20, perClient: 20, windowMs: 15 * 60_000, lastOwnerEveryMs: 60_000 };

/** Every attempt is counted under this advisory lock. */
const SIGNIN_LOCK = 7_140_002;

const addressKey = (email: string) => `address:${email.trim().toLowerCase()}`;
/** Starts with the address key and a space, so clearing an address finds its pairs by that prefix. */
const pairKey = (email: string, client: string) => `${addressKey(email)} client:${client}`;

/** The rows an attempt holds until it is known to have succeeded. */
export interface SigninAttempt {
  ids: number[];
}

/**
 * Counts an attempt before its password is checked, refusing it when its address, its client or the two
 * together have failed too often lately. Count and record happen under one lock, so guesses sent at once
 * cannot all slip in before the first one is recorded. The same answer whether or not the address exists.
 * The last owner is never locked out (no one could let them in again): past a limit, each client may
 * try for that address once a minute.
 */
export async function claimSigninAttempt(ctx: Ctx, email: string, client: string): Promise<SigninAttempt> {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - SIGNIN_LIMITS.windowMs);
  const keys = { pair: pairKey(email, client), address: addressKey(email), client: `client:${client}` };
  return ctx.db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${SIGNIN_LOCK})`.execute(tx);
    await tx.deleteFrom('signin_failures').where('at', '<', since).execute();
    const rows = await tx.selectFrom('signin_failures').select(['key', 'at']).where('key', 'in', Object.values(keys)).where('at', '>', since).orderBy('at').execute();
    const failures = (key: string) => rows.filter((r) => r.key === key);
    const limits = [
      [keys.pair, SIGNIN_LIMITS.perAddressAndClient],
      [keys.address, SIGNIN_LIMITS.perAddress],
      [keys.client, SIGNIN_LIMITS.perClient],
    ] as const;
    const over = limits.map(([key, limit]) => ({ list: failures(key), limit })).find(({ list, limit }) => list.length >= limit)?.list;
    if (over) {
      const lastOwner = await isLastOwner(tx, email);
      const freeAt = lastOwner ? (failures(keys.pair).at(-1)?.at.getTime() ?? 0) + SIGNIN_LIMITS.lastOwnerEveryMs : over[0]!.at.getTime() + SIGNIN_LIMITS.windowMs;
      if (freeAt > now.getTime()) throw new TooManyAttemptsError(Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)));
    }
    const held = await tx
      .insertInto('signin_failures')
      .values(Object.values(keys).map((key) => ({ key, at: now })))
      .returning('id')
      .execute();
    return { ids: held.map((r) => r.id) };
  });
}

async function isLastOwner(db: Db, email: string): Promise<boolean> {
  const owners = await db.selectFrom('users').select('email').where('role', '=', 'owner').where('disabled_at', 'is', null).execute();
  return owners.length === 1 && owners[0]!.email === email.trim().toLowerCase();
}

/** The attempt succeeded: it does not count against the address or the client. */
export async function releaseSigninAttempt(ctx: Ctx, attempt: SigninAttempt): Promise<void> {
  await ctx.db.deleteFrom('signin_failures').where('id', 'in', attempt.ids).execute();
}

/**
 * A person who got in is not held back by their earlier typos (`client`: the place they got in from; a
 * guesser elsewhere stays slowed). A reset (no `client`) lifts every lock on the address.
 */
export async function clearSigninFailures(ctx: Ctx, email: string, client?: string): Promise<void> {
  const key = addressKey(email);
  await ctx.db
    .deleteFrom('signin_failures')
    .where((eb) => eb.or([eb('key', '=', key), client === undefined ? eb(sql<boolean>`starts_with(key, ${`${key} `})`, '=', true) : eb('key', '=', pairKey(email, client))]))
    .execute();
}
