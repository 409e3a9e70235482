import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMail } from '../../core/mail/import.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';
import { SmtpSink, testMailbox, waitUntil } from '../support/servers.ts';

const mail = (from: string, id: string, subject: string, text: string) =>
  [`From: ${from}`, 'To: hello@fernhill.example', `Subject: ${subject}`, `Date: ${new Date().toUTCString()}`, `Message-ID: <${id}>`, '', text, ''].join('\r\n');

/** Mail that came from no mailbox (imported), or from one that was removed, can still be answered: from a mailbox a person picks. */
describe('the mailbox a reply goes out from', () => {
  let app: TestApp;
  let staff: Browserish;
  let dir: string;
  const sinks: SmtpSink[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    staff = new Browserish(app.url);
    const sam = await app.addUser('approver', 'Sam Reyes');
    await staff.signIn(sam.email, sam.password);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-replyfrom-'));
  });

  afterAll(async () => {
    await app?.close();
    for (const s of sinks) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `longhand import` of one message, which belongs to no mailbox; returns the draft the app prepares for it. */
  const imported = async (raw: string, mailboxId: number | null = null) => {
    const folder = fs.mkdtempSync(path.join(dir, 'import-'));
    fs.writeFileSync(path.join(folder, 'mail.eml'), raw);
    await importMail(app.rt.ctx, folder, { mailboxId, historical: false });
    let draft: any;
    await waitUntil(
      async () => {
        draft = (await app.api('GET', '/api/drafts?status=pending')).body.find((d: { to: { address: string }[] }) => raw.includes(d.to[0]?.address ?? '\0'));
        return Boolean(draft);
      },
      15_000,
      'the draft for the imported mail',
    );
    return draft;
  };

  const addMailbox = async (email: string) => {
    const sink = await SmtpSink.start();
    sinks.push(sink);
    const box = testMailbox(email.split('@')[0]!);
    const res = await app.api('POST', '/api/mailboxes', { email, name: email.split('@')[0] === 'hello' ? 'Fernhill' : 'Fernhill Orders', imapUrl: box.imapUrl, smtpUrl: sink.url });
    expect(res.status).toBe(201);
    return { id: res.body.id as number, sink };
  };

  let ines: any;

  it('says plainly when there is no mailbox to send from, and approving is refused with why', async () => {
    ines = await imported(
      mail('Ines Duarte <ines@duarte.example>', 'pan@duarte.example', 'Handle came loose', 'Hi, the handle of my frying pan came loose. Can it be fixed? Ines'),
    );
    const page = `/conversations/${ines.conversationId}`;
    const shown = (await staff.get(page)).text;
    expect(shown).toContain('There is no mailbox to send this reply from yet.');
    expect(shown).toContain('<a href="/mailboxes/new">Add a mailbox</a>');

    const edited = await app.api('PATCH', `/api/drafts/${ines.id}`, {
      body: 'Hi Ines,\n\nSorry about the handle: a new rivet kit goes out to you today, and a photo of the pan would help us.\n\nDana',
      baseVersion: ines.version,
    });
    const refused = await app.api('POST', `/api/drafts/${ines.id}/approve`, { version: edited.body.version });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'no_mailbox', message: expect.stringContaining('no mailbox to send from') });
    expect((await app.api('GET', `/api/drafts/${ines.id}`)).body.status).toBe('pending');
  });

  it('sends imported mail from the mailbox a person chose, through its SMTP, with its From', async () => {
    const hello = await addMailbox('hello@fernhill.example');
    const orders = await addMailbox('orders@fernhill.example');
    const page = `/conversations/${ines.conversationId}`;
    const shown = (await staff.get(page)).text;
    expect(shown).not.toContain('There is no mailbox');
    expect(shown).toMatch(/<select id="mailbox-input" name="mailboxId">/);
    expect(shown).toContain(`<option value="${hello.id}" selected>Fernhill &lt;hello@fernhill.example&gt;</option>`);

    const current = (await app.api('GET', `/api/drafts/${ines.id}`)).body;
    expect((await app.api('PATCH', `/api/drafts/${ines.id}`, { mailboxId: 999_999, baseVersion: current.version })).status).toBe(400);
    // The draft was written before hello@ was a mailbox of ours; adding the mailbox took it off the Cc.
    expect(current.cc).toEqual([]);
    const chosen = await app.api('PATCH', `/api/drafts/${ines.id}`, { mailboxId: orders.id, cc: [], baseVersion: current.version });
    expect(chosen.status).toBe(200);
    expect(chosen.body.mailboxId).toBe(orders.id);
    expect((await staff.get(page)).text).toContain(`<option value="${orders.id}" selected>`);

    expect((await app.api('POST', `/api/drafts/${ines.id}/approve`, { version: chosen.body.version })).status).toBe(200);
    const [sent] = await orders.sink.waitFor(1);
    expect(sent!.envelope).toEqual({ from: 'orders@fernhill.example', to: ['ines@duarte.example'] });
    expect(sent!.parsed.from?.value[0]).toMatchObject({ address: 'orders@fernhill.example' });
    expect(hello.sink.received).toHaveLength(0);
    await waitUntil(async () => (await app.api('GET', `/api/drafts/${ines.id}`)).body.status === 'sent', 15_000, 'the reply sent');
  });

  it("defaults to the conversation's own mailbox, and after that mailbox is removed the page offers the others", async () => {
    const [hello, orders] = (await app.api('GET', '/api/mailboxes')).body as { id: number; email: string }[];
    const ruth = await imported(
      mail('Ruth Calloway <ruth@calloway.example>', 'knives@calloway.example', 'Knife sharpening', 'Do you sharpen knives bought elsewhere? Ruth'),
      orders!.id,
    );
    const page = `/conversations/${ruth.conversationId}`;
    expect((await staff.get(page)).text).toContain(`<option value="${orders!.id}" selected>`);

    // Removed, with the mail it brought: its conversations keep their messages and lose only their mailbox.
    await app.rt.ctx.db.deleteFrom('outbox').where('mailbox_id', '=', orders!.id).execute();
    await app.rt.ctx.db.deleteFrom('mailboxes').where('id', '=', orders!.id).execute();
    const { text, csrf } = await staff.get(page);
    expect(text).toContain(`<option value="${hello!.id}" selected>Fernhill &lt;hello@fernhill.example&gt;</option>`);
    expect(text).not.toContain('orders@fernhill.example');

    const helloSink = sinks[0]!;
    const before = helloSink.received.length;
    const res = await staff.post(`/drafts/${ruth.id}/approve`, {
      _csrf: csrf,
      back: page,
      baseVersion: String(ruth.version),
      mailboxId: String(hello!.id),
      toAddress: 'ruth@calloway.example',
      toName: 'Ruth Calloway',
      subject: ruth.subject,
      body: 'Hi Ruth,\n\nYes, we sharpen any kitchen knife, whoever made it: bring it to the shop on a Tuesday and it is ready the same week.\n\nDana',
    });
    expect(res.status).toBe(303);
    const received = await helloSink.waitFor(before + 1);
    expect(received.at(-1)!.envelope).toEqual({ from: 'hello@fernhill.example', to: ['ruth@calloway.example'] });
  });
});
