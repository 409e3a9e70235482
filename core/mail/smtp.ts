import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { SmtpError } from '../errors.ts';
import type { ServerSettings } from './server-url.ts';

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
export async function sendRaw(settings: ServerSettings, envelope: { from: string; to: string[] }, raw: Buffer, timeouts = { connection: 30_000, socket: 60_000 }): Promise<SmtpResult> {
  const connection = new SMTPConnection({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    connectionTimeout: timeouts.connection,
    greetingTimeout: timeouts.connection,
    socketTimeout: timeouts.socket,
  });
  // An 'error' event without a listener would crash the process; the callbacks carry the same error.
  connection.on('error', () => {});
  try {
    await new Promise<void>((resolve, reject) => connection.connect((err) => (err ? reject(err) : resolve())));
    if (settings.user) {
      await new Promise<void>((resolve, reject) => connection.login({ user: settings.user, pass: settings.password }, (err) => (err ? reject(err) : resolve())));
    }
  } catch (err) {
    connection.close();
    throw classify(err as NodemailerError, 'before');
  }
  try {
    const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) => connection.send(envelope, raw, (err, result) => (err ? reject(err) : resolve(result!))));
    connection.quit();
    return { response: info.response, accepted: info.accepted, rejected: info.rejected };
  } catch (err) {
    connection.close();
    throw classify(err as NodemailerError, 'during');
  }
}

function classify(err: NodemailerError, stage: 'before' | 'during'): SmtpError {
  const code = typeof err.responseCode === 'number' ? err.responseCode : null;
  const words = (err.response ?? err.message).trim();
  if (code !== null && code >= 500) return new SmtpError(`The SMTP server refused the message: ${words}`, code, true, false, { cause: err });
  if (code !== null && code >= 400) return new SmtpError(`The SMTP server deferred the message: ${words}`, code, false, false, { cause: err });
  // No answer at all: refused before MAIL FROM or the envelope is safe to retry; once the data may
  // have gone out, the server may have accepted it without our hearing so.
  const beforeData = stage === 'before' || err.command === 'MAIL FROM' || err.command === 'RCPT TO' || err.code === 'EENVELOPE';
  return new SmtpError(`SMTP ${stage === 'before' ? 'connection' : 'delivery'} failed: ${err.message}`, null, false, !beforeData, { cause: err });
}
