import * as oidc from 'openid-client';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { Mailbox } from '../db/schema.ts';
import { OAuthError } from '../errors.ts';
import type { TokenSource } from '../mail/server-url.ts';
import { clientConfiguration, isPresetProvider, type OAuthClient, presetClient, providerRefusal } from './oauth-providers.ts';

/** What the provider said when it granted an access token. */
export interface GrantedTokens {
  accessToken: string;
  refreshToken: string | null;
  expiresInSeconds: number | undefined;
}

/**
 * When to replace an access token: well before it expires (five minutes before, or at 80% of its life
 * for short-lived ones), so a login never presents one that dies on the way.
 */
export function refreshAt(now: Date, expiresInSeconds: number | undefined): Date {
  const life = expiresInSeconds && expiresInSeconds > 0 ? expiresInSeconds : 3600;
  return new Date(now.getTime() + Math.max(life * 0.8, life - 300) * 1000);
}

export function grantedTokens(response: oidc.TokenEndpointResponse): GrantedTokens {
  return { accessToken: response.access_token, refreshToken: response.refresh_token ?? null, expiresInSeconds: response.expires_in };
}

/** The sealed columns for a new grant (consent, reconnect, or a refresh token given by hand). */
export function sealedGrant(ctx: Ctx, tokens: GrantedTokens) {
  return {
    oauth_refresh_token: tokens.refreshToken ? ctx.secrets.seal(tokens.refreshToken) : null,
    oauth_access_token: ctx.secrets.seal(tokens.accessToken),
    oauth_refresh_at: refreshAt(ctx.clock.now(), tokens.expiresInSeconds),
    needs_reconnect: false,
  };
}

/** The client a mailbox's grant belongs to: the refresh token is bound to that client id. */
export async function mailboxClient(ctx: Ctx, mailbox: Pick<Mailbox, 'name' | 'oauth' | 'oauth_client_secret'>): Promise<OAuthClient> {
  const o = mailbox.oauth;
  if (!o) throw new OAuthError(mailbox.name, 'no OAuth2 grant is stored for this mailbox', true);
  if (mailbox.oauth_client_secret) return { clientId: o.clientId, clientSecret: ctx.secrets.open(mailbox.oauth_client_secret), authorizeUrl: null, tokenUrl: o.tokenUrl };
  const preset = isPresetProvider(o.provider) ? await presetClient(ctx, o.provider) : null;
  // The team may have rotated its secret since consent; the client id must stay the one consented to.
  const secret = preset && preset.clientId === o.clientId ? preset.clientSecret : null;
  return { clientId: o.clientId, clientSecret: secret, authorizeUrl: null, tokenUrl: o.tokenUrl };
}

/** In this process, callers that need the same mailbox's refresh share one: per database, since tests run several. */
const inFlight = new WeakMap<Db, Map<number, Promise<string>>>();

/**
 * A usable access token for the mailbox. The stored one while it is fresh (and not the one a server just
 * refused); otherwise exactly one refresh at a time per mailbox across every process and worker: the
 * mailbox row is locked while the provider is asked, and whoever waited finds the new token and uses it,
 * so a rotating refresh token is never presented twice.
 */
export async function accessToken(ctx: Ctx, mailboxId: number, rejected: string | null = null): Promise<string> {
  const row = await ctx.db.selectFrom('mailboxes').select(['oauth_access_token', 'oauth_refresh_at']).where('id', '=', mailboxId).executeTakeFirstOrThrow();
  const stored = usable(ctx, row);
  if (stored && stored !== rejected) return stored;
  const mine = inFlight.get(ctx.db) ?? inFlight.set(ctx.db, new Map()).get(ctx.db)!;
  const running = mine.get(mailboxId);
  if (running) return running;
  const refresh = refreshLocked(ctx, mailboxId, rejected).finally(() => mine.delete(mailboxId));
  mine.set(mailboxId, refresh);
  return refresh;
}

function usable(ctx: Ctx, row: Pick<Mailbox, 'oauth_access_token' | 'oauth_refresh_at'>): string | null {
  if (!row.oauth_access_token || !row.oauth_refresh_at || row.oauth_refresh_at.getTime() <= ctx.clock.now().getTime()) return null;
  return ctx.secrets.open(row.oauth_access_token);
}

