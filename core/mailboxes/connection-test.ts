import { lookup } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import type { ImapFlow } from 'imapflow';
import { connectImap } from '../mail/imap.ts';
import { isStarttlsMissing, type ServerLogin, type ServerSettings, starttlsMissing } from '../mail/server-url.ts';
import { openSignedIn } from '../mail/smtp.ts';

export type ConnectionStep = 'dns' | 'tcp' | 'tls' | 'login' | 'folder';

export interface StepResult {
  step: ConnectionStep;
  ok: boolean;
  /** What happened, in words a person can act on; the server's own words where it gave any. */
  message: string;
}

export interface ConnectionReport {
  imap: StepResult[];
  smtp: StepResult[];
  ok: boolean;
}

const TIMEOUT_MS = 8_000;

/**
 * Tries a mailbox's servers step by step (name lookup, TCP, TLS, login, INBOX) and stops at the first
 * step that fails, so the person sees exactly what is wrong instead of "connection failed".
 */
export async function testConnection(imap: ServerLogin, smtp: ServerLogin): Promise<ConnectionReport> {
  const [imapSteps, smtpSteps] = await Promise.all([testImap(imap), testSmtp(smtp)]);
  return { imap: imapSteps, smtp: smtpSteps, ok: [...imapSteps, ...smtpSteps].every((s) => s.ok) };
}

async function network(s: ServerSettings, steps: StepResult[]): Promise<boolean> {
  let address: string;
  try {
    address = net.isIP(s.host) ? s.host : (await lookup(s.host)).address;
    steps.push({ step: 'dns', ok: true, message: `${s.host} is ${address}` });
  } catch (err) {
    steps.push({ step: 'dns', ok: false, message: `There is no such host as ${s.host} (${(err as NodeJS.ErrnoException).code ?? 'lookup failed'}). Check the spelling.` });
    return false;
  }
  const tcp = await new Promise<string | null>((resolve) => {
    const socket = net.connect({ host: address, port: s.port, timeout: TIMEOUT_MS });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`nothing answered within ${TIMEOUT_MS / 1000} s (a firewall, or the wrong port?)`);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'the connection was refused: nothing listens on that port' : err.message));
  });
  steps.push(
    tcp ? { step: 'tcp', ok: false, message: `Could not connect to ${s.host}:${s.port}: ${tcp}.` } : { step: 'tcp', ok: true, message: `Connected to ${s.host}:${s.port}.` },
  );
  if (tcp) return false;
  if (!s.secure) return true;
  const handshake = await new Promise<string | null>((resolve) => {
    const socket = tls.connect({ host: address, port: s.port, servername: net.isIP(s.host) ? undefined : s.host, timeout: TIMEOUT_MS });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('the TLS handshake did not finish');
    });
    socket.once('error', (err) => resolve(err.message));
  });
  steps.push(
    handshake
      ? { step: 'tls', ok: false, message: `TLS failed: ${handshake}. Is this port plain (try without TLS) or is the certificate for another name?` }
      : { step: 'tls', ok: true, message: 'TLS is fine.' },
  );
  return !handshake;
}

async function testImap(s: ServerLogin): Promise<StepResult[]> {
  const steps: StepResult[] = [];
  if (!(await network(s, steps))) return steps;
  let client: ImapFlow;
  try {
    client = await connectImap(s, 'test');
    steps.push({ step: 'login', ok: true, message: `Signed in as ${s.user}.` });
  } catch (err) {
    const e = err as { serverResponse?: string; authFailed?: boolean; message: string };
    if (isStarttlsMissing(err)) steps.push({ step: 'tls', ok: false, message: starttlsMissing(s, 'imap') });
    else
      steps.push({
        step: 'login',
        ok: false,
        message: e.authFailed ? `The server refused the login for ${s.user}: ${e.serverResponse}` : `IMAP failed: ${e.serverResponse ?? e.message}`,
      });
    return steps;
  }
  try {
    const status = await client.status('INBOX', { messages: true });
    steps.push({ step: 'folder', ok: true, message: `INBOX holds ${status ? (status.messages ?? 0) : 0} messages.` });
  } catch (err) {
    steps.push({ step: 'folder', ok: false, message: `Signed in, but INBOX cannot be opened: ${(err as Error).message}` });
  } finally {
    await client.logout().catch(() => client.close());
  }
  return steps;
}

async function testSmtp(s: ServerLogin): Promise<StepResult[]> {
  const steps: StepResult[] = [];
  if (!(await network(s, steps))) return steps;
  try {
    (await openSignedIn(s, { connection: TIMEOUT_MS, socket: TIMEOUT_MS })).quit();
    steps.push({ step: 'login', ok: true, message: s.user ? `Signed in as ${s.user}.` : 'The server accepts mail without signing in.' });
  } catch (err) {
    const e = err as { response?: string; message: string };
    if (isStarttlsMissing(err)) steps.push({ step: 'tls', ok: false, message: starttlsMissing(s, 'smtp') });
    else steps.push({ step: 'login', ok: false, message: `The SMTP server said: ${(e.response ?? e.message).trim()}` });
  }
  return steps;
}
