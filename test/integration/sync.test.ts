import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { queuesSettled, startTestApp, type TestApp, type TestAppOptions } from '../support/app.ts';
import { Dovecot } from '../support/dovecot.ts';
import { generateMail } from '../support/mail-generator.ts';
import { SmtpSink, type TestMailbox, testMailbox, waitDrivingClock, waitUntil } from '../support/servers.ts';

const run = promisify(execFile);
const US = 'support@fernhill.example';

async function count(app: TestApp, table: 'messages' | 'drafts' | 'conversations'): Promise<number> {
  return Number(
    (
      await app.rt.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

async function inbox(app: TestApp): Promise<{ messages: number; synced: number; state: string }> {
  const mailbox = (await app.api('GET', '/api/mailboxes')).body[0];
  return mailbox?.folders.find((f: { role: string }) => f.role === 'inbox') ?? { messages: -1, synced: -2, state: 'none' };
}

function customerMail(id: string, subject: string, body: string, date = new Date()): string {
  return `From: Maria Lopez <maria@bakery.example>\r\nTo: ${US}\r\nSubject: ${subject}\r\nDate: ${date.toUTCString()}\r\nMessage-ID: <${id}>\r\n\r\n${body}\r\n`;
}

describe('IMAP sync on the real Dovecot', () => {
  let sink: SmtpSink;
  const apps: TestApp[] = [];
  const start = async (
    box: TestMailbox,
    extra: Record<string, string> = {},
    backoff: NonNullable<TestAppOptions['sync']>['backoff'] = { baseMs: 100, maxMs: 500, authRetryMs: 2_000 },
    clock?: ManualClock,
  ) => {
    sink ??= await SmtpSink.start();
    const app = await startTestApp({
      env: { LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: US, ...extra },
      sync: { pollMs: 300, backoff },
      ...(clock ? { clock } : {}),
    });
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('syncs a few thousand messages once, threads them, drafts none of the old mail, then gets new mail by IDLE', async () => {
    const box = testMailbox('initial');
    const mail = generateMail({ count: 2_000, seed: 7, tag: box.user });
    await box.append(mail.map((m) => m.raw));
    const app = await start(box);
    await waitUntil(async () => (await app.api('GET', '/api/mailboxes')).body[0]?.initialSyncDone === true, 150_000, 'the initial sync');
    expect(await count(app, 'messages')).toBe(2_000);
    expect(await inbox(app)).toMatchObject({ messages: 2_000, synced: 2_000, state: 'idle' });
    expect((await app.api('GET', '/api/mailboxes')).body[0]).toMatchObject({ behind: 0, stalled: false, lastError: null });
    // Every generated conversation is one conversation.
    const conversations = new Set(mail.map((m) => /^(.+-\d+)-\d+@/.exec(m.messageId)![1]));
    expect(await count(app, 'conversations')).toBe(conversations.size);
    // Dated months ago: none of it is waiting on us recently, so nothing is drafted.
    expect(await count(app, 'drafts')).toBe(0);
    // The mailbox stays as it was: nothing marked read.
    const client = await box.connect();
    const lock = await client.getMailboxLock('INBOX');
    try {
      expect(await client.search({ seen: true }, { uid: true })).toEqual([]);
    } finally {
      lock.release();
      await client.logout();
    }

    const appended = Date.now();
    await box.append(customerMail('idle-new@bakery.example', 'A question about lids', 'Do you sell lids on their own?'));
    await waitUntil(async () => (await app.api('GET', '/api/drafts?status=pending')).body.length === 1, 5_000, 'the draft for the new mail');
    app.rt.ctx.log.info({ ms: Date.now() - appended }, 'APPEND to draft');
    expect(await count(app, 'messages')).toBe(2_001);
  }, 240_000);

  it('re-maps a folder whose UIDVALIDITY changed without a duplicate or a new draft', async () => {
    const box = testMailbox('uidvalidity');
    await box.append([customerMail('uv-1@bakery.example', 'Induction?', 'Does it work on induction?'), customerMail('uv-2@bakery.example', 'Lids', 'Do you sell lids?')]);
    const app = await start(box);
    await waitUntil(async () => (await app.api('GET', '/api/drafts?status=pending')).body.length === 2, 10_000, 'the two drafts');
    const before = await app.rt.ctx.db.selectFrom('folders').select('uidvalidity').where('role', '=', 'inbox').executeTakeFirstOrThrow();
    await app.stop();
    await run('doveadm', ['-c', box.dovecot.configFile, 'mailbox', 'update', '-u', box.user, '--uid-validity', '12345', 'INBOX']);
    await app.restart();
    await waitUntil(
      async () => {
        const row = await app.rt.ctx.db.selectFrom('folders').select(['uidvalidity', 'state']).where('role', '=', 'inbox').executeTakeFirstOrThrow();
        return row.uidvalidity === '12345' && row.state === 'idle';
      },
      10_000,
      'the new UIDVALIDITY',
    );
    expect(before.uidvalidity).not.toBe('12345');
    expect(await count(app, 'messages')).toBe(2);
    expect(await count(app, 'drafts')).toBe(2);
    const locations = await app.rt.ctx.db.selectFrom('message_locations').select(['uidvalidity', 'expunged_at']).orderBy('id').execute();
    expect(locations.filter((l) => l.uidvalidity === '12345' && l.expunged_at === null)).toHaveLength(2);
    expect(locations.filter((l) => l.uidvalidity !== '12345').every((l) => l.expunged_at !== null)).toBe(true);
    expect(await inbox(app)).toMatchObject({ messages: 2, synced: 2 });
  });

  it('reflects flag changes and expunges made in another mail program', async () => {
    const box = testMailbox('flags');
    const [uid1, uid2] = await box.append([customerMail('f-1@bakery.example', 'One', 'First'), customerMail('f-2@bakery.example', 'Two', 'Second')]);
    const app = await start(box);
    await waitUntil(async () => (await inbox(app)).synced === 2, 10_000, 'the first sync');
    const other = await box.connect();
    const lock = await other.getMailboxLock('INBOX');
    try {
      await other.messageFlagsAdd(String(uid1), ['\\Flagged', '\\Seen'], { uid: true });
      await other.messageDelete(String(uid2), { uid: true });
    } finally {
      lock.release();
      await other.logout();
    }
    const location = (uid: number) => app.rt.ctx.db.selectFrom('message_locations').select(['flags', 'expunged_at']).where('uid', '=', uid).executeTakeFirstOrThrow();
    await waitUntil(async () => (await location(uid1!)).flags.includes('\\Flagged') && (await location(uid2!)).expunged_at !== null, 10_000, 'the flag and the expunge');
    expect((await location(uid1!)).flags.sort()).toEqual(['\\Flagged', '\\Seen']);
    // The message itself stays in the customer's history.
    expect(await count(app, 'messages')).toBe(2);
    expect(await inbox(app)).toMatchObject({ messages: 1, synced: 1 });
  });

  it('carries on when Dovecot stops and starts in the middle of a sync', async () => {
    const dovecot = await Dovecot.start();
    try {
      const box = testMailbox('restart', dovecot);
      await box.append(generateMail({ count: 1_500, seed: 3, tag: box.user }).map((m) => m.raw));
      const clock = new ManualClock(new Date());
      const app = await start(box, { LONGHAND_LOG_LEVEL: 'debug' }, undefined, clock);
      await waitUntil(async () => (await count(app, 'messages')) > 100, 30_000, 'the sync to be under way');
      await dovecot.pause();
      const during = await count(app, 'messages');
      await waitUntil(async () => (await app.api('GET', '/api/mailboxes')).body[0].state === 'error', 10_000, 'the error to show');
      expect((await app.api('GET', '/api/mailboxes')).body[0].lastError).toBeTruthy();
      // It waits before reconnecting (here on the test's clock, which only the test moves).
      await waitUntil(() => clock.sleeping().length === 1, 10_000, 'the sync to wait before reconnecting');
      await dovecot.resume();
      await waitDrivingClock(clock, async () => (await app.api('GET', '/api/mailboxes')).body[0]?.initialSyncDone === true, 150_000, 'the sync to finish');
      expect(during).toBeLessThan(1_500);
      expect(await count(app, 'messages')).toBe(1_500);
      expect(await inbox(app)).toMatchObject({ messages: 1_500, synced: 1_500 });
      expect((await app.api('GET', '/api/mailboxes')).body[0].lastError).toBeNull();
    } finally {
      await dovecot.stop();
    }
  });

  it('stores every malformed or oversized message with a warning and keeps going', async () => {
    const box = testMailbox('malformed');
    const big = Buffer.concat([
      Buffer.from(
        `From: Big Sender <big@files.example>\r\nTo: ${US}\r\nSubject: Huge attachment\r\nMessage-ID: <huge@files.example>\r\nDate: ${new Date().toUTCString()}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
      ),
      Buffer.alloc(50 * 1024 * 1024, 'QUFB\r\n'),
    ]);
    const malformed = [
      'Subject: no from, no date, no message-id\r\n\r\nHello?\r\n',
      `From: =?utf-8?B?${Buffer.from('Evil\r\nBcc: all@example.com').toString('base64')}?= <evil@x.example>\r\nTo: ${US}\r\nSubject: =?utf-8?Q?broken=ZZ?=\r\nMessage-ID: <enc@x.example>\r\n\r\nbody\r\n`,
      `From: Latin <l@x.example>\r\nTo: ${US}\r\nSubject: Caf\xe9 cr\xe8me\r\nMessage-ID: <latin1@x.example>\r\nContent-Type: text/plain; charset=klingon\r\n\r\nJ'aime la cr\xe8me.\r\n`,
      `From: Parts <p@x.example>\r\nTo: ${US}\r\nSubject: Unclosed\r\nMessage-ID: <unclosed@x.example>\r\nContent-Type: multipart/mixed; boundary=zzz\r\n\r\n--zzz\r\nContent-Type: text/plain\r\n\r\nhalf a message`,
      `From: Deep <d@x.example>\r\nTo: ${US}\r\nSubject: Deep\r\nMessage-ID: <deep@x.example>\r\n${'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n'.repeat(60)}text\r\n`,
      `From: Date <date@x.example>\r\nTo: ${US}\r\nSubject: Bad date\r\nDate: yesterday-ish\r\nMessage-ID: <baddate@x.example>\r\n\r\nbody\r\n`,
      `From: NUL <nul@x.example>\r\nTo: ${US}\r\nSubject: Nul\u0000byte\r\nMessage-ID: <nul@x.example>\r\n\r\nbody with \u0000 inside\r\n`,
    ].map((m) => Buffer.from(m, 'latin1'));
    await box.append([...malformed, big]);
    const app = await start(box);
    await waitUntil(async () => (await app.api('GET', '/api/mailboxes')).body[0]?.initialSyncDone === true, 60_000, 'the sync');
    const rows = await app.rt.ctx.db.selectFrom('messages').select(['message_id', 'warnings', 'size_bytes', 'subject', 'from_name']).orderBy('id').execute();
    expect(rows).toHaveLength(malformed.length + 1);
    const huge = rows.find((r) => r.message_id === 'huge@files.example')!;
    expect(huge.warnings.join(' ')).toMatch(/this message is 50\.0 MiB, over the 25\.0 MiB limit; only its headers were stored/);
    const evil = rows.find((r) => r.message_id === 'enc@x.example')!;
    expect(evil.from_name).not.toMatch(/[\r\n]/);
    expect(rows.find((r) => r.message_id.endsWith('@synthetic.longhand'))!.warnings.join(' ')).toMatch(/Message-ID/);
    expect(await inbox(app)).toMatchObject({ messages: malformed.length + 1, synced: malformed.length + 1, state: 'idle' });
  });

  it('takes a reply sent from another mail program into its conversation and withdraws the open draft', async () => {
    const box = testMailbox('sentelsewhere');
    await box.append(customerMail('q-else@bakery.example', 'Opening hours', 'Are you open on Saturdays?'));
    const app = await start(box);
    let drafts: any[] = [];
    await waitUntil(
      async () => {
        drafts = (await app.api('GET', '/api/drafts?status=pending')).body;
        return drafts.length === 1;
      },
      10_000,
      'the draft',
    );
    await box.append(
      `From: Dana Okafor <${US}>\r\nTo: maria@bakery.example\r\nSubject: Re: Opening hours\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <answered-from-phone@fernhill.example>\r\nIn-Reply-To: <q-else@bakery.example>\r\n\r\nYes, 9 to 1!\r\n`,
      'Sent',
      ['\\Seen'],
    );
    await waitUntil(async () => (await app.api('GET', `/api/conversations/${drafts[0].conversationId}`)).body.messages.length === 2, 10_000, 'the reply from Sent');
    const conversation = (await app.api('GET', `/api/conversations/${drafts[0].conversationId}`)).body;
    expect(conversation.status).toBe('waiting_on_them');
    expect(conversation.messages[1]).toMatchObject({ direction: 'out', messageId: 'answered-from-phone@fernhill.example' });
    const draft = (await app.api('GET', `/api/drafts/${drafts[0].id}`)).body;
    expect(draft).toMatchObject({ status: 'discarded' });
    expect(draft.discardReason).toMatch(/answered from another mail program/);
  });

  it('reads a Gmail mailbox once: INBOX, Sent Mail and a label, never All Mail, Important or Starred', async () => {
    const box = testMailbox('gmail');
    const question = customerMail('gm-oven@bakery.example', 'Oven safe?', 'Is the pan oven safe?');
    const noMessageId = `From: Maria Lopez <maria@bakery.example>\r\nTo: ${US}\r\nSubject: Lids\r\nDate: ${new Date().toUTCString()}\r\n\r\nDo you sell lids on their own?\r\n`;
    const reply = `From: Dana Okafor <${US}>\r\nTo: maria@bakery.example\r\nSubject: Re: Oven safe?\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <gm-reply@fernhill.example>\r\nIn-Reply-To: <gm-oven@bakery.example>\r\n\r\nYes, up to 260 degrees.\r\n`;
    const archived = customerMail('gm-archived@bakery.example', 'Old order', 'Only in All Mail.');
    const important = customerMail('gm-important@bakery.example', 'Urgent?', 'Only in Important.');
    const starred = customerMail('gm-starred@bakery.example', 'Starred', 'Only in Starred.');
    // Gmail shows a message in every folder it has a label for, and all of them again in All Mail.
    await box.append([question, noMessageId]);
    await box.append(reply, '[Gmail]/Sent Mail', ['\\Seen']);
    await box.append([question, noMessageId], 'Customers');
    await box.append([question, noMessageId, reply, archived], '[Gmail]/All Mail');
    await box.append([question, important], '[Gmail]/Important');
    await box.append([noMessageId, starred], '[Gmail]/Starred', ['\\Flagged']);
    sink ??= await SmtpSink.start();
    const app = await startTestApp({ sync: { pollMs: 300 } });
    apps.push(app);
    const added = await app.api('POST', '/api/mailboxes', {
      email: US,
      imapUrl: box.imapUrl,
      smtpUrl: sink.url,
      extraFolders: ['Customers', '[Gmail]/All Mail', '[Gmail]/Important', '[Gmail]/Starred'],
    });
    expect(added.status).toBe(201);
    await waitUntil(async () => (await app.api('GET', '/api/mailboxes')).body[0]?.initialSyncDone === true, 20_000, 'the first sync');
    const folders = (await app.api('GET', '/api/mailboxes')).body[0].folders.map((f: { path: string; role: string; synced: number }) => [f.path, f.role, f.synced]);
    expect(folders.sort()).toEqual([
      ['Customers', 'other', 2],
      ['INBOX', 'inbox', 2],
      ['[Gmail]/Sent Mail', 'sent', 1],
    ]);
    const stored = await app.rt.ctx.db
      .selectFrom('messages')
      .leftJoin('message_locations', 'message_locations.message_id', 'messages.id')
      .select((eb) => ['messages.subject', eb.fn.count<number>('message_locations.id').as('locations')])
      .groupBy(['messages.id', 'messages.subject'])
      .orderBy('messages.subject')
      .execute();
    expect(stored.map((m) => [m.subject, Number(m.locations)])).toEqual([
      ['Lids', 2],
      ['Oven safe?', 2],
      ['Re: Oven safe?', 1],
    ]);
  });

  it('waits when the server refuses a login for too many connections, then syncs everything once', async () => {
    const limited = await Dovecot.start({ maxConnectionsPerUser: 1 });
    try {
      const box = testMailbox('limit', limited);
      await box.append([customerMail('lim-1@bakery.example', 'Induction?', 'Does it work on induction?'), customerMail('lim-2@bakery.example', 'Lids', 'Do you sell lids?')]);
      // Another mail program holds the one connection the server allows.
      const other = await box.connect();
      const clock = new ManualClock(new Date());
      const app = await start(box, {}, { baseMs: 50, maxMs: 100, authRetryMs: 60_000, throttledMs: 400 }, clock);
      const mailbox = async () => (await app.api('GET', '/api/mailboxes')).body[0];
      await waitUntil(async () => (await mailbox())?.state === 'throttled', 10_000, 'the sync to see the limit');
      expect(await mailbox()).toMatchObject({ needsReconnect: false, lastError: expect.stringContaining('Maximum number of connections') });
      await other.append('INBOX', customerMail('lim-3@bakery.example', 'Gift wrap', 'Do you gift wrap?'));
      await other.logout();
      await waitDrivingClock(clock, async () => (await count(app, 'messages')) === 3 && (await mailbox()).state === 'idle', 20_000, 'the sync after the limit');
      expect(await count(app, 'drafts')).toBe(3);
      // It waited as long as the server's answer asks (here 400 ms, less jitter), not its usual 50 ms.
      const retries = app.logs
        .join('')
        .split('\n')
        .filter((l) => l.includes('will reconnect'))
        .map((l) => JSON.parse(l).retryInMs as number);
      expect(retries.length).toBeGreaterThan(0);
      for (const ms of retries) expect(ms).toBeGreaterThanOrEqual(200);
    } finally {
      await limited.stop();
    }
  });

  it('syncs again from the start on request without duplicating and backfills what is missing', async () => {
    const box = testMailbox('resync');
    await box.append(generateMail({ count: 40, seed: 11, tag: box.user }).map((m) => m.raw));
    const app = await start(box);
    await waitUntil(async () => (await inbox(app)).synced === 40, 20_000, 'the first sync');
    // Lose some stored messages (as a bad restore would), then ask for the sync from the start.
    const some = await app.rt.ctx.db.selectFrom('messages').select('id').orderBy('id').limit(5).execute();
    await app.rt.ctx.db
      .deleteFrom('messages')
      .where(
        'id',
        'in',
        some.map((m) => m.id),
      )
      .execute();
    const mailboxId = (await app.api('GET', '/api/mailboxes')).body[0].id;
    const res = await app.api('POST', `/api/mailboxes/${mailboxId}/resync`, {});
    expect(res.status).toBe(202);
    await waitUntil(async () => (await count(app, 'messages')) === 40 && (await app.api('GET', '/api/mailboxes')).body[0].initialSyncDone, 20_000, 'the backfill');
    await queuesSettled(app);
    expect(await count(app, 'messages')).toBe(40);
    expect(await inbox(app)).toMatchObject({ messages: 40, synced: 40 });
    expect(await count(app, 'drafts')).toBe(0);
  });
});
