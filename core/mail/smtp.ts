import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { SmtpError } from '../errors.ts';
import { isStarttlsMissing, type ServerLogin, type ServerSettings, starttlsMissing, type TokenSource } from './server-url.ts';

export interface SmtpResult {
  response: string;
  accepted: string[];
  rejected: string[];
}

type NodemailerError = Error & { code?: string; responseCode?: number; command?: string; response?: string };

/**
 * Sends one message over SMTP and says precisely how it failed: before the message data (safe to retry),
 * with a 4xx or 5xx answer, or with the outcome unknown (the server may have taken it). The caller
 * decides what each means; this module only tells the truth.
 */
export async function sendRaw(
  settings: ServerLogin,
  envelope: { from: string; to: string[] },
  raw: Buffer,
  timeouts = { connection: 30_000, socket: 60_000 },
): Promise<SmtpResult> {
  const connection = await openSignedIn(settings, timeouts).catch((err: unknown) => {
    if (isStarttlsMissing(err)) throw new SmtpError(starttlsMissing(settings, 'smtp'), null, false, false, { cause: err });
    throw classify(err as NodemailerError, 'before', Boolean(settings.tokens));
  });
  try {
    const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) => connection.send(envelope, raw, (err, result) => (err ? reject(err) : resolve(result!))));
    connection.quit();
    return { response: info.response, accepted: info.accepted, rejected: info.rejected };
  } catch (err) {
    connection.close();
    throw classify(err as NodemailerError, 'during');
  }
}

/**
 * A connected session; without TLS from the start it insists on STARTTLS unless the URL said `?tls=off`.
 * nodemailer reports most failures while connecting as an 'error' event, not to connect's callback.
 */
export async function openSmtp(settings: ServerSettings, timeouts: { connection: number; socket: number }): Promise<SMTPConnection> {
  const connection = new SMTPConnection({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: !settings.secure && !settings.plaintext,
    ignoreTLS: Boolean(settings.plaintext),
    connectionTimeout: timeouts.connection,
    greetingTimeout: timeouts.connection,
    socketTimeout: timeouts.socket,
  });
  let failed: (err: Error) => void = () => {};
  // A listener must stay: an 'error' event without one would crash the process.
  connection.on('error', (err: Error) => failed(err));
  try {
    await new Promise<void>((resolve, reject) => {
      failed = reject;
      connection.connect((err) => (err ? reject(err) : resolve()));
    });
  } finally {
    failed = () => {};
  }
  return connection;
}

/** A session signed in when the server has a user name; the connection is closed when signing in failed. */
export async function openSignedIn(settings: ServerLogin, timeouts: { connection: number; socket: number }): Promise<SMTPConnection> {
  const connection = await openSmtp(settings, timeouts);
  try {
    if (settings.user) await login(connection, settings);
    return connection;
  } catch (err) {
    connection.close();
    throw err;
  }
}

/**
 * Signs in with the password, or with XOAUTH2: nodemailer asks once more with `isRetry` after the server
 * refused a token, and a refused renewed token is reported to the tokens (the mailbox waits for a reconnect).
 */
export async function login(connection: SMTPConnection, settings: ServerLogin): Promise<void> {
  const { tokens } = settings;
  if (!tokens) {
    await new Promise<void>((resolve, reject) => connection.login({ user: settings.user, pass: settings.password }, (err) => (err ? reject(err) : resolve())));
    return;
  }
  const oauth2 = xoauth2(settings.user, tokens);
  try {
    await new Promise<void>((resolve, reject) =>
      connection.login({ user: settings.user, method: 'XOAUTH2', oauth2 } as SMTPConnection.Credentials, (err) => (err ? reject(err) : resolve())),
    );
  } catch (err) {
    const e = err as NodemailerError;
    if (oauth2.renewed && e.code === 'EAUTH' && e.response) await tokens.refused(e.response.trim());
    throw err;
  }
}

function xoauth2(user: string, tokens: TokenSource) {
  let last = '';
  const state = {
    renewed: false,
    getToken(isRetry: boolean, callback: (err: Error | null, token?: string) => void) {
      state.renewed ||= isRetry;
      (isRetry ? tokens.renew(last) : tokens.current()).then((token) => {
        last = token;
        callback(null, token);
      }, callback);
    },
    buildXOAuth2Token: (token: string) => Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`, 'utf8').toString('base64'),
  };
  return state;
}

function classify(err: NodemailerError, stage: 'before' | 'during', oauth = false): SmtpError {
  const code = typeof err.responseCode === 'number' ? err.responseCode : null;
  const words = (err.response ?? err.message).trim();
  // A refused token is not the message's fault: the send waits for the mailbox to be reconnected.
  if (oauth && err.code === 'EAUTH') return new SmtpError(`The SMTP server refused the sign-in: ${words}`, code, false, false, { cause: err });
  if (code !== null && code >= 500) return new SmtpError(`The SMTP server refused the message: ${words}`, code, true, false, { cause: err });
  if (code !== null && code >= 400) return new SmtpError(`The SMTP server deferred the message: ${words}`, code, false, false, { cause: err });
  // No answer at all: refused before MAIL FROM or the envelope is safe to retry; once the data may
  // have gone out, the server may have accepted it without our hearing so.
  const beforeData = stage === 'before' || err.command === 'MAIL FROM' || err.command === 'RCPT TO' || err.code === 'EENVELOPE';
  return new SmtpError(`SMTP ${stage === 'before' ? 'connection' : 'delivery'} failed: ${err.message}`, null, false, !beforeData, { cause: err });
}
