import { ImapFlow, type ListResponse, type SearchObject } from 'imapflow';
import { ImapError, OAuthError } from '../errors.ts';
import { isStarttlsMissing, type ServerLogin, type ServerSettings, starttlsMissing } from './server-url.ts';

type ImapFailure = Error & { authenticationFailed?: boolean; responseText?: string; response?: string; code?: string; serverResponseCode?: string };

/** A client signing in with the password, or with `accessToken` (imapflow then uses OAUTHBEARER or XOAUTH2). */
export function createImapClient(settings: ServerSettings, accessToken?: string): ImapFlow {
  return new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    // Without TLS from the start, STARTTLS is required: opportunistic STARTTLS can be stripped on the path.
    doSTARTTLS: settings.secure ? undefined : !settings.plaintext,
    auth: accessToken ? { user: settings.user, accessToken } : { user: settings.user, pass: settings.password },
    logger: false,
    connectionTimeout: 30_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
    // Push must be near-instant: IDLE starts as soon as the selected connection is quiet (imapflow waits 15 s by default).
    autoIdleDelay: 250,
    // VANISHED with UIDs instead of bare EXPUNGE, and the changes since our last visit in the answer to SELECT.
    qresync: true,
  });
}

/**
 * Connects, turning any failure into an ImapError that names the mailbox and quotes the server. With
 * tokens: a refused token is renewed and tried once more; a refused fresh one is reported to the tokens.
 */
export async function connectImap(settings: ServerLogin, mailboxName: string): Promise<ImapFlow> {
  const { tokens } = settings;
  if (!tokens) return connectOnce(settings, mailboxName);
  const token = await tokens.current();
  try {
    return await connectOnce(settings, mailboxName, token);
  } catch (err) {
    if (!(err instanceof ImapError) || !err.authFailed) throw err;
  }
  try {
    return await connectOnce(settings, mailboxName, await tokens.renew(token));
  } catch (err) {
    if (!(err instanceof ImapError) || !err.authFailed) throw err;
    await tokens.refused(err.serverResponse);
    throw new OAuthError(mailboxName, `the IMAP server refused a fresh access token (${err.serverResponse}): an owner must reconnect the mailbox`, true, { cause: err });
  }
}

async function connectOnce(settings: ServerSettings, mailboxName: string, accessToken?: string): Promise<ImapFlow> {
  const client = createImapClient(settings, accessToken);
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (err) {
    client.close();
    if (isStarttlsMissing(err)) throw new ImapError(mailboxName, starttlsMissing(settings, 'imap'), false, { cause: err });
    throw toImapError(err, mailboxName);
  }
}

export function toImapError(err: unknown, mailboxName: string): ImapError {
  if (err instanceof ImapError) return err;
  const e = err as ImapFailure;
  const words = e.responseText || e.response || (e.code ? `${e.code}: ${e.message}` : e.message) || String(err);
  // A login refused for too many connections asks us to wait; the password or token may well be right.
  return new ImapError(mailboxName, words, Boolean(e.authenticationFailed) && throttleDelayMs(words) === null, { cause: err });
}

/**
 * A provider asking us to slow down (Gmail's [THROTTLED] and connection limits, Microsoft's "Request is
 * throttled. Suggested Backoff Time: N milliseconds", Dovecot's connection limit): how long to wait at
 * least (`unspecifiedMs` when it does not say), or null when it is not that.
 */
export function throttleDelayMs(serverWords: string, unspecifiedMs = 60_000): number | null {
  if (!/THROTTL|too many (simultaneous )?(connections|login)|maximum number of connections|\[LIMIT\]|\[OVERQUOTA\]|concurrent connections limit/i.test(serverWords)) return null;
  const suggested = /suggested backoff time:\s*(\d+)\s*milliseconds/i.exec(serverWords);
  return suggested ? Number(suggested[1]) : unspecifiedMs;
}

const SENT_NAMES = ['sent', 'sent items', 'sent messages', 'sent mail', '[gmail]/sent mail', 'inbox.sent', 'gesendet', 'gesendete elemente', 'envoyés', 'enviados'];

/** The Sent folder: by its special-use flag, then by common names; created when a fresh mailbox has none. */
export async function sentFolderPath(client: ImapFlow, folders?: ListResponse[]): Promise<string> {
  const list = folders ?? (await client.list());
  const bySpecialUse = list.find((f) => f.specialUse === '\\Sent');
  if (bySpecialUse) return bySpecialUse.path;
  const byName = list.find((f) => SENT_NAMES.includes(f.path.toLowerCase()));
  if (byName) return byName.path;
  const created = await client.mailboxCreate('Sent');
  return created.path;
}

/** Appends our sent copy as read, the way a mail program files what it sent. Returns the folder path. */
export async function fileSentCopy(client: ImapFlow, raw: Buffer, date: Date): Promise<string> {
  const path = await sentFolderPath(client);
  await client.append(path, raw, ['\\Seen'], date);
  return path;
}

/** UIDs matching a search in the selected folder. imapflow answers false when SEARCH failed; that is an error, not "none". */
export async function searchUids(client: ImapFlow, mailboxName: string, query: SearchObject): Promise<number[]> {
  const found = await client.search(query, { uid: true });
  if (!found) throw new ImapError(mailboxName, `SEARCH failed in ${client.mailbox ? client.mailbox.path : 'no folder'}`, false);
  return found;
}

/** True when a message with this Message-ID is in the Sent folder: how an interrupted send is settled. */
export async function isInSent(client: ImapFlow, mailboxName: string, messageId: string): Promise<boolean> {
  const path = await sentFolderPath(client);
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    return (await searchUids(client, mailboxName, { header: { 'message-id': `<${messageId}>` } })).length > 0;
  } finally {
    lock.release();
  }
}

/** Sets \Answered on the customer's message, the one change besides Sent we make on their server. */
export async function markAnswered(client: ImapFlow, folderPath: string, uidvalidity: string, uid: number): Promise<void> {
  const lock = await client.getMailboxLock(folderPath);
  try {
    // A changed UIDVALIDITY means the UID now names another message: leave it alone.
    if (client.mailbox && String(client.mailbox.uidValidity) === uidvalidity) {
      await client.messageFlagsAdd(String(uid), ['\\Answered'], { uid: true });
    }
  } finally {
    lock.release();
  }
}
