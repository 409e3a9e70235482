import type { Ctx } from '../context.ts';
import { TooManyAttemptsError } from '../errors.ts';

/** How many failures, over what window, before sign-in is refused for a while. */
export const SIGNIN_LIMITS = { perAddress: 5, perClient: 20, windowMs: 15 * 60_000 };

const keys = (email: string, client: string) => [`address:${email.trim().toLowerCase()}`, `client:${client}`];

/**
 * Refuses a sign-in attempt when its address or its client has failed too often lately. The same answer
 * whether or not the address exists, so the limit says nothing about who has an account.
 */
export async function checkSigninAllowed(ctx: Ctx, email: string, client: string): Promise<void> {
  const now = ctx.clock.now().getTime();
  const since = new Date(now - SIGNIN_LIMITS.windowMs);
  const [address, byClient] = keys(email, client);
  const rows = await ctx.db.selectFrom('signin_failures').select(['key', 'at']).where('key', 'in', [address!, byClient!]).where('at', '>', since).orderBy('at').execute();
  const forAddress = rows.filter((r) => r.key === address);
  const forClient = rows.filter((r) => r.key === byClient);
  const over = forAddress.length >= SIGNIN_LIMITS.perAddress ? forAddress : forClient.length >= SIGNIN_LIMITS.perClient ? forClient : null;
  if (over) throw new TooManyAttemptsError(Math.max(1, Math.round((over[0]!.at.getTime() + SIGNIN_LIMITS.windowMs - now) / 1000)));
}

export async function recordSigninFailure(ctx: Ctx, email: string, client: string): Promise<void> {
  const at = ctx.clock.now();
  await ctx.db.insertInto('signin_failures').values(keys(email, client).map((key) => ({ key, at }))).execute();
  await ctx.db.deleteFrom('signin_failures').where('at', '<', new Date(at.getTime() - SIGNIN_LIMITS.windowMs)).execute();
}

/** A person who got in is not held back by their earlier typos. */
export async function clearSigninFailures(ctx: Ctx, email: string): Promise<void> {
  await ctx.db.deleteFrom('signin_failures').where('key', '=', keys(email, '')[0]!).execute();
}
