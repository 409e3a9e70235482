import { createHash, randomBytes } from 'node:crypto';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { User } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';

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

export interface TokenInfo {
  id: number;
  name: string;
  /** The first characters, so a person can tell their tokens apart; never the token. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export async function listTokens(ctx: Ctx, userId: number): Promise<TokenInfo[]> {
  const rows = await ctx.db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}

/** Revokes one of the person's own tokens (owners may revoke anyone's); it stops working at once. */
export async function revokeToken(ctx: Ctx, tokenId: number, actor: User): Promise<void> {
  const now = ctx.clock.now();
  const revoked = await ctx.db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .$if(actor.role !== 'owner', (q) => q.where('user_id', '=', actor.id))
    .returning('id')
    .executeTakeFirst();
  if (!revoked) throw new NotFoundError('Token', tokenId);
  await audit(ctx.db, now, { actorUserId: actor.id, action: 'token.revoked', subjectType: 'api_token', subjectId: tokenId });
}
