import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectImap } from '../../core/mail/imap.ts';
import { parseServerUrl, type ServerSettings } from '../../core/mail/server-url.ts';
import { sendRaw } from '../../core/mail/smtp.ts';
import { testConnection } from '../../core/mailboxes/connection-test.ts';
import { mailboxFromUrls } from '../../core/mailboxes/mailboxes.ts';
import { type TestMailbox, testMailbox } from '../support/servers.ts';

/**
 * A network attacker between Longhand and its mail servers: forwards everything and keeps what the
 * client sent. The servers here offer no STARTTLS, which is what a STARTTLS-stripping attacker shows.
 */
class Eavesdropper {
  private seen: Buffer[] = [];
  private readonly sockets = new Set<net.Socket>();
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}
  static async between(targetPort: number): Promise<Eavesdropper> {
    let spy!: Eavesdropper;
    const server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      spy.sockets.add(client).add(upstream);
      client.on('data', (chunk: Buffer) => spy.seen.push(chunk));
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    spy = new Eavesdropper(server, (server.address() as net.AddressInfo).port);
    return spy;
  }
  /** Everything the client sent, with base64 of it decoded too (SASL PLAIN and LOGIN are base64). */
  heard(): string {
    const text = Buffer.concat(this.seen).toString('latin1');
    const decoded = text.split(/\s+/).map((w) => Buffer.from(w, 'base64').toString('latin1'));
    return [text, ...decoded].join('\n');
  }
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const SMTP_PASSWORD = 'smtp-secret-Hq7';

describe('STARTTLS is required for imap:// and smtp:// unless the URL says ?tls=off', () => {
  let mailbox: TestMailbox;
  let smtp: SMTPServer;
  let smtpPort: number;
  const smtpLogins: string[] = [];
  let imapSpy: Eavesdropper;
  let smtpSpy: Eavesdropper;

  beforeAll(async () => {
    mailbox = testMailbox('starttls');
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, cb) => {
        smtpLogins.push(auth.username ?? '');
        cb(null, { user: auth.username });
      },
      onData: (stream, _session, cb) => {
        stream.resume();
        stream.on('end', () => cb());
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as net.AddressInfo).port;
    imapSpy = await Eavesdropper.between(mailbox.port);
    smtpSpy = await Eavesdropper.between(smtpPort);
  });
  afterAll(async () => {
    await imapSpy.close();
    await smtpSpy.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const imapUrl = (port: number, query = '') => `imap://${mailbox.user}:${encodeURIComponent(mailbox.password)}@127.0.0.1:${port}${query}`;
  const smtpUrl = (port: number, query = '') => `smtp://agent:${SMTP_PASSWORD}@127.0.0.1:${port}${query}`;
  const settings = (url: string, kind: 'imap' | 'smtp') => parseServerUrl(url, kind) as ServerSettings;

  it('refuses to sign in to IMAP without STARTTLS, and the password never crosses the network', async () => {
    const err = await connectImap(settings(imapUrl(imapSpy.port), 'imap'), 'support').then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/does not offer STARTTLS/);
    expect(err?.message).toContain('?tls=off');
    expect(imapSpy.heard()).not.toContain(mailbox.password);
  });

  it('refuses to sign in to SMTP without STARTTLS, and sends neither the password nor the mail', async () => {
    const err = await sendRaw(settings(smtpUrl(smtpSpy.port), 'smtp'), { from: 'a@b.example', to: ['c@d.example'] }, Buffer.from('Subject: hi\r\n\r\nhello\r\n')).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/does not offer STARTTLS/);
    expect(smtpLogins).toEqual([]);
    expect(smtpSpy.heard()).not.toContain(SMTP_PASSWORD);
  });

  it('says so, step by step, in the connection test of "Add a mailbox"', async () => {
    const report = await testConnection(settings(imapUrl(mailbox.port), 'imap'), settings(smtpUrl(smtpPort), 'smtp'));
    expect(report.ok).toBe(false);
    expect(report.imap.at(-1)).toMatchObject({ step: 'tls', ok: false });
    expect(report.imap.at(-1)!.message).toMatch(/does not offer STARTTLS/);
    expect(report.smtp.at(-1)).toMatchObject({ step: 'tls', ok: false });
    expect(smtpLogins).toEqual([]);
  });

  it('signs in over plain text only when the URL says ?tls=off (a server on this machine)', async () => {
    const client = await connectImap(settings(imapUrl(mailbox.port, '?tls=off'), 'imap'), 'support');
    await client.logout();
    await sendRaw(settings(smtpUrl(smtpPort, '?tls=off'), 'smtp'), { from: 'a@b.example', to: ['c@d.example'] }, Buffer.from('Subject: hi\r\n\r\nhello\r\n'));
    expect(smtpLogins).toEqual(['agent']);
  });

  it('keeps ?tls=off with the saved mailbox, and refuses contradictions', () => {
    const saved = mailboxFromUrls({ email: 'help@acme.example', imapUrl: imapUrl(1, '?tls=off'), smtpUrl: smtpUrl(2) });
    expect(saved.imap).toMatchObject({ secure: false, plaintext: true });
    expect(saved.smtp.plaintext).toBeFalsy();
    expect(parseServerUrl('imaps://u:p@h?tls=off', 'imap')).toMatch(/tls=off/);
    expect(parseServerUrl('imap://u:p@h?tls=maybe', 'imap')).toMatch(/tls=off/);
  });
});
