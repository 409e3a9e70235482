import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { type ParsedMail, simpleParser } from 'mailparser';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { inject } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { Dovecot } from './dovecot.ts';

export const POSTGRES_URL = process.env.LONGHAND_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A name no other test file or run uses, for queue prefixes, Redis keys, databases and mailbox users. */
export function uniqueName(label: string): string {
  return `lh${inject('runId')}${label}${randomBytes(3).toString('hex')}`.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export interface TestMailbox {
  user: string;
  password: string;
  port: number;
  imapUrl: string;
  dovecot: Dovecot;
  /** An imapflow client logged in as this user; the caller logs out. */
  connect(): Promise<ImapFlow>;
  /** APPENDs raw messages to a folder (created when missing) and returns their UIDs. */
  append(raw: string | Buffer | Array<string | Buffer>, folder?: string, flags?: string[]): Promise<number[]>;
}

/** A mailbox user of its own in the run's shared Dovecot, or in a private one (for tests that stop it). */
export function testMailbox(label: string, dovecot = Dovecot.attach(inject('dovecot'))): TestMailbox {
  const user = uniqueName(label);
  const password = dovecot.password;
  const connect = async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user, pass: password }, logger: false });
    client.on('error', () => {});
    await client.connect();
    return client;
  };
  return {
    user,
    password,
    port: dovecot.port,
    imapUrl: `imap://${user}:${encodeURIComponent(password)}@127.0.0.1:${dovecot.port}?tls=off`,
    dovecot,
    connect,
    async append(raw, folder = 'INBOX', flags = []) {
      const client = await connect();
      try {
        if (folder !== 'INBOX' && !(await client.list()).some((f) => f.path === folder)) await client.mailboxCreate(folder);
        const uids: number[] = [];
        for (const m of Array.isArray(raw) ? raw : [raw]) {
          const res = await client.append(folder, m, flags);
          if (res && typeof res === 'object' && res.uid) uids.push(res.uid);
        }
        return uids;
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
  };
}

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
}

/** What the SMTP sink answers to a message: a code and text, e.g. 451 then 250, or 550. */
export type SmtpAnswer = { code: number; message: string } | null;

export interface SmtpSinkOptions {
  /** Require XOAUTH2 and accept a token only when it verifies active for the user name it came with. */
  oauth?: { verify(token: string): { active: boolean; username?: string } };
  /** Runs before the 250 answer (e.g. to file the sent copy into Sent, as Gmail does); a throw answers 451. */
  afterAccept?: (mail: ReceivedMail) => Promise<void>;
}

/** smtp-server on loopback that keeps every mail it accepts; `answer` can defer or refuse. */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  /** Every AUTH the sink judged (only with `oauth`), in order. */
  readonly authAttempts: Array<{ username: string; ok: boolean }> = [];
  answer: (attempt: number) => SmtpAnswer = () => null;
  attempts = 0;
  /** How long the server takes over each message, like a real one does. */
  delayMs = 0;
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
    let sink!: SmtpSink;
    const { oauth, afterAccept } = options;
    const server = new SMTPServer({
      // With `oauth` the sink behaves like Gmail's submission: XOAUTH2 only, and nothing before it.
      authOptional: !oauth,
      ...(oauth ? { authMethods: ['XOAUTH2'] } : {}),
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, cb) => {
        if (!oauth) return cb(null, { user: 'test' });
        const username = auth.username ?? '';
        const result = auth.method === 'XOAUTH2' && auth.accessToken ? oauth.verify(auth.accessToken) : { active: false };
        const ok = result.active && result.username === username;
        sink.authAttempts.push({ username, ok });
        if (ok) return cb(null, { user: username });
        // No `user` plus an error JSON is smtp-server's XOAUTH2 failure: 334 with the JSON, then 535 after the
        // client's empty line, which is where nodemailer fetches a new token and tries once more.
        cb(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' } });
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          if (sink.delayMs) await new Promise((r) => setTimeout(r, sink.delayMs));
          const answer = sink.answer(++sink.attempts);
          if (answer && answer.code !== 250) {
            return callback(Object.assign(new Error(answer.message), { responseCode: answer.code }));
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(async (parsed) => {
            const mail: ReceivedMail = {
              envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
              raw,
              parsed,
            };
            if (afterAccept) {
              // Before `received` and the 250, so whoever waits for the mail also finds what afterAccept did.
              try {
                await afterAccept(mail);
              } catch (err) {
                return callback(Object.assign(new Error(`afterAccept failed: ${(err as Error).message}`), { responseCode: 451 }));
              }
            }
            sink.received.push(mail);
            callback();
          }, callback);
        });
      },
    });
    // A client killed mid-send (as the crash tests do) resets its connection: smtp-server reports it as an
    // 'error', which with no listener would end the test run.
    server.on('error', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sink = new SmtpSink(server, (server.server.address() as { port: number }).port);
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}?tls=off`;
  }

  async waitFor(count: number, timeoutMs = 15_000): Promise<ReceivedMail[]> {
    await waitUntil(() => this.received.length >= count, timeoutMs, `${count} mails at the SMTP sink (got ${this.received.length})`);
    return this.received;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until `check` holds; fails with what was awaited. For events, not for sleeping. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * waitUntil for code that sleeps on a ManualClock (a reconnect's backoff): before each look the clock moves
 * to the next sleeper's wake-up, so the test drives the waits instead of sitting through them.
 */
export async function waitDrivingClock(clock: ManualClock, check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  await waitUntil(
    async () => {
      const next = clock.sleeping()[0];
      if (next !== undefined) clock.advance(next);
      return check();
    },
    timeoutMs,
    what,
  );
}

/** A database of its own on the machine's PostgreSQL, dropped by `drop()`. */
export async function postgresDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = uniqueName(label);
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
