import { createHash, randomBytes } from 'node:crypto';
import type { Ctx } from '../context.ts';
import { audit } from '../audit.ts';
import type { User } from '../db/schema.ts';

/** Tokens are shown once and stored only as a SHA-256 hash: a leaked database leaks no usable token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createToken(ctx: Ctx, userId: number, name: string): Promise<string> {
  const token = `lh_${randomBytes(32).toString('base64url')}`;
  const row = await ctx.db
    .insertInto('api_tokens')
    .values({ user_id: userId, name, token_hash: hashToken(token), prefix: token.slice(0, 10) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(ctx.db, ctx.clock.now(), { actorUserId: userId, action: 'token.created', subjectType: 'api_token', subjectId: row.id, details: { name } });
  return token;
}

export async function userForToken(ctx: Ctx, token: string): Promise<User | null> {
  const row = await ctx.db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select('api_tokens.id as token_id')
    .where('api_tokens.token_hash', '=', hashToken(token))
    .where('api_tokens.revoked_at', 'is', null)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const { token_id, ...user } = row;
  await ctx.db.updateTable('api_tokens').set({ last_used_at: ctx.clock.now() }).where('id', '=', token_id).execute();
  return user;
}
