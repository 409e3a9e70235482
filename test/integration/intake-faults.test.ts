import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { takeIn } from '../../core/intake/intake.ts';
import { upsertMailbox } from '../../core/mailboxes/mailboxes.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { compose } from '../support/compose.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { testMailbox, waitUntil } from '../support/servers.ts';

/** A Message-ID of about 3 KB that does not compress: more than the database can index. */
const LONG_ID = `${Array.from({ length: 990 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20000))).join('')}@mail.example`;

/** The database refuses these messages, as it would any it cannot take (a fault put in on purpose). */
async function refuseSubject(db: TestCtx['db'], subject: string): Promise<void> {
  await sql
    .raw(`
      create function refuse_message() returns trigger language plpgsql as $$
      begin
        if new.subject = '${subject}' then raise exception 'refused on purpose: %', new.subject using errcode = '22000'; end if;
        return new;
      end $$`)
    .execute(db);
  await sql.raw('create trigger refuse_message before insert on messages for each row execute function refuse_message()').execute(db);
}

const mail = (id: string, subject: string, o: { inReplyTo?: string; from?: string } = {}) =>
  compose({ id, from: o.from ?? 'Ruth Calloway <ruth@calloway.example>', subject, date: 'Mon, 3 Aug 2026 09:14:22 +0100', body: `About ${subject}.`, inReplyTo: o.inReplyTo });

describe('intake when the database refuses a message', () => {
  let ctx: TestCtx | null = null;
  let app: TestApp | null = null;
  afterEach(async () => {
    await ctx?.close();
    await app?.close();
    ctx = null;
    app = null;
  });

  it('threads a message whose Message-ID is too long to index, with the reply that references it', async () => {
    const c = await testContext();
    ctx = c;
    const [first, reply] = await takeIn(c, [
      { source: mail(LONG_ID, 'A very long id'), origin: 'import', mailboxId: null, historical: true },
      { source: mail('reply@calloway.example', 'Re: A very long id', { inReplyTo: LONG_ID }), origin: 'import', mailboxId: null, historical: true },
    ]);
    expect(first!.duplicate).toBe(false);
    expect(reply!.conversationId).toBe(first!.conversationId);
    const stored = await c.db.selectFrom('messages').select(['message_id', 'warnings']).where('id', '=', first!.messageId).executeTakeFirstOrThrow();
    expect(stored.message_id).toMatch(/^[0-9a-f]{64}@long-id\.invalid$/);
    expect(stored.warnings).toEqual([]);
  });

  it('stores the rest of the batch, threaded, and the refused message bare with the reason', async () => {
    const c = await testContext();
    ctx = c;
    await refuseSubject(c.db, 'Refuse me');
    const results = await takeIn(c, [
      { source: mail('q1@calloway.example', 'Lids'), origin: 'import', mailboxId: null, historical: true },
      { source: mail('bad@calloway.example', 'Refuse me'), origin: 'import', mailboxId: null, historical: true },
      { source: mail('q2@calloway.example', 'Re: Lids', { inReplyTo: 'q1@calloway.example' }), origin: 'import', mailboxId: null, historical: true },
      { source: mail('q3@other.example', 'Knives', { from: 'Owen <owen@other.example>' }), origin: 'import', mailboxId: null, historical: true },
    ]);
    expect(results.map((r) => r.duplicate)).toEqual([false, false, false, false]);
    expect(results[2]!.conversationId).toBe(results[0]!.conversationId);
    const rows = await c.db.selectFrom('messages').select(['id', 'subject', 'warnings', 'text']).orderBy('id').execute();
    expect(rows.map((r) => r.subject).sort()).toEqual(['(a message that could not be stored as read)', 'Knives', 'Lids', 'Re: Lids']);
    const bare = rows.find((r) => r.id === results[1]!.messageId)!;
    expect(bare.warnings.join(' ')).toContain('refused on purpose: Refuse me');
    // Its bytes are kept whole, to be read again once whatever refused it is fixed.
    const stored = await c.db.selectFrom('message_sources').select(['source', 'gzip']).where('message_id', '=', bare.id).executeTakeFirstOrThrow();
    expect(stored.gzip).toBe(true);
    expect(gunzipSync(stored.source).toString()).toContain('Subject: Refuse me');
    expect(c.logs.join('')).toContain('the database refused a message as read: storing it bare');
  });

  it('does not stall a mailbox: the first sync goes past the refused message and keeps every other one', async () => {
    app = await startTestApp();
    await refuseSubject(app.rt.ctx.db, 'Refuse me');
    const box = testMailbox('refused');
    const messages = Array.from({ length: 40 }, (_, i) => (i === 17 ? mail('bad@calloway.example', 'Refuse me') : mail(`m${i}@calloway.example`, `Question ${i} about the pans`)));
    await box.append(messages);
    await upsertMailbox(app.rt.ctx, {
      name: 'Fernhill',
      email: 'support@fernhill.example',
      imap: { host: '127.0.0.1', port: box.port, secure: false, plaintext: true, user: box.user, password: box.password },
      smtp: { host: '127.0.0.1', port: 1, secure: false, plaintext: true, user: '', password: '' },
      source: 'ui',
    });
    await waitUntil(async () => (await app!.api('GET', '/api/mailboxes')).body[0]?.initialSyncDone === true, 60_000, 'the first sync');
    const rows = await app.rt.ctx.db.selectFrom('messages').select(['subject', 'warnings']).execute();
    expect(rows).toHaveLength(40);
    expect(rows.filter((r) => r.warnings.some((w) => w.includes('refused on purpose')))).toHaveLength(1);
    expect((await app.api('GET', '/api/mailboxes')).body[0]).toMatchObject({ behind: 0, lastError: null });
  });
});
