import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import { TooManyAttemptsError } from '../errors.ts';

/** How many failures, over what window, before sign-in is refused for a while. */
export const SIGNIN_LIMITS = { perAddress: 5, perClient: 20, windowMs: 15 * 60_000 };

/** Every attempt is counted under this advisory lock. */
const SIGNIN_LOCK = 7_140_002;

const keys = (email: string, client: string) => [`address:${email.trim().toLowerCase()}`, `client:${client}`];

/** The rows an attempt holds until it is known to have succeeded. */
export interface SigninAttempt {
  ids: number[];
}

/**
 * Counts an attempt before its password is checked, refusing it when its address or its client has failed
 * too often lately. Count and record happen under one lock, so guesses sent at once cannot all slip in
 * before the first one is recorded. The same answer whether or not the address exists.
 */
export async function claimSigninAttempt(ctx: Ctx, email: string, client: string): Promise<SigninAttempt> {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - SIGNIN_LIMITS.windowMs);
  const [address, byClient] = keys(email, client) as [string, string];
  return ctx.db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${SIGNIN_LOCK})`.execute(tx);
    await tx.deleteFrom('signin_failures').where('at', '<', since).execute();
    const rows = await tx.selectFrom('signin_failures').select(['key', 'at']).where('key', 'in', [address, byClient]).where('at', '>', since).orderBy('at').execute();
    const forAddress = rows.filter((r) => r.key === address);
    const forClient = rows.filter((r) => r.key === byClient);
    const over = forAddress.length >= SIGNIN_LIMITS.perAddress ? forAddress : forClient.length >= SIGNIN_LIMITS.perClient ? forClient : null;
    if (over) throw new TooManyAttemptsError(Math.max(1, Math.round((over[0]!.at.getTime() + SIGNIN_LIMITS.windowMs - now.getTime()) / 1000)));
    const held = await tx.insertInto('signin_failures').values([address, byClient].map((key) => ({ key, at: now }))).returning('id').execute();
    return { ids: held.map((r) => r.id) };
  });
}

/** The attempt succeeded: it does not count against the address or the client. */
export async function releaseSigninAttempt(ctx: Ctx, attempt: SigninAttempt): Promise<void> {
  await ctx.db.deleteFrom('signin_failures').where('id', 'in', attempt.ids).execute();
}

/** A person who got in is not held back by their earlier typos. */
export async function clearSigninFailures(ctx: Ctx, email: string): Promise<void> {
  await ctx.db.deleteFrom('signin_failures').where('key', '=', keys(email, '')[0]!).execute();
}