async function refreshLocked(ctx: Ctx, mailboxId: number, rejected: string | null): Promise<string> {
  // Only `tx` inside: with the embedded database a second query outside it would wait for this one forever.
  // A refused grant is returned, not thrown, so that marking the mailbox commits.
  const outcome = await ctx.db.transaction().execute(async (tx): Promise<string | OAuthError> => {
    const m = await tx.selectFrom('mailboxes').selectAll().where('id', '=', mailboxId).forUpdate().executeTakeFirstOrThrow();
    if (m.needs_reconnect) throw new OAuthError(m.name, 'the sign-in has expired: an owner must reconnect the mailbox', true);
    const stored = usable(ctx, m);
    if (stored && stored !== rejected) return stored;
    if (!m.oauth_refresh_token) return expire(tx, ctx, m, 'no refresh token is stored');
    const client = await mailboxClient(ctx, m);
    let response: oidc.TokenEndpointResponse;
    try {
      response = await oidc.refreshTokenGrant(clientConfiguration(client), ctx.secrets.open(m.oauth_refresh_token));
    } catch (err) {
      if (err instanceof oidc.ResponseBodyError && (err.error === 'invalid_grant' || err.error === 'unauthorized_client' || err.error === 'invalid_client')) {
        return expire(tx, ctx, m, `the provider refused the sign-in (${providerRefusal(err)})`, err);
      }
      throw new OAuthError(m.name, `could not renew the access token, will try again: ${providerRefusal(err)}`, false, { cause: err });
    }
    const granted = grantedTokens(response);
    // A provider that rotates refresh tokens sends a new one: it replaces the old in this same transaction.
    await tx
      .updateTable('mailboxes')
      .set({
        oauth_access_token: ctx.secrets.seal(granted.accessToken),
        oauth_refresh_at: refreshAt(ctx.clock.now(), granted.expiresInSeconds),
        ...(granted.refreshToken ? { oauth_refresh_token: ctx.secrets.seal(granted.refreshToken) } : {}),
      })
      .where('id', '=', mailboxId)
      .execute();
    ctx.log.debug({ mailboxId, rotated: Boolean(granted.refreshToken) }, 'renewed the access token');
    return granted.accessToken;
  });
  if (outcome instanceof OAuthError) throw outcome;
  return outcome;
}

async function expire(tx: Db, ctx: Ctx, m: Mailbox, why: string, cause?: unknown): Promise<OAuthError> {
  await markNeedsReconnect(tx, ctx, m.id, `Sign-in expired: reconnect. ${capitalise(why)}.`);
  return new OAuthError(m.name, `the sign-in has expired (${why}): an owner must reconnect the mailbox`, true, { cause });
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Stops every retry until an owner reconnects: no lockout storm against a refused account. */
export async function markNeedsReconnect(db: Db, ctx: Ctx, mailboxId: number, words: string): Promise<void> {
  const now = ctx.clock.now();
  await db
    .updateTable('mailboxes')
    .set({ needs_reconnect: true, state: 'reconnect', last_error: words, last_error_at: now, oauth_access_token: null, oauth_refresh_at: null })
    .where('id', '=', mailboxId)
    .execute();
  await audit(db, now, { actorUserId: null, action: 'mailbox.signin_expired', subjectType: 'mailbox', subjectId: mailboxId, details: { why: words } });
  ctx.log.warn({ mailboxId, why: words }, 'mailbox sign-in expired; waiting for an owner to reconnect');
}

/** The tokens the IMAP and SMTP code signs in with, for one mailbox. */
export function mailboxTokens(ctx: Ctx, mailboxId: number): TokenSource {
  return {
    current: () => accessToken(ctx, mailboxId),
    renew: (rejected) => accessToken(ctx, mailboxId, rejected),
    refused: (serverWords) => markNeedsReconnect(ctx.db, ctx, mailboxId, `Sign-in expired: reconnect. The server refused a fresh access token: ${serverWords}`),
  };
}
