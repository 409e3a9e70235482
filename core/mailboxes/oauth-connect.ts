import * as oidc from 'openid-client';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { Mailbox, OAuthProviderName } from '../db/schema.ts';
import { OAuthError, ValidationError } from '../errors.ts';
import { describeServer, type ServerLogin, type ServerSettings, type TokenSource } from '../mail/server-url.ts';
import { type ConnectionReport, testConnection } from './connection-test.ts';
import { getMailbox, type MailboxUrls, mailboxFromUrls, upsertMailbox } from './mailboxes.ts';
import { checkEndpoint, clientConfiguration, isPresetProvider, type OAuthClient, PROVIDERS, presetClient, providerRefusal } from './oauth-providers.ts';
import { type GrantedTokens, grantedTokens } from './oauth-tokens.ts';

/** A consent screen not come back from within this long is not accepted any more. */
const CONSENT_TTL_MS = 15 * 60_000;

type Server = Omit<ServerSettings, 'password'>;

/** Everything about a consent in progress, kept in the owner's session (never in a page or Redis). */
export interface PendingConsent {
  provider: 'google' | 'microsoft';
  state: string;
  codeVerifier: string;
  redirectUri: string;
  email: string;
  name: string;
  imap: Server;
  smtp: Server;
  /** Set when an existing mailbox is being reconnected. */
  mailboxId: number | null;
  startedAt: string;
}

export interface ConsentStart {
  provider: 'google' | 'microsoft';
  email: string;
  name: string;
  imap: Server;
  smtp: Server;
  mailboxId?: number | null;
  redirectUri: string;
}

async function requireClient(ctx: Ctx, provider: 'google' | 'microsoft'): Promise<OAuthClient> {
  const client = await presetClient(ctx, provider);
  if (client) return client;
  const env = provider === 'google' ? 'LONGHAND_GOOGLE_CLIENT_ID and LONGHAND_GOOGLE_CLIENT_SECRET' : 'LONGHAND_MICROSOFT_CLIENT_ID and LONGHAND_MICROSOFT_CLIENT_SECRET';
  throw new ValidationError(
    `Connecting ${PROVIDERS[provider].label} needs your team's app registration: an owner enters its client id and secret in Settings, or sets ${env} (see the README).`,
    'provider',
  );
}

/** The provider's consent URL (authorization code flow with PKCE and `state`), and what the callback will need. */
export async function startConsent(ctx: Ctx, input: ConsentStart): Promise<{ url: string; pending: PendingConsent }> {
  const client = await requireClient(ctx, input.provider);
  const preset = PROVIDERS[input.provider];
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(clientConfiguration(client), {
    response_type: 'code',
    redirect_uri: input.redirectUri,
    scope: preset.scope,
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    login_hint: input.email,
    ...preset.authorizeParams,
  });
  return {
    url: url.href,
    pending: {
      provider: input.provider,
      state,
      codeVerifier,
      redirectUri: input.redirectUri,
      email: input.email,
      name: input.name,
      imap: input.imap,
      smtp: input.smtp,
      mailboxId: input.mailboxId ?? null,
      startedAt: ctx.clock.now().toISOString(),
    },
  };
}

/** Starting again for a mailbox whose sign-in expired: same provider, servers and address. */
export async function startReconnect(ctx: Ctx, mailboxId: number, redirectUri: string): Promise<{ url: string; pending: PendingConsent }> {
  const m = await getMailbox(ctx, mailboxId);
  if (!m.oauth || !isPresetProvider(m.oauth.provider))
    throw new ValidationError(`${m.email} does not sign in through Google or Microsoft; update it with \`longhand mailbox add\`.`, 'mailbox');
  return startConsent(ctx, { provider: m.oauth.provider, email: m.email, name: m.name, imap: m.imap, smtp: m.smtp, mailboxId, redirectUri });
}

export type ConsentOutcome = { ok: true; mailbox: Mailbox } | { ok: false; report: ConnectionReport };

/**
 * The provider sent the owner back: the code is exchanged (state and PKCE checked), the new token is tried
 * on both servers, and only a mailbox that signs in is saved, with its refresh token sealed.
 */
export async function finishConsent(ctx: Ctx, pending: PendingConsent, query: URLSearchParams, actorUserId: number): Promise<ConsentOutcome> {
  const label = PROVIDERS[pending.provider].label;
  if (ctx.clock.now().getTime() - new Date(pending.startedAt).getTime() > CONSENT_TTL_MS) {
    throw new ValidationError(`The ${label} sign-in took longer than 15 minutes; start again.`, 'state');
  }
  const client = await requireClient(ctx, pending.provider);
  const callback = new URL(pending.redirectUri);
  for (const [k, v] of query) callback.searchParams.append(k, v);
  let tokens: GrantedTokens;
  try {
    tokens = grantedTokens(await oidc.authorizationCodeGrant(clientConfiguration(client), callback, { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state }));
  } catch (err) {
    throw consentError(label, err);
  }
  if (!tokens.refreshToken) {
    throw new ValidationError(
      `${label} gave no refresh token, so Longhand could not stay signed in. Remove Longhand's access in the account's security settings and connect again.`,
      'code',
    );
  }
  const login = (s: Server): ServerLogin => ({ ...s, password: '', tokens: fixedToken(pending.email, tokens.accessToken) });
  const report = await testConnection(login(pending.imap), login(pending.smtp));
  if (!report.ok) return { ok: false, report };
  const mailbox = await upsertMailbox(ctx, {
    name: pending.name,
    email: pending.email,
    imap: { ...pending.imap, password: '' },
    smtp: { ...pending.smtp, password: '' },
    source: 'ui',
    oauth: {
      grant: {
        provider: pending.provider,
        clientId: client.clientId,
        tokenUrl: client.tokenUrl,
        scope: PROVIDERS[pending.provider].scope,
        consentedBy: actorUserId,
        consentedAt: ctx.clock.now().toISOString(),
      },
      tokens,
    },
  });
  await audit(ctx.db, ctx.clock.now(), {
    actorUserId,
    action: pending.mailboxId ? 'mailbox.reconnected' : 'mailbox.connected',
    subjectType: 'mailbox',
    subjectId: mailbox.id,
    details: { email: mailbox.email, provider: pending.provider },
  });
  return { ok: true, mailbox };
}

