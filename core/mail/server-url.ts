/** Settings of one IMAP or SMTP server, as parsed from `imap[s]://user:pass@host:port` or `smtp[s]://...`. */
export interface ServerSettings {
  host: string;
  port: number;
  /** TLS from the first byte (imaps://, smtps://). Without it STARTTLS is required, unless `plaintext`. */
  secure: boolean;
  /**
   * No encryption at all (`?tls=off`, "None" on the form): for a server on this machine or a trusted
   * network only. Never the default, because an attacker on the path can strip an offered STARTTLS.
   */
  plaintext?: boolean;
  user: string;
  password: string;
}

/**
 * Fresh OAuth2 access tokens for one mailbox, for the code that signs in: `renew` after a server refused
 * `rejected`, and `refused` when it refused a renewed one too (the mailbox then waits for a reconnect).
 */
export interface TokenSource {
  current(): Promise<string>;
  renew(rejected: string): Promise<string>;
  refused(serverWords: string): Promise<void>;
}

/** A server and how to sign in to it: its password, or tokens when `tokens` is set. */
export interface ServerLogin extends ServerSettings {
  tokens?: TokenSource;
}

const DEFAULT_PORTS: Record<string, number> = { 'imap:': 143, 'imaps:': 993, 'smtp:': 587, 'smtps:': 465 };

/** Returns the settings, or a sentence saying what is wrong (never echoing the password). */
export function parseServerUrl(value: string, kind: 'imap' | 'smtp'): ServerSettings | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not a URL (expected ${kind}://user:password@host:port or ${kind}s://...)`;
  }
  if (url.protocol !== `${kind}:` && url.protocol !== `${kind}s:`) {
    return `must start with ${kind}:// or ${kind}s://, not ${url.protocol}//`;
  }
  if (!url.hostname) return 'has no host';
  const tlsParam = url.searchParams.get('tls');
  if (tlsParam !== null && tlsParam !== 'off') return `has tls=${tlsParam}: the only choice is ?tls=off (no encryption, for a server on this machine)`;
  if (tlsParam === 'off' && url.protocol === `${kind}s:`) return `says both ${kind}s:// (TLS) and ?tls=off: choose one`;
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol]!;
  const user = decodeURIComponent(url.username);
  if (kind === 'imap' && !user) return 'has no user name (imap://user:password@host:port)';
  const settings: ServerSettings = { host: url.hostname.replace(/^\[|\]$/g, ''), port, secure: url.protocol.endsWith('s:'), user, password: decodeURIComponent(url.password) };
  return tlsParam === 'off' ? { ...settings, plaintext: true } : settings;
}

/**
 * True for a refusal because the server offered no STARTTLS we require: imapflow marks it `tlsFailed`,
 * nodemailer answers ETLS with the server's refusal of the STARTTLS command. Looks through a wrapping error.
 */
export function isStarttlsMissing(err: unknown): boolean {
  const e = err as { tlsFailed?: boolean; code?: string; command?: string; response?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.tlsFailed || (e.code === 'ETLS' && e.command === 'STARTTLS' && typeof e.response === 'string')) return true;
  return e.cause !== undefined && e.cause !== err && isStarttlsMissing(e.cause);
}

/** Why a server without STARTTLS is refused, and what to do when that server really is local. */
export function starttlsMissing(s: Pick<ServerSettings, 'host' | 'port'>, kind: 'imap' | 'smtp'): string {
  return `${s.host}:${s.port} does not offer STARTTLS, so the password would cross the network unencrypted: Longhand did not sign in. Use ${kind}s:// if the server has a TLS port; only for a server on this machine or a trusted network, add ?tls=off to the URL (or choose Security: None).`;
}

/** The URL without its password, for logs and pages. */
export function describeServer(s: Pick<ServerSettings, 'host' | 'port' | 'secure' | 'plaintext' | 'user'>, kind: 'imap' | 'smtp'): string {
  return `${kind}${s.secure ? 's' : ''}://${s.user ? `${encodeURIComponent(s.user)}@` : ''}${s.host}:${s.port}${s.plaintext ? '?tls=off' : ''}`;
}
