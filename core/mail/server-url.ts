/** Settings of one IMAP or SMTP server, as parsed from `imap[s]://user:pass@host:port` or `smtp[s]://...`. */
export interface ServerSettings {
  host: string;
  port: number;
  secure: boolean;
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
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol]!;
  const user = decodeURIComponent(url.username);
  if (kind === 'imap' && !user) return 'has no user name (imap://user:password@host:port)';
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, secure: url.protocol.endsWith('s:'), user, password: decodeURIComponent(url.password) };
}

/** The URL without its password, for logs and pages. */
export function describeServer(s: Pick<ServerSettings, 'host' | 'port' | 'secure' | 'user'>, kind: 'imap' | 'smtp'): string {
  return `${kind}${s.secure ? 's' : ''}://${s.user ? `${encodeURIComponent(s.user)}@` : ''}${s.host}:${s.port}`;
}
