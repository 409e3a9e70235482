import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '../../core/clock.ts';

/**
 * A small OAuth2 authorization server for tests (RFC 6749 code and refresh grants, RFC 7636 PKCE with
 * S256 only, RFC 7662 introspection), on loopback. Time comes from the injected clock, so a test expires
 * tokens by moving a ManualClock instead of sleeping. Tokens are opaque random strings kept in memory.
 */

interface Client {
  secret: string;
  redirectUris: string[];
}

interface Grant {
  clientId: string;
  username: string;
  scope: string;
  /** The one refresh token that works now; with rotation it changes on every refresh. */
  refreshToken: string;
  revoked: boolean;
}

interface AccessToken {
  username: string;
  scope: string;
  clientId?: string;
  /** Absent for tokens minted by issueAccessToken, which belong to no grant. */
  grant?: Grant;
  expiresAtMs: number;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  username: string;
  scope: string;
  codeChallenge: string;
  expiresAtMs: number;
  used: boolean;
  /** The grant the code was exchanged for: revoked if the code is presented a second time. */
  grant?: Grant;
}

/** The authorization request as the consent form carries it back to us. */
interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  codeChallenge: string;
}

export interface OAuthStats {
  /** Successful refresh_token grants. */
  refreshes: number;
  /** Successful authorization_code grants. */
  codeExchanges: number;
  /** Every refresh_token presented to /token, accepted or not, in order. */
  refreshTokensUsed: string[];
  /** Introspections or in-process verifies answered inactive. */
  rejectedAccessTokens: number;
  /** Requests to /introspect. */
  introspections: number;
}

const CODE_LIFETIME_MS = 60_000;
const DEFAULT_SCOPE = 'mail';

class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

export class OAuthTestServer {
  readonly url: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly introspectUrl: string;
  accessTokenSeconds: number;
  consent: 'show' | 'approve' | 'deny' = 'show';
  consentUser = '';
  readonly stats: OAuthStats = { refreshes: 0, codeExchanges: 0, refreshTokensUsed: [], rejectedAccessTokens: 0, introspections: 0 };

  readonly #clock: Clock;
  readonly #rotate: boolean;
  readonly #server: http.Server;
  readonly #clients = new Map<string, Client>();
  readonly #grants = new Set<Grant>();
  /** Every refresh token ever issued, current or rotated away, so reuse of an old one is recognised. */
  readonly #refreshTokens = new Map<string, Grant>();
  readonly #accessTokens = new Map<string, AccessToken>();
  readonly #codes = new Map<string, PendingCode>();

  private constructor(server: http.Server, options: { clock?: Clock; accessTokenSeconds?: number; rotateRefreshTokens?: boolean }) {
    this.#server = server;
    this.#clock = options.clock ?? systemClock;
    this.#rotate = options.rotateRefreshTokens ?? false;
    this.accessTokenSeconds = options.accessTokenSeconds ?? 3600;
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.authorizeUrl = `${this.url}/authorize`;
    this.tokenUrl = `${this.url}/token`;
    this.introspectUrl = `${this.url}/introspect`;
  }

