import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type IntakeInput, ingestMessage } from '../../core/intake/intake.ts';
import { locateKnownMessages } from '../../core/intake/locations.ts';
import type { JobScheduler } from '../../core/jobs.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

const US = 'support@fernhill.example';

function mail(o: { id: string; from?: string; to?: string; subject?: string; date: string; body: string; inReplyTo?: string; headers?: string[] }): Buffer {
  return Buffer.from(
    [
      `From: ${o.from ?? 'Gareth Pryce <gareth@pryce.example>'}`,
      `To: ${o.to ?? US}`,
      `Subject: ${o.subject ?? 'Warped frying pan'}`,
      `Date: ${o.date}`,
      `Message-ID: <${o.id}>`,
      ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`, `References: <${o.inReplyTo}>`] : []),
      ...(o.headers ?? []),
      '',
      o.body,
      '',
    ].join('\r\n'),
  );
}

/** What ingest decides for each message: who it is from, where it goes, and whether it wants a reply. */
describe('ingest', () => {
  let ctx: TestCtx;
  let requested: number[];
  let mailboxId: number;
  const ingest = (source: Buffer, extra: Partial<IntakeInput> = {}) => ingestMessage(ctx, { source, origin: 'imap', mailboxId, historical: false, ...extra });
  const conversation = (id: number) => ctx.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeEach(async () => {
    requested = [];
    const jobs: JobScheduler = {
      draftsRequested: async (wanted) => void requested.push(...wanted.map((w) => w.conversationId)),
      sendApproved: async () => {},
      sendCancelled: async () => {},
      followupDue: async () => {},
    };
    ctx = await testContext({ clock: new ManualClock('2026-11-20T12:00:00Z'), jobs });
    mailboxId = (await offlineMailbox(ctx)).id;
  });
  afterEach(() => ctx.close());

  it('raises a complaint to the top until we have answered, and a closing thanks asks for no further reply', async () => {
    const complaint = await ingest(
      mail({ id: 'c1@pryce.example', date: 'Mon, 16 Nov 2026 09:00:00 +0000', body: 'The pan warped after two uses. Really disappointed, this is unacceptable for the price.' }),
    );
    expect(await conversation(complaint.conversationId)).toMatchObject({ priority: 1, intent: 'complaint', status: 'waiting_on_us' });
    expect(requested).toEqual([complaint.conversationId]);

    await ingest(
      mail({
        id: 'r1@fernhill.example',
        from: `Dana <${US}>`,
        to: 'gareth@pryce.example',
        subject: 'Re: Warped frying pan',
        date: 'Mon, 16 Nov 2026 11:00:00 +0000',
        body: 'So sorry Gareth, a replacement is on its way today.',
        inReplyTo: 'c1@pryce.example',
      }),
    );
    expect(await conversation(complaint.conversationId)).toMatchObject({ status: 'waiting_on_them', draft_wanted_for: null });

    await ingest(
      mail({
        id: 'c2@pryce.example',
        subject: 'Re: Warped frying pan',
        date: 'Wed, 18 Nov 2026 08:00:00 +0000',
        body: 'It arrived and sits perfectly flat. Thank you so much, Dana!',
        inReplyTo: 'r1@fernhill.example',
      }),
    );
    expect(await conversation(complaint.conversationId)).toMatchObject({ priority: 0, intent: 'thanks', status: 'done', draft_wanted_for: null });
    expect(requested).toEqual([complaint.conversationId]);

    // If they write again after all, the conversation is waiting on us once more.
    const again = await ingest(
      mail({
        id: 'c3@pryce.example',
        subject: 'Re: Warped frying pan',
        date: 'Thu, 19 Nov 2026 08:00:00 +0000',
        body: 'One more thing: is it safe in the oven at 250 degrees?',
        inReplyTo: 'c2@pryce.example',
      }),
    );
    expect(await conversation(again.conversationId)).toMatchObject({ status: 'waiting_on_us', intent: 'question' });
    expect(requested).toEqual([complaint.conversationId, complaint.conversationId]);
  });

  it('stores automated mail with the reason and drafts nothing for it', async () => {
    const ooo = await ingest(
      mail({
        id: 'ooo@pryce.example',
        subject: 'Automatic reply: Your order',
        date: 'Mon, 16 Nov 2026 09:00:00 +0000',
        body: 'I am out of the office until Monday.',
        headers: ['Auto-Submitted: auto-replied'],
      }),
    );
    const news = await ingest(
      mail({
        id: 'news@list.example',
        from: "Cook's Ledger <news@ledger.example>",
        subject: 'This week in cast iron',
        date: 'Mon, 16 Nov 2026 09:00:00 +0000',
        body: 'Our picks of the week.',
        headers: ['List-Unsubscribe: <mailto:unsub@ledger.example>', 'Precedence: bulk'],
      }),
    );
    const rows = await ctx.db.selectFrom('messages').select(['id', 'automated_reason']).orderBy('id').execute();
    expect(rows.map((r) => r.automated_reason)).toEqual([expect.stringContaining('auto-replied'), expect.stringMatching(/bulk|List-Unsubscribe/)]);
    expect([ooo.draftWanted, news.draftWanted]).toEqual([false, false]);
    expect(requested).toEqual([]);
  });

  it('stores a message it cannot fully read, with a warning, and the same bytes again only once', async () => {
    const broken = Buffer.from(
      'From: Unknown <x@odd.example>\r\nSubject: =?x-unknown?Q?=E9t=E9?=\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\n\r\n--never-closed\r\nContent-Type: text/plain; charset=klingon\r\n\r\nJe voudrais une po\xeale.\r\n',
      'latin1',
    );
    const first = await ingest(broken);
    const second = await ingest(broken, { location: undefined });
    expect(second).toMatchObject({ duplicate: true, messageId: first.messageId });
    const row = await ctx.db.selectFrom('messages').selectAll().where('id', '=', first.messageId).executeTakeFirstOrThrow();
    expect(row.synthetic_message_id).toBe(true);
    expect(row.warnings.join(' ')).toMatch(/Message-ID/);
    expect(row.warnings.join(' ')).toMatch(/Date/);
    expect(row.text).toContain('Je voudrais une po');
    expect(await ctx.db.selectFrom('messages').select('id').execute()).toHaveLength(1);
  });

  it("takes the server's email id (Gmail's X-GM-MSGID, OBJECTID's EMAILID) as the same message in another folder", async () => {
    const [inbox, label, starred] = await Promise.all(
      ['INBOX', 'Customers', 'Orders'].map(
        async (path) => (await ctx.db.insertInto('folders').values({ mailbox_id: mailboxId, path, role: 'other' }).returning('id').executeTakeFirstOrThrow()).id,
      ),
    );
    const at = (folderId: number, uid: number) => ({ folderId, uidvalidity: '1', uid, flags: [], emailId: '1790000000000000001' });
    const original = mail({ id: 'lid@pryce.example', subject: 'Lids', date: 'Thu, 19 Nov 2026 09:00:00 +0000', body: 'Is the lid sold separately?' });
    // The same message under another label need not come back byte for byte, nor with its Message-ID.
    const relabelled = Buffer.from(original.toString().replace(/^Message-ID:.*\r\n/m, 'X-Label: Customers\r\n'));
    const first = await ingest(original, { location: at(inbox, 7) });
    const second = await ingest(relabelled, { location: at(label, 3) });
    expect(second).toMatchObject({ duplicate: true, messageId: first.messageId });
    // Known ids gain their location without the message being fetched again; unknown ones are left to fetch.
    const left = await locateKnownMessages(ctx, mailboxId, [at(starred, 11), { ...at(starred, 12), emailId: '1790000000000000002' }, { ...at(starred, 13), emailId: undefined }]);
    expect(left.map((l) => l.uid)).toEqual([12, 13]);
    expect(await ctx.db.selectFrom('messages').select('id').execute()).toHaveLength(1);
    const locations = await ctx.db.selectFrom('message_locations').select(['message_id', 'folder_id', 'uid']).orderBy('id').execute();
    expect(locations).toEqual([
      { message_id: first.messageId, folder_id: inbox, uid: 7 },
      { message_id: first.messageId, folder_id: label, uid: 3 },
      { message_id: first.messageId, folder_id: starred, uid: 11 },
    ]);
    expect(requested).toEqual([first.conversationId]);
  });

  it("takes the provider's copy of what we sent (its own header on top) as our reply, whichever copy comes first", async () => {
    const sent = (id: string) =>
      mail({ id, from: `Dana <${US}>`, to: 'gareth@pryce.example', subject: 'Re: Warped frying pan', date: 'Thu, 19 Nov 2026 10:00:00 +0000', body: 'A new pan is on its way.' });
    const filed = (raw: Buffer) => Buffer.concat([Buffer.from('Received: from [10.0.0.7] by smtp.gmail.com with ESMTPSA id x7; Thu, 19 Nov 2026 10:00:01 +0000\r\n'), raw]);
    const ours = await ingest(sent('reply-1@fernhill.example'), { origin: 'outbox' });
    expect(await ingest(filed(sent('reply-1@fernhill.example')))).toMatchObject({ duplicate: true, messageId: ours.messageId });
    const early = await ingest(filed(sent('reply-2@fernhill.example')));
    expect(await ingest(sent('reply-2@fernhill.example'), { origin: 'outbox' })).toMatchObject({ duplicate: true, messageId: early.messageId });
    expect(await ctx.db.selectFrom('messages').select('id').execute()).toHaveLength(2);
  });

  it('threads old mail without drafting, except conversations still waiting on us recently', async () => {
    const old = await ingest(mail({ id: 'old@pryce.example', date: 'Mon, 01 Jun 2026 09:00:00 +0000', body: 'Is the pan oven safe?' }), { historical: true });
    const recent = await ingest(mail({ id: 'recent@pryce.example', subject: 'Gift wrap', date: 'Wed, 18 Nov 2026 09:00:00 +0000', body: 'Do you gift wrap?' }), {
      historical: true,
    });
    expect(old.draftWanted).toBe(false);
    expect(recent.draftWanted).toBe(true);
    // Historical drafts are requested when the first sync ends, not one by one.
    expect(requested).toEqual([]);
  });

  it('takes mail from our own address as ours, and never makes a customer of us', async () => {
    const out = await ingest(
      mail({
        id: 'sent-elsewhere@fernhill.example',
        from: `Sam <${US}>`,
        to: 'Mei Chen <mei@chen.example>',
        subject: 'Your order',
        date: 'Mon, 16 Nov 2026 09:00:00 +0000',
        body: 'Hi Mei, your order left today.',
      }),
    );
    const row = await ctx.db.selectFrom('messages').selectAll().where('id', '=', out.messageId).executeTakeFirstOrThrow();
    expect(row.direction).toBe('out');
    const addresses = await ctx.db.selectFrom('customer_addresses').select('address').execute();
    expect(addresses.map((a) => a.address)).toEqual(['mei@chen.example']);
    expect((await conversation(out.conversationId)).status).toBe('waiting_on_them');
  });
});
