import * as oidc from 'openid-client';
import type { Ctx } from '../context.ts';
import type { OAuthProviderName } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { oauthClientFromSettings } from '../settings/oauth-clients.ts';

export interface ServerPreset {
  host: string;
  port: number;
  secure: boolean;
}

/** What Longhand knows about a big provider: its servers, the scopes mail needs, and its habits. */
export interface ProviderPreset {
  name: 'google' | 'microsoft';
  label: string;
  imap: ServerPreset;
  smtp: ServerPreset;
  scope: string;
  /** Extra parameters of the consent request: both must hand out a refresh token. */
  authorizeParams: Record<string, string>;
}

export const PROVIDERS: Record<'google' | 'microsoft', ProviderPreset> = {
  google: {
    name: 'google',
    label: 'Google Workspace or Gmail',
    imap: { host: 'imap.gmail.com', port: 993, secure: true },
    smtp: { host: 'smtp.gmail.com', port: 465, secure: true },
    scope: 'https://mail.google.com/',
    // Without prompt=consent Google gives a refresh token only the first time an account consents.
    authorizeParams: { access_type: 'offline', prompt: 'consent' },
  },
  microsoft: {
    name: 'microsoft',
    label: 'Microsoft 365',
    imap: { host: 'outlook.office365.com', port: 993, secure: true },
    smtp: { host: 'smtp.office365.com', port: 587, secure: false },
    scope: 'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access',
    authorizeParams: { prompt: 'select_account' },
  },
};

export function isPresetProvider(name: string): name is 'google' | 'microsoft' {
  return name === 'google' || name === 'microsoft';
}

/** Google and Microsoft file a copy of what goes through their SMTP in Sent themselves. */
export function providerFilesSentCopy(provider: OAuthProviderName): boolean {
  return provider !== 'custom';
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string | null;
  authorizeUrl: string | null;
  tokenUrl: string;
}

/** The team's app registration at a provider: the environment first, then the owner's settings. */
export async function presetClient(ctx: Ctx, provider: 'google' | 'microsoft'): Promise<OAuthClient | null> {
  const env = ctx.config.oauth[provider];
  const stored = env.clientId ? null : await oauthClientFromSettings(ctx, provider);
  const clientId = env.clientId ?? stored?.clientId ?? null;
  if (!clientId) return null;
  return { clientId, clientSecret: env.clientId ? env.clientSecret : (stored?.clientSecret ?? null), authorizeUrl: env.authorizeUrl, tokenUrl: env.tokenUrl };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * An OAuth2 endpoint must be https; plain http is allowed on loopback only (a provider run on this
 * machine, as the tests do), never across a network where the code and tokens could be read.
 */
export function checkEndpoint(value: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(`${field} is not a URL.`, field);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url;
  throw new ValidationError(`${field} must be an https:// URL (http:// only on this machine's loopback).`, field);
}

/** The OAuth2 client of one provider, for openid-client (plain OAuth2: no discovery, no ID token). */
export function clientConfiguration(client: OAuthClient): oidc.Configuration {
  const token = checkEndpoint(client.tokenUrl, 'tokenUrl');
  const authorize = client.authorizeUrl ? checkEndpoint(client.authorizeUrl, 'authorizeUrl') : null;
  const server: oidc.ServerMetadata = { issuer: token.origin, token_endpoint: token.href, ...(authorize ? { authorization_endpoint: authorize.href } : {}) };
  const auth = client.clientSecret ? oidc.ClientSecretPost(client.clientSecret) : oidc.None();
  const config = new oidc.Configuration(server, client.clientId, undefined, auth);
  config.timeout = 15;
  if (token.protocol === 'http:' || authorize?.protocol === 'http:') oidc.allowInsecureRequests(config);
  return config;
}

/** What a provider said when it refused ("invalid_grant: Token has been revoked"), or what failed on our side. */
export function providerRefusal(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError) return `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`;
  return (err as Error).message;
}