function consentError(label: string, err: unknown): ValidationError {
  if (err instanceof oidc.AuthorizationResponseError) {
    const why = err.error === 'access_denied' ? 'access was not allowed on the consent screen' : providerRefusal(err);
    return new ValidationError(`${label} did not connect the mailbox: ${why}.`, 'code');
  }
  if (err instanceof oidc.ResponseBodyError) return new ValidationError(`${label} refused the sign-in: ${providerRefusal(err)}. Start again.`, 'code');
  // openid-client's own checks (a wrong or missing state) say what failed without echoing the code.
  return new ValidationError(`${label} sign-in could not be completed: ${(err as Error).message}. Start again.`, 'state');
}

/** The token just granted, for the connection test before anything is saved. */
function fixedToken(mailbox: string, token: string): TokenSource {
  return {
    current: async () => token,
    renew: async () => {
      throw new OAuthError(mailbox, 'the server refused the token the provider just granted', true);
    },
    refused: async () => {},
  };
}

export interface OAuthMailboxInput extends Partial<Pick<MailboxUrls, 'imapUrl' | 'smtpUrl'>> {
  email: string;
  name?: string;
  extraFolders?: string[];
  provider: OAuthProviderName;
  /** For a custom provider, or to override a preset's client. */
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  refreshToken: string;
}

/**
 * A mailbox from a refresh token obtained elsewhere (scripts, headless installs): the token is checked by
 * using it once, and the access token it yields is tried on both servers before anything is saved.
 */
export async function addOAuthMailbox(ctx: Ctx, input: OAuthMailboxInput, actorUserId: number | null): Promise<Mailbox> {
  const preset = isPresetProvider(input.provider) ? PROVIDERS[input.provider] : null;
  if (!preset && (!input.imapUrl || !input.smtpUrl || !input.tokenUrl || !input.clientId)) {
    throw new ValidationError('A custom OAuth2 provider needs --imap-url, --smtp-url, --oauth-token-url and --oauth-client-id.', 'provider');
  }
  const base = mailboxFromUrls({
    email: input.email,
    name: input.name,
    imapUrl: input.imapUrl ?? describeServer({ ...preset!.imap, user: input.email }, 'imap'),
    smtpUrl: input.smtpUrl ?? describeServer({ ...preset!.smtp, user: input.email }, 'smtp'),
    extraFolders: input.extraFolders,
  });
  const presetOwn = preset && !input.clientId ? await requireClient(ctx, preset.name) : null;
  const client: OAuthClient = presetOwn ?? {
    clientId: input.clientId!,
    clientSecret: input.clientSecret ?? null,
    authorizeUrl: null,
    tokenUrl: input.tokenUrl ?? ctx.config.oauth[preset!.name].tokenUrl,
  };
  checkEndpoint(client.tokenUrl, 'tokenUrl');
  let tokens: GrantedTokens;
  try {
    tokens = grantedTokens(await oidc.refreshTokenGrant(clientConfiguration(client), input.refreshToken));
  } catch (err) {
    throw new ValidationError(`The provider did not accept the refresh token: ${providerRefusal(err)}.`, 'refreshToken');
  }
  const granted = { ...tokens, refreshToken: tokens.refreshToken ?? input.refreshToken };
  const report = await testConnection({ ...base.imap, tokens: fixedToken(base.email, granted.accessToken) }, { ...base.smtp, tokens: fixedToken(base.email, granted.accessToken) });
  if (!report.ok) {
    const failed = [...report.imap, ...report.smtp]
      .filter((s) => !s.ok)
      .map((s) => s.message)
      .join(' ');
    throw new ValidationError(`The mailbox cannot be saved: ${failed}`, 'imapUrl', { report });
  }
  const mailbox = await upsertMailbox(ctx, {
    ...base,
    source: 'ui',
    oauth: {
      grant: {
        provider: input.provider,
        clientId: client.clientId,
        tokenUrl: client.tokenUrl,
        scope: preset?.scope ?? '',
        consentedBy: actorUserId,
        consentedAt: ctx.clock.now().toISOString(),
      },
      tokens: granted,
      // A client given with the mailbox keeps its secret with it; a preset's stays in the team's settings.
      clientSecret: presetOwn ? null : client.clientSecret,
    },
  });
  await audit(ctx.db, ctx.clock.now(), {
    actorUserId,
    action: 'mailbox.connected',
    subjectType: 'mailbox',
    subjectId: mailbox.id,
    details: { email: mailbox.email, provider: input.provider },
  });
  return mailbox;
}