  static async start(options: { clock?: Clock; accessTokenSeconds?: number; rotateRefreshTokens?: boolean } = {}): Promise<OAuthTestServer> {
    let self!: OAuthTestServer;
    const server = http.createServer((req, res) => {
      self.#handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(err) });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    self = new OAuthTestServer(server, options);
    return self;
  }

  registerClient(clientId: string, clientSecret: string, redirectUris: string[]): void {
    this.#clients.set(clientId, { secret: clientSecret, redirectUris: [...redirectUris] });
  }

  issueRefreshToken(clientId: string, username: string, scope = DEFAULT_SCOPE): string {
    if (!this.#clients.has(clientId)) throw new Error(`issueRefreshToken: client ${clientId} is not registered`);
    return this.#newGrant(clientId, username, scope).refreshToken;
  }

  issueAccessToken(username: string): string {
    return this.#newAccessToken({ username, scope: DEFAULT_SCOPE });
  }

  revokeGrants(username: string): void {
    for (const grant of this.#grants) if (grant.username === username) this.#revoke(grant);
    // Also the tokens of no grant (issueAccessToken): "every access token of that user stops working".
    this.endAccessTokens(username);
  }

  /** Ends a user's access tokens before their time and keeps the grant, as a provider does after a password change. */
  endAccessTokens(username: string): void {
    for (const [token, at] of this.#accessTokens) if (at.username === username) this.#accessTokens.delete(token);
  }

  verifyAccessToken(token: string): { active: boolean; username?: string } {
    const at = this.#activeAccessToken(token);
    return at ? { active: true, username: at.username } : { active: false };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      // Keep-alive sockets (fetch, Dovecot's HTTP client) would hold close() open.
      this.#server.closeAllConnections();
    });
  }

  // --- internals -------------------------------------------------------------------------------------

  #now(): number {
    return this.#clock.now().getTime();
  }

  #newGrant(clientId: string, username: string, scope: string): Grant {
    const grant: Grant = { clientId, username, scope, refreshToken: token('rt'), revoked: false };
    this.#grants.add(grant);
    this.#refreshTokens.set(grant.refreshToken, grant);
    return grant;
  }

  #newAccessToken(fields: Omit<AccessToken, 'expiresAtMs'>): string {
    const value = token('at');
    this.#accessTokens.set(value, { ...fields, expiresAtMs: this.#now() + this.accessTokenSeconds * 1000 });
    return value;
  }

  #revoke(grant: Grant): void {
    grant.revoked = true;
    for (const [value, at] of this.#accessTokens) if (at.grant === grant) this.#accessTokens.delete(value);
  }

  /** The token if it is known, unexpired and its grant stands; counts a rejection otherwise. */
  #activeAccessToken(value: string): AccessToken | undefined {
    const at = this.#accessTokens.get(value);
    if (at && at.expiresAtMs > this.#now() && !at.grant?.revoked) return at;
    this.stats.rejectedAccessTokens++;
    return undefined;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /authorize') return this.#authorize(url.searchParams, res);
    if (route === 'POST /authorize/decision') return this.#decision(await readForm(req), res);
    if (route === 'POST /token') return this.#token(req, res);
    if (route === 'POST /introspect') return this.#introspect(await readForm(req), res);
    sendHtml(res, 404, page('Not found', `<p>No ${escapeHtml(route)} here.</p>`));
  }

