import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';
import { SmtpSink, type TestMailbox, testMailbox, waitUntil } from '../support/servers.ts';

const US = 'support@fernhill.example';

/** Staff write first, to a customer or a new address: a new message (not a reply) that threads like any other mail. */
describe('starting a conversation', () => {
  let app: TestApp;
  let sink: SmtpSink;
  let box: TestMailbox;
  let staff: Browserish;
  let inesId: number;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    box = testMailbox('start');
    await box.append(
      [
        'From: Ines Duarte <ines@duarte.example>',
        `To: ${US}`,
        'Subject: Handle came loose',
        `Date: ${new Date().toUTCString()}`,
        'Message-ID: <handle@duarte.example>',
        '',
        'Hi, the handle of my pan came loose. Ines',
        '',
      ].join('\r\n'),
    );
    app = await startTestApp({ env: { LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: US } });
    await waitUntil(async () => (await app.api('GET', '/api/drafts?status=pending')).body.length === 1, 15_000, 'the first draft');
    inesId = (await app.api('GET', '/api/customers')).body.rows.find((c: { name: string }) => c.name === 'Ines Duarte').id;
    staff = new Browserish(app.url);
    const sam = await app.addUser('approver', 'Sam Reyes');
    await staff.signIn(sam.email, sam.password);
  });

  afterAll(async () => {
    await app?.close();
    await sink?.close();
  });

  it('writes to a customer from their page: a new message, sent once approved, in Sent, and their answer joins it', async () => {
    const customerPage = (await staff.get(`/customers/${inesId}`)).text;
    expect(customerPage).toContain(`<a href="/conversations/new?customer=${inesId}"`);
    expect(customerPage).toContain('Write to Ines Duarte');

    const { text, csrf } = await staff.get(`/conversations/new?customer=${inesId}`);
    expect(text).toContain('<code class="chip-address">ines@duarte.example</code>');
    expect(text).toMatch(/<select id="mailbox-input" name="mailboxId">/);
    const created = await staff.post('/conversations/new', {
      _csrf: csrf,
      mailboxId: /<option value="(\d+)"/.exec(text)![1]!,
      toAddress: 'ines@duarte.example',
      toName: 'Ines Duarte',
      ccAdd: 'Kim Duarte <kim@duarte.example>',
      subject: 'Your new handle',
      body: 'Hi Ines,\n\nThe replacement handle for your pan came in today; I will post it to you tomorrow with two spare rivets.\n\nSam',
    });
    expect(created.status).toBe(303);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/conversations\/\d+$/);
    const conversationId = Number(location.split('/').pop());
    const page = (await staff.get(location)).text;
    expect(page).toContain('Your new handle');
    expect(page).toContain('Approve and send');
    // Whom a person writes to first is the conversation: nobody on it is a stranger to it.
    expect(page).not.toContain('New recipient');

    const [draft] = (await app.api('GET', `/api/conversations/${conversationId}`)).body.drafts;
    expect(draft).toMatchObject({
      subject: 'Your new handle',
      to: [{ address: 'ines@duarte.example', name: 'Ines Duarte' }],
      cc: [{ address: 'kim@duarte.example', name: 'Kim Duarte' }],
    });
    const approved = await app.api('POST', `/api/drafts/${draft.id}/approve`, { version: draft.version });
    expect(approved.status).toBe(200);
    const [mail] = await sink.waitFor(1);
    expect(mail!.parsed.subject).toBe('Your new handle');
    expect(mail!.parsed.inReplyTo).toBeUndefined();
    expect(mail!.parsed.references).toBeUndefined();
    expect(mail!.envelope).toEqual({ from: US, to: ['ines@duarte.example', 'kim@duarte.example'] });
    const messageId = mail!.parsed.messageId!;
    await waitUntil(async () => (await app.api('GET', `/api/conversations/${conversationId}`)).body.messages.length === 1, 10_000, 'the sent message in its conversation');
    await waitUntil(async () => (await sentCopies(messageId)) === 1, 10_000, 'the copy in Sent');
    expect((await app.api('GET', `/api/conversations/${conversationId}`)).body).toMatchObject({ status: 'waiting_on_them', customerId: inesId });

    await box.append(
      [
        'From: Ines Duarte <ines@duarte.example>',
        `To: ${US}`,
        'Subject: Re: Your new handle',
        `Date: ${new Date().toUTCString()}`,
        'Message-ID: <thanks@duarte.example>',
        `In-Reply-To: ${messageId}`,
        `References: ${messageId}`,
        '',
        'Wonderful, thank you! Ines',
        '',
      ].join('\r\n'),
    );
    await waitUntil(async () => (await app.api('GET', `/api/conversations/${conversationId}`)).body.messages.length === 2, 15_000, 'her answer in the conversation');
    const thread = (await app.api('GET', `/api/conversations/${conversationId}`)).body;
    expect(thread.messages.map((m: { direction: string }) => m.direction)).toEqual(['out', 'in']);
  });

  it('writes to a new address from the navigation, and by API', async () => {
    const queue = (await staff.get('/')).text;
    expect(queue).toContain('<a href="/conversations/new"');
    const { text, csrf } = await staff.get('/conversations/new');
    expect(text).toContain('New conversation');
    // Refused: the form comes back with what they typed and why.
    const ours = await staff.post('/conversations/new', { _csrf: csrf, toAdd: US, subject: 'Note to self', body: 'Remember the lids' });
    expect(ours.status).toBe(400);
    expect(ours.text).toContain(`${US} is one of our own addresses`);
    expect(ours.text).toContain('value="Note to self"');
    expect(ours.text).toContain('Remember the lids</textarea>');
    const created = await staff.post('/conversations/new', { _csrf: csrf, toAdd: 'Noor Haddad <noor@haddad.example>', subject: 'Your workshop booking' });
    expect(created.status).toBe(303);
    const conversationId = Number(created.headers.get('location')!.split('/').pop());
    const detail = (await app.api('GET', `/api/conversations/${conversationId}`)).body;
    // Nothing typed yet: a greeting, and the rest left for the person to write before it can be approved.
    expect(detail.drafts[0]).toMatchObject({
      to: [{ address: 'noor@haddad.example', name: 'Noor Haddad' }],
      body: 'Hi Noor,\n\n[[what you want to tell them]]\n',
      slots: ['what you want to tell them'],
    });
    expect(detail.customer).toMatchObject({ name: 'Noor Haddad' });
    expect((await app.api('POST', `/api/drafts/${detail.drafts[0].id}/approve`, { version: detail.drafts[0].version })).body.error.code).toBe('unfilled_slots');

    const byApi = await app.api('POST', '/api/conversations', {
      to: [{ address: 'lea@brandt.example', name: 'Lea Brandt' }],
      subject: 'Your knife is sharpened',
      body: 'Hi Lea,\n\nYour knife is sharpened and waiting for you at the shop.\n\nSam',
    });
    expect(byApi.status).toBe(201);
    expect(byApi.body).toMatchObject({
      subject: 'Your knife is sharpened',
      status: 'waiting_on_us',
      messages: [],
      drafts: [{ status: 'pending', to: [{ address: 'lea@brandt.example', name: 'Lea Brandt' }], body: expect.stringContaining('sharpened') }],
    });
    expect((await app.api('POST', '/api/conversations', { to: [], subject: 'x' })).status).toBe(400);
    const own = await app.api('POST', '/api/conversations', { to: [{ address: US }], subject: 'Hello us' });
    expect(own.status).toBe(400);
    expect(own.body.error.message).toContain('one of our own addresses');
  });

  async function sentCopies(messageId: string): Promise<number> {
    const client = await box.connect();
    try {
      const sent = (await client.list()).find((f) => f.specialUse === '\\Sent');
      if (!sent) return 0;
      const lock = await client.getMailboxLock(sent.path, { readOnly: true });
      try {
        const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
        return Array.isArray(found) ? found.length : 0;
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  }
});
