import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuesSettled, startTestApp, type TestApp } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';
import { SmtpSink, type TestMailbox, testMailbox, waitUntil } from '../support/servers.ts';

const FROM = 'support@fernhill.example';

function customerMail(o: { id: string; subject: string; body: string; date?: string; from?: string; cc?: string }): string {
  return [
    `From: ${o.from ?? 'Maria Lopez <maria@bakery.example>'}`,
    `To: Fernhill Support <${FROM}>`,
    ...(o.cc ? [`Cc: ${o.cc}`] : []),
    `Subject: ${o.subject}`,
    `Date: ${o.date ?? new Date().toUTCString()}`,
    `Message-ID: <${o.id}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body,
    '',
  ].join('\r\n');
}

describe('the whole pipeline on real servers', () => {
  let sink: SmtpSink;
  let box: TestMailbox;
  let app: TestApp;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    box = testMailbox('pipeline');
    app = await startTestApp({ env: { LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: FROM } });
    await waitUntil(async () => (await app.api('GET', '/api/mailboxes')).body[0]?.initialSyncDone === true, 15_000, 'the first sync');
  });

  afterAll(async () => {
    await app?.close();
    await sink?.close();
  });

  it('turns a mail in the inbox into a draft, and sends the edited, approved reply once as a proper reply', async () => {
    await box.append(
      customerMail({
        id: 'first-question@bakery.example',
        subject: 'Does the 28 cm pan work on induction?',
        body: 'Hello,\r\n\r\nI run a small bakery and I am looking at your 28 cm carbon steel pan. Does it work on an induction hob?\r\n\r\nThanks,\r\nMaria',
        cc: 'Tom Baker <tom@bakery.example>',
      }),
    );

    let drafts: any[] = [];
    await waitUntil(
      async () => {
        drafts = (await app.api('GET', '/api/drafts?status=pending')).body;
        return drafts.length === 1;
      },
      10_000,
      'a pending draft',
    );
    const draft = drafts[0];
    expect(draft).toMatchObject({ status: 'pending', kind: 'reply', subject: 'Re: Does the 28 cm pan work on induction?' });
    expect(draft.to).toEqual([{ address: 'maria@bakery.example', name: 'Maria Lopez' }]);
    expect(draft.cc).toEqual([{ address: 'tom@bakery.example', name: 'Tom Baker' }]);
    expect(draft.body).toMatch(/^Hi Maria,/);
    expect(draft.slots.length).toBeGreaterThan(0);

    const conversation = (await app.api('GET', `/api/conversations/${draft.conversationId}`)).body;
    expect(conversation.messages).toHaveLength(1);
    expect(conversation.messages[0]).toMatchObject({ messageId: 'first-question@bakery.example', from: { address: 'maria@bakery.example', name: 'Maria Lopez' } });
    expect(conversation.messages[0].text).toContain('Does it work on an induction hob?');
    const customer = (await app.api('GET', `/api/customers/${conversation.customerId}`)).body;
    expect(customer.addresses).toEqual(['maria@bakery.example']);

    // A slot left unfilled blocks approval, naming it.
    const blocked = await app.api('POST', `/api/drafts/${draft.id}/approve`, { version: draft.version });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('unfilled_slots');

    const body =
      'Hi Maria,\n\nYes: carbon steel is magnetic, so the 28 cm pan works on induction. Heat it gently the first few times while the seasoning settles.\n\nGood luck with the bakery!';
    const edited = await app.api('PATCH', `/api/drafts/${draft.id}`, { body });
    expect(edited.status).toBe(200);
    expect(edited.body.slots).toEqual([]);

    const approved = await app.api('POST', `/api/drafts/${draft.id}/approve`, { version: edited.body.version });
    expect(approved.status).toBe(200);
    expect(['approved', 'sending', 'sent']).toContain(approved.body.status);
    // A second approve of the same draft changes nothing.
    expect((await app.api('POST', `/api/drafts/${draft.id}/approve`, { version: edited.body.version })).status).toBe(200);

    const [mail] = await sink.waitFor(1);
    await waitUntil(async () => (await app.api('GET', `/api/drafts/${draft.id}`)).body.status === 'sent', 10_000, 'the draft to be sent');
    expect(mail!.envelope.to.sort()).toEqual(['maria@bakery.example', 'tom@bakery.example']);
    expect(mail!.parsed.from?.value[0]).toMatchObject({ address: FROM, name: 'Dana at Fernhill' });
    expect(mail!.parsed.subject).toBe('Re: Does the 28 cm pan work on induction?');
    expect(mail!.parsed.inReplyTo).toBe('<first-question@bakery.example>');
    expect(mail!.parsed.references).toBe('<first-question@bakery.example>');
    expect(mail!.parsed.text).toContain('Yes: carbon steel is magnetic');
    expect(mail!.parsed.text).toMatch(/wrote:\n> Hello,/);
    expect(mail!.parsed.html).toContain('carbon steel is magnetic');
    const ourMessageId = mail!.parsed.messageId!.replace(/^<|>$/g, '');

    // Our reply joins the conversation, under the Message-ID that went out.
    await waitUntil(async () => (await app.api('GET', `/api/conversations/${draft.conversationId}`)).body.messages.length === 2, 10_000, 'our reply in the conversation');
    const after = (await app.api('GET', `/api/conversations/${draft.conversationId}`)).body;
    expect(after.messages[1]).toMatchObject({ messageId: ourMessageId, direction: 'out' });
    expect(after.status).toBe('waiting_on_them');

    // The Sent folder holds the copy; the customer's message is flagged answered, and still unread.
    await waitUntil(async () => (await sentCopies(box, ourMessageId)) === 1, 10_000, 'the copy in Sent');
    const flags = await inboxFlags(box);
    expect(flags.get('first-question@bakery.example')).toEqual(['\\Answered']);

    // A restart changes nothing: no re-import, no new draft, no second mail.
    const before = await snapshot(app);
    await app.stop();
    await app.restart();
    await waitUntil(async () => (await app.api('GET', '/api/mailboxes')).body[0]?.state === 'idle', 10_000, 'sync after restart');
    await queuesSettled(app);

    expect(await snapshot(app)).toEqual(before);
    expect(sink.received).toHaveLength(1);
    expect(await sentCopies(box, ourMessageId)).toBe(1);

    // Days later the customer's server bounces it: the bounce is linked to the reply and shown, and drafts nothing.
    await box.append(
      [
        'From: Mail Delivery System <MAILER-DAEMON@mx.bakery.example>',
        `To: ${FROM}`,
        'Subject: Undelivered Mail Returned to Sender',
        `Date: ${new Date().toUTCString()}`,
        'Message-ID: <bounce-1@mx.bakery.example>',
        'Auto-Submitted: auto-replied',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'This is the mail system at host mx.bakery.example. Your message could not be delivered.',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.bakery.example',
        '',
        'Final-Recipient: rfc822; tom@bakery.example',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 <tom@bakery.example>: Recipient address rejected: User unknown',
        '--b',
        'Content-Type: text/rfc822-headers',
        '',
        `From: Dana at Fernhill <${FROM}>`,
        `Message-ID: <${ourMessageId}>`,
        'Subject: Re: Does the 28 cm pan work on induction?',
        '--b--',
        '',
      ].join('\r\n'),
    );
    await waitUntil(async () => Boolean((await app.api('GET', `/api/drafts/${draft.id}`)).body.failure), 20_000, 'the bounce to be linked');
    const bounced = (await app.api('GET', `/api/drafts/${draft.id}`)).body;
    expect(bounced).toMatchObject({ status: 'sent', failure: 'Bounced: 550 5.1.1 <tom@bakery.example>: Recipient address rejected: User unknown (status 5.1.1)' });
    const staff = new Browserish(app.url);
    const sam = await app.addUser('agent', 'Sam Reyes');
    await staff.signIn(sam.email, sam.password);
    const page = (await staff.get(`/conversations/${draft.conversationId}`)).text;
    expect(page).toContain('A reply bounced: 550 5.1.1 &lt;tom@bakery.example&gt;: Recipient address rejected: User unknown');
    expect((await app.api('GET', '/api/drafts?status=pending')).body).toEqual([]);
  });
});

async function snapshot(app: TestApp) {
  const db = app.rt.ctx.db;
  const count = async (table: 'messages' | 'drafts' | 'conversations' | 'customers' | 'outbox') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    messages: await count('messages'),
    drafts: await count('drafts'),
    conversations: await count('conversations'),
    customers: await count('customers'),
    outbox: await count('outbox'),
  };
}

async function sentCopies(box: TestMailbox, messageId: string): Promise<number> {
  const client = await box.connect();
  try {
    const sent = (await client.list()).find((f) => f.specialUse === '\\Sent');
    if (!sent) return 0;
    const lock = await client.getMailboxLock(sent.path, { readOnly: true });
    try {
      const found = await client.search({ header: { 'message-id': `<${messageId}>` } }, { uid: true });
      return Array.isArray(found) ? found.length : 0;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

async function inboxFlags(box: TestMailbox): Promise<Map<string, string[]>> {
  const client = await box.connect();
  try {
    const lock = await client.getMailboxLock('INBOX', { readOnly: true });
    const out = new Map<string, string[]>();
    try {
      for await (const m of client.fetch('1:*', { flags: true, envelope: true })) out.set(m.envelope!.messageId!.replace(/^<|>$/g, ''), [...(m.flags ?? [])].sort());
    } finally {
      lock.release();
    }
    return out;
  } finally {
    await client.logout();
  }
}