  /**
   * Checks client and redirect URI before anything else: an error about those is shown here, never sent to
   * a redirect URI we cannot vouch for (RFC 6749 4.1.2.1). Returns null when a response was already sent.
   */
  #checkAuthorizeRequest(params: URLSearchParams, res: http.ServerResponse): AuthorizeRequest | null {
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    const client = this.#clients.get(clientId);
    if (!client) {
      sendHtml(res, 400, page('Unknown client', `<p>There is no client ${escapeHtml(clientId)}.</p>`));
      return null;
    }
    if (!client.redirectUris.includes(redirectUri)) {
      sendHtml(res, 400, page('Redirect URI not registered', `<p>${escapeHtml(redirectUri)} is not a registered redirect URI of ${escapeHtml(clientId)}.</p>`));
      return null;
    }
    const state = params.get('state') ?? '';
    const fail = (error: string, description: string) => {
      redirect(res, redirectUri, { error, error_description: description, state });
      return null;
    };
    if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'only response_type=code');
    const codeChallenge = params.get('code_challenge') ?? '';
    if (!codeChallenge) return fail('invalid_request', 'code_challenge is required (PKCE)');
    if (params.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
    return { clientId, redirectUri, scope: params.get('scope') || DEFAULT_SCOPE, state, codeChallenge };
  }

  #authorize(params: URLSearchParams, res: http.ServerResponse): void {
    const request = this.#checkAuthorizeRequest(params, res);
    if (!request) return;
    if (this.consent === 'approve') {
      this.#approve(request, res);
      return;
    }
    if (this.consent === 'deny') {
      redirect(res, request.redirectUri, { error: 'access_denied', state: request.state });
      return;
    }
    const hidden = Object.entries({
      response_type: 'code',
      client_id: request.clientId,
      redirect_uri: request.redirectUri,
      scope: request.scope,
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    })
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
      .join('\n      ');
    const question = `Allow ${escapeHtml(request.clientId)} to read and send mail as ${escapeHtml(this.consentUser)}?`;
    sendHtml(
      res,
      200,
      page(
        question,
        `<form method="post" action="/authorize/decision">
      ${hidden}
      <button type="submit" name="decision" value="allow">Allow</button>
      <button type="submit" name="decision" value="deny">Deny</button>
    </form>`,
      ),
    );
  }

  #decision(form: URLSearchParams, res: http.ServerResponse): void {
    // The hidden fields came back through the browser: check them again like a fresh request.
    const request = this.#checkAuthorizeRequest(form, res);
    if (!request) return;
    if (form.get('decision') === 'allow') this.#approve(request, res);
    else redirect(res, request.redirectUri, { error: 'access_denied', state: request.state });
  }

  #approve(request: AuthorizeRequest, res: http.ServerResponse): void {
    if (!this.consentUser) {
      sendHtml(res, 500, page('No consent user', '<p>The test did not set consentUser on the OAuthTestServer.</p>'));
      return;
    }
    const code = token('code');
    this.#codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      username: this.consentUser,
      scope: request.scope,
      codeChallenge: request.codeChallenge,
      expiresAtMs: this.#now() + CODE_LIFETIME_MS,
      used: false,
    });
    redirect(res, request.redirectUri, { code, state: request.state });
  }

  async #token(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        throw new OAuthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
      }
      const form = await readForm(req);
      const clientId = this.#authenticateClient(req, form);
      const grantType = form.get('grant_type');
      const body = grantType === 'authorization_code' ? this.#exchangeCode(clientId, form) : grantType === 'refresh_token' ? this.#refresh(clientId, form) : undefined;
      if (!body) throw new OAuthError(400, 'unsupported_grant_type', `grant_type ${grantType ?? '(missing)'} is not supported`);
      sendJson(res, 200, body);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      // RFC 6749 5.2: a 401 answers with WWW-Authenticate for the scheme the client may use.
      const headers: Record<string, string> = err.status === 401 ? { 'WWW-Authenticate': 'Basic realm="oauth-test"' } : {};
      sendJson(res, err.status, { error: err.error, error_description: err.message }, headers);
    }
  }

  /** client_secret_basic or client_secret_post, exactly one of them (RFC 6749 2.3.1). */
  #authenticateClient(req: http.IncomingMessage, form: URLSearchParams): string {
    const header = req.headers.authorization;
    const inBody = form.has('client_secret');
    let id: string;
    let secret: string;
    if (header?.startsWith('Basic ')) {
      if (inBody) throw new OAuthError(400, 'invalid_request', 'use one client authentication method, not two');
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new OAuthError(401, 'invalid_client', 'malformed Basic credentials');
      // Both halves are form-urlencoded before base64 (RFC 6749 2.3.1).
      const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
      id = unform(decoded.slice(0, colon));
      secret = unform(decoded.slice(colon + 1));
    } else {
      id = form.get('client_id') ?? '';
      secret = form.get('client_secret') ?? '';
    }
    const client = this.#clients.get(id);
    if (!client || !safeEqual(client.secret, secret)) throw new OAuthError(401, 'invalid_client', 'client authentication failed');
    return id;
  }

  #exchangeCode(clientId: string, form: URLSearchParams): object {
    const value = form.get('code') ?? '';
    const code = this.#codes.get(value);
    if (!code || code.clientId !== clientId) throw new OAuthError(400, 'invalid_grant', 'unknown authorization code');
    if (code.used) {
      // A code presented twice may have been stolen: what it bought is withdrawn (RFC 6749 4.1.2).
      if (code.grant) this.#revoke(code.grant);
      throw new OAuthError(400, 'invalid_grant', 'authorization code already used');
    }
    if (code.expiresAtMs <= this.#now()) throw new OAuthError(400, 'invalid_grant', 'authorization code expired');
    if (form.get('redirect_uri') !== code.redirectUri) throw new OAuthError(400, 'invalid_grant', 'redirect_uri differs from the authorization request');
    const verifier = form.get('code_verifier') ?? '';
    // RFC 7636 4.1: 43 to 128 characters from the unreserved set.
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) throw new OAuthError(400, 'invalid_request', 'code_verifier missing or malformed');
    if (!safeEqual(pkceChallenge(verifier), code.codeChallenge)) throw new OAuthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
    code.used = true;
    const grant = this.#newGrant(clientId, code.username, code.scope);
    code.grant = grant;
    this.stats.codeExchanges++;
    return this.#tokenResponse(grant, true);
  }

  #refresh(clientId: string, form: URLSearchParams): object {
    const presented = form.get('refresh_token') ?? '';
    this.stats.refreshTokensUsed.push(presented);
    const grant = this.#refreshTokens.get(presented);
    if (!grant || grant.clientId !== clientId) throw new OAuthError(400, 'invalid_grant', 'unknown refresh token');
    if (grant.revoked) throw new OAuthError(400, 'invalid_grant', 'the grant was revoked');
    if (grant.refreshToken !== presented) {
      // An already rotated-away token came back: someone holds a copy. Strict providers end the grant.
      this.#revoke(grant);
      throw new OAuthError(400, 'invalid_grant', 'refresh token reused; grant revoked');
    }
    const scope = form.get('scope');
    if (scope && !scope.split(' ').every((s) => grant.scope.split(' ').includes(s))) {
      throw new OAuthError(400, 'invalid_scope', 'a refresh cannot widen the scope');
    }
    if (this.#rotate) {
      grant.refreshToken = token('rt');
      this.#refreshTokens.set(grant.refreshToken, grant);
    }
    this.stats.refreshes++;
    return this.#tokenResponse(grant, this.#rotate, scope ?? undefined);
  }

  #tokenResponse(grant: Grant, withRefreshToken: boolean, scope = grant.scope): object {
    const accessToken = this.#newAccessToken({ username: grant.username, scope, clientId: grant.clientId, grant });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.accessTokenSeconds,
      ...(withRefreshToken ? { refresh_token: grant.refreshToken } : {}),
      scope,
    };
  }

  #introspect(form: URLSearchParams, res: http.ServerResponse): void {
    this.stats.introspections++;
    const at = this.#activeAccessToken(form.get('token') ?? '');
    if (!at) {
      sendJson(res, 200, { active: false });
      return;
    }
    sendJson(res, 200, {
      active: true,
      username: at.username,
      scope: at.scope,
      token_type: 'Bearer',
      exp: Math.floor(at.expiresAtMs / 1000),
      ...(at.clientId ? { client_id: at.clientId } : {}),
    });
  }
}

/** The S256 code_challenge for a verifier (RFC 7636 4.2), for tests that play the client. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** A fresh RFC 7636 code_verifier. */
export function pkceVerifier(): string {
  return randomBytes(32).toString('base64url');
}

function token(kind: string): string {
  return `${kind}_${randomBytes(24).toString('base64url')}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function redirect(res: http.ServerResponse, to: string, params: Record<string, string>): void {
  const target = new URL(to);
  for (const [k, v] of Object.entries(params)) if (v) target.searchParams.set(k, v);
  res.writeHead(302, { Location: target.toString(), 'Cache-Control': 'no-store' }).end();
}

function sendJson(res: http.ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  // Token responses must not be cached (RFC 6749 5.1).
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers }).end(JSON.stringify(body));
}

function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
}

function page(heading: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>${heading}</title></head>
  <body>
    <h1>${heading}</h1>
    ${body}
  </body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
