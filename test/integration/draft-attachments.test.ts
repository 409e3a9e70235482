import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../core/intake/intake.ts';
import { sha256Of } from '../../core/mail/blobs.ts';
import { buildReply } from '../../core/outbox/reply-message.ts';
import { startWithDraft, type TestApp } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';
import { composeWithAttachment } from '../support/compose.ts';
import { testContext } from '../support/context.ts';
import { type SmtpSink, type TestMailbox, waitUntil } from '../support/servers.ts';

const US = 'support@fernhill.example';
const INVOICE = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(40_000), Buffer.from('\n%%EOF\n')]);

const customerMail = () =>
  composeWithAttachment({
    id: 'invoice@pryce.example',
    from: 'Gareth Pryce <gareth@pryce.example>',
    subject: 'Invoice for the warped pan',
    date: new Date().toUTCString(),
    body: 'Hello, the frying pan warped after a week. My invoice is attached; can you refund it? Gareth',
    attachment: { name: 'invoice-4411.pdf', type: 'application/pdf', content: INVOICE },
  });

/** A raw upload as the page and the API send it: the bytes as the body, the name in the query. */
async function upload(app: TestApp, draftId: number, name: string, content: Buffer, type = 'application/octet-stream', token = app.token) {
  const res = await fetch(`${app.url}/api/drafts/${draftId}/attachments?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: new Uint8Array(content),
  });
  return { status: res.status, body: await res.json() };
}

/** A request written by hand, to declare sizes and send chunks as a hostile client would; resolves at the answer. */
function rawUpload(app: TestApp, path: string, headers: Record<string, string>, send: (req: http.ClientRequest) => void): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${app.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    send(req);
  });
}

describe('attachments on replies', () => {
  let started: Awaited<ReturnType<typeof startWithDraft>>;
  let app: TestApp;
  let sink: SmtpSink;
  let draftId: number;

  beforeAll(async () => {
    started = await startWithDraft('draftattach', customerMail(), { LONGHAND_FROM: US, LONGHAND_REPLY_ATTACHMENTS_MB: '1' });
    app = started.app;
    sink = started.sink;
    draftId = (await app.api('GET', '/api/drafts?status=pending')).body[0].id;
  });

  afterAll(async () => {
    await started?.close();
  });

  it('takes an upload, lists it on the draft, serves it back as a download and removes it', async () => {
    const before = (await app.api('GET', `/api/drafts/${draftId}`)).body;
    expect(before.attachments).toEqual([]);
    const guide = Buffer.from('Care guide\r\nOil the pan lightly after washing.\nNo dishwasher.\n');
    const added = await upload(app, draftId, 'care guide.txt', guide, 'text/plain; charset=utf-8');
    expect(added.status).toBe(201);
    expect(added.body.attachment).toMatchObject({ filename: 'care guide.txt', contentType: 'text/plain', size: guide.length, fromAttachmentId: null });
    // What goes out changed: the version moved on, so an approval pinned to the one before is refused.
    expect(added.body.draft.version).toBe(before.version + 1);
    const stale = await app.api('POST', `/api/drafts/${draftId}/approve`, { version: before.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toContain('attachments');

    // The same bytes again add nothing.
    const again = await upload(app, draftId, 'care guide (1).txt', guide, 'text/plain');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ already: true, attachment: { id: added.body.attachment.id } });

    const listed = await app.api('GET', `/api/drafts/${draftId}/attachments`);
    expect(listed.body).toEqual([added.body.attachment]);
    const download = await fetch(`${app.url}/api/drafts/${draftId}/attachments/${added.body.attachment.id}`, { headers: { authorization: `Bearer ${app.token}` } });
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="care guide.txt"; filename*=UTF-8''care%20guide.txt`);
    expect(Buffer.from(await download.arrayBuffer()).equals(guide)).toBe(true);

    const removed = await app.api('DELETE', `/api/drafts/${draftId}/attachments/${added.body.attachment.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body.attachments).toEqual([]);
    // Nothing refers to those bytes any more: they are gone from the database too.
    expect(await app.rt.ctx.db.selectFrom('blobs').select('sha256').where('sha256', '=', sha256Of(guide)).execute()).toEqual([]);
    expect((await app.api('DELETE', `/api/drafts/${draftId}/attachments/${added.body.attachment.id}`)).status).toBe(404);
  });

  it('cleans hostile names and checks the declared type against the bytes', async () => {
    const hostile = await upload(app, draftId, `../../etc/\u202Egpj.exe\r\nBcc: all@x.example${'a'.repeat(400)}.pdf`, Buffer.from('MZ not a pdf at all'), 'application/pdf');
    expect(hostile.status).toBe(201);
    const { filename, contentType } = hostile.body.attachment;
    expect(filename).not.toMatch(/[/\\\r\n\u202E]/);
    expect(filename.startsWith('gpj.exeBcc_ all@x.example')).toBe(true);
    expect(Array.from(filename)).toHaveLength(200);
    expect(filename.endsWith('.pdf')).toBe(true);
    // Declared a PDF, but not one: sent as bytes, not as what it claims.
    expect(contentType).toBe('application/octet-stream');

    // A file declared as JSON is a file, not a request body to parse.
    const json = await upload(app, draftId, 'order.json', Buffer.from('{"order": 4411}'), 'application/json');
    expect(json.body.attachment).toMatchObject({ filename: 'order.json', contentType: 'application/json', size: 15 });
    const nameless = await upload(app, draftId, '../..', Buffer.from('x'), 'no type');
    expect(nameless.body.attachment).toMatchObject({ filename: 'attachment-1.bin', contentType: 'application/octet-stream' });

    const noName = await fetch(`${app.url}/api/drafts/${draftId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${app.token}` }, body: 'x' });
    expect(noName.status).toBe(400);
    expect((await upload(app, draftId, 'empty.txt', Buffer.alloc(0))).status).toBe(400);
    for (const a of (await app.api('GET', `/api/drafts/${draftId}/attachments`)).body) await app.api('DELETE', `/api/drafts/${draftId}/attachments/${a.id}`);
  });

  it('refuses a file past the limit with 413 before reading it, and one that runs past it while arriving', async () => {
    // Declared too large: answered at once, while the client has sent almost nothing.
    const declared = await rawUpload(app, `/api/drafts/${draftId}/attachments?name=big.zip`, { 'content-length': String(30 * 1024 * 1024) }, (req) => req.write(randomBytes(1024)));
    expect(declared.status).toBe(413);
    expect(declared.body.error).toMatchObject({ code: 'too_large' });
    expect(declared.body.error.message).toBe('"big.zip" (30 MB) is too large: a reply\'s attachments may add up to 1 MB. Share a link to it instead.');

    // Chunked, no size declared: cut off as soon as it passes the room left.
    await upload(app, draftId, 'photo.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(600_000)]), 'image/png');
    const chunked = await rawUpload(app, `/api/drafts/${draftId}/attachments?name=more.bin`, { 'transfer-encoding': 'chunked' }, (req) => {
      const more = () => req.write(randomBytes(64 * 1024), () => setImmediate(more));
      more();
    });
    expect(chunked.status).toBe(413);
    expect(chunked.body.error.message).toBe('"more.bin" is too large: a reply\'s attachments may add up to 1 MB, and 438 KB of that is left. Share a link to it instead.');
    const left = (await app.api('GET', `/api/drafts/${draftId}/attachments`)).body;
    expect(left.map((a: { filename: string }) => a.filename)).toEqual(['photo.png']);
    await app.api('DELETE', `/api/drafts/${draftId}/attachments/${left[0].id}`);
  });

  it('needs the CSRF token from a signed-in page, as every draft edit does, and lists, forwards and removes without JavaScript', async () => {
    const agent = await app.addUser('agent');
    const browser = new Browserish(app.url);
    await browser.signIn(agent.email, agent.password);
    const conversationPath = `/conversations/${(await app.api('GET', `/api/drafts/${draftId}`)).body.conversationId}`;
    const { csrf, text } = await browser.get(conversationPath);
    const invoiceId = /name="attachmentId" value="(\d+)"/.exec(text)![1]!;
    const forward = await browser.post(`/drafts/${draftId}/attachments/forward`, { _csrf: csrf, back: conversationPath, attachmentId: invoiceId });
    expect(forward.status).toBe(303);
    const page = await browser.get(conversationPath);
    expect(page.text).toContain('Attached &quot;invoice-4411.pdf&quot; to your reply.');
    expect(page.text).toMatch(
      /<a href="\/api\/drafts\/\d+\/attachments\/\d+" download>invoice-4411.pdf<\/a>\s*<small class="muted">[\d.]+ KB, application\/pdf, theirs, sent back/,
    );
    const removeAction = /formaction="(\/drafts\/\d+\/attachments\/\d+\/remove)"/.exec(page.text)![1]!;
    expect((await browser.post(removeAction, { _csrf: csrf, back: conversationPath })).status).toBe(303);
    const after = await browser.get(conversationPath);
    expect(after.text).toContain('Removed the file from your reply.');
    expect(after.text).toContain('No files attached.');
    // Their invoice is still theirs: off the draft, its bytes stay with their message.
    const invoice = await fetch(`${app.url}/api/attachments/${invoiceId}`, { headers: { authorization: `Bearer ${app.token}` } });
    expect(Buffer.from(await invoice.arrayBuffer()).equals(INVOICE)).toBe(true);

    const post = (headers: Record<string, string>) =>
      fetch(`${app.url}/api/drafts/${draftId}/attachments?name=note.txt`, {
        method: 'POST',
        headers: { cookie: browser.cookie, 'content-type': 'text/plain', ...headers },
        body: 'hello',
      });
    expect((await post({})).status).toBe(403);
    const ok = await post({ 'x-csrf-token': csrf });
    expect(ok.status).toBe(201);
    const added = (await ok.json()).attachment;
    await app.api('DELETE', `/api/drafts/${draftId}/attachments/${added.id}`, undefined, agent.token);
  });

  it("forwards the customer's own attachment back and sends every file as a MIME part with its bytes, kept on our stored copy", async () => {
    const conversation = (await app.api('GET', `/api/conversations/${(await app.api('GET', `/api/drafts/${draftId}`)).body.conversationId}`)).body;
    const invoice = conversation.messages[0].attachments[0];
    expect(invoice.filename).toBe('invoice-4411.pdf');
    const blobs = async () => (await app.rt.ctx.db.selectFrom('blobs').select('sha256').execute()).length;
    const blobsBefore = await blobs();
    const forwarded = await app.api('POST', `/api/drafts/${draftId}/attachments/forward`, { attachmentId: invoice.id });
    expect(forwarded.status).toBe(201);
    expect(forwarded.body.attachment).toMatchObject({ filename: 'invoice-4411.pdf', contentType: 'application/pdf', size: INVOICE.length, fromAttachmentId: invoice.id });
    // The same blob, not a second copy.
    expect(await blobs()).toBe(blobsBefore);
    const row = await app.rt.ctx.db.selectFrom('draft_attachments').select('blob_sha256').where('id', '=', forwarded.body.attachment.id).executeTakeFirstOrThrow();
    expect(row.blob_sha256).toBe(sha256Of(INVOICE));
    expect((await app.api('POST', `/api/drafts/${draftId}/attachments/forward`, { attachmentId: 999_999 })).status).toBe(400);

    const label = Buffer.from('Return label\nPrint and tape to the box.\n');
    const uploaded = await upload(app, draftId, 'Rücksendeetikett.txt', label, 'text/plain');
    expect(uploaded.status).toBe(201);

    // Undo of an approval and an earlier text restored keep the files.
    const written = await app.api('PATCH', `/api/drafts/${draftId}`, {
      body: 'Hi Gareth,\n\nSorry about the pan. Your invoice is attached as you sent it, with a return label.\n\nDana',
    });
    await app.api('POST', `/api/drafts/${draftId}/approve`, { version: written.body.version, sendAt: new Date(Date.now() + 3_600_000).toISOString() });
    const undone = await app.api('POST', `/api/drafts/${draftId}/undo`, {});
    expect(undone.body.status).toBe('pending');
    const revisions = (await app.api('GET', `/api/drafts/${draftId}/revisions`)).body;
    await app.api('POST', `/api/drafts/${draftId}/restore`, { revisionId: revisions[0].id });
    const draft = (await app.api('GET', `/api/drafts/${draftId}`)).body;
    expect(draft.attachments.map((a: { filename: string }) => a.filename)).toEqual(['invoice-4411.pdf', 'Rücksendeetikett.txt']);

    expect((await app.api('POST', `/api/drafts/${draftId}/approve`, { version: draft.version })).status).toBe(200);
    const [mail] = await sink.waitFor(1);
    const parts = mail!.parsed.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, disposition: a.contentDisposition, content: a.content }));
    expect(parts.map(({ content, ...rest }) => rest)).toEqual([
      { filename: 'invoice-4411.pdf', contentType: 'application/pdf', disposition: 'attachment' },
      { filename: 'Rücksendeetikett.txt', contentType: 'text/plain', disposition: 'attachment' },
    ]);
    expect(parts[0]!.content.equals(INVOICE)).toBe(true);
    expect(parts[1]!.content.equals(label)).toBe(true);
    expect(mail!.parsed.text).toContain('Your invoice is attached');

    // Our reply joins the conversation with its files, and the copy filed in Sent carries them too.
    await waitUntil(async () => (await app.api('GET', `/api/drafts/${draftId}`)).body.status === 'sent', 10_000, 'the send');
    await waitUntil(
      async () => (await app.rt.ctx.db.selectFrom('outbox').select('filed_at').where('draft_id', '=', draftId).where('state', '=', 'sent').executeTakeFirst())?.filed_at != null,
      10_000,
      'the Sent copy',
    );
    const after = (await app.api('GET', `/api/conversations/${conversation.id}`)).body;
    const ours = after.messages.find((m: { direction: string }) => m.direction === 'out');
    expect(ours.attachments.map((a: { filename: string; size: number }) => [a.filename, a.size])).toEqual([
      ['invoice-4411.pdf', INVOICE.length],
      ['Rücksendeetikett.txt', label.length],
    ]);
    expect(await blobs()).toBe(blobsBefore + 1);
    const sent = await sentCopy(started.box, mail!.parsed.messageId!);
    expect(sent.attachments.map((a) => a.content.equals(INVOICE) || a.content.equals(label))).toEqual([true, true]);
  });
});

/** Our copy as the Sent folder on the IMAP server holds it, parsed. */
async function sentCopy(box: TestMailbox, messageId: string) {
  const client = await box.connect();
  try {
    const sent = (await client.list()).find((f) => f.specialUse === '\\Sent')!;
    const lock = await client.getMailboxLock(sent.path, { readOnly: true });
    try {
      const [uid] = (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
      const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
      return simpleParser(message ? message.source! : Buffer.alloc(0));
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

describe('our own copy of a large reply', () => {
  it('keeps its attachments when stored, past the size a stranger may send us', async () => {
    const ctx = await testContext();
    try {
      // 19 MB attached is within the reply limit, and over 25 MB once encoded: the limit for mail from outside.
      const big = randomBytes(19 * 1024 * 1024);
      const raw = await buildReply({
        messageId: 'big-reply@fernhill.example',
        date: new Date(),
        from: { name: 'Dana at Fernhill', address: US },
        to: [{ name: 'Gareth', address: 'gareth@pryce.example' }],
        cc: [],
        subject: 'Your photos',
        body: 'Hi Gareth,\n\nHere are all the photos of the replacement.\n\nDana',
        signature: 'Dana',
        answering: null,
        attachments: [{ filename: 'photos.zip', contentType: 'application/zip', content: big }],
      });
      expect(raw.length).toBeGreaterThan(25 * 1024 * 1024);
      const stored = await ingestMessage(ctx, { source: raw, origin: 'outbox', mailboxId: null, historical: false });
      const attachments = await ctx.db.selectFrom('attachments').select(['filename', 'size', 'blob_sha256']).where('message_id', '=', stored.messageId).execute();
      expect(attachments).toEqual([{ filename: 'photos.zip', size: big.length, blob_sha256: sha256Of(big) }]);
    } finally {
      await ctx.close();
    }
  });
});
