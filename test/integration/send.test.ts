import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime } from '../../cli/runtime.ts';
import { loadConfig } from '../../core/config.ts';
import { openPostgres } from '../../core/db/database.ts';
import { migrateToLatest } from '../../core/db/migrate.ts';
import { approveDraft, undoApproval } from '../../core/drafts/drafts.ts';
import { createUser } from '../../core/users/users.ts';
import { jobId } from '../../workers/queues.ts';
import { queuesSettled, startTestApp, type TestApp } from '../support/app.ts';
import { approvedDrafts, writtenDraft } from '../support/drafts.ts';
import { processEnv, startLonghand } from '../support/longhand-process.ts';
import { deleteRedisPrefix, privateRedis } from '../support/redis-keys.ts';
import { postgresDatabase, SmtpSink, testMailbox, uniqueName, waitUntil } from '../support/servers.ts';

const US = 'support@fernhill.example';

async function draftStatus(app: TestApp, id: number): Promise<any> {
  return (await app.api('GET', `/api/drafts/${id}`)).body;
}

describe('sending exactly once', () => {
  let sink: SmtpSink;
  const apps: TestApp[] = [];
  const start = async (extra: Record<string, string> = {}) => {
    sink = await SmtpSink.start();
    const box = testMailbox('send');
    const app = await startTestApp({ env: { LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: US, ...extra } });
    apps.push(app);
    await waitUntil(async () => (await app.api('GET', '/api/mailboxes')).body[0]?.initialSyncDone === true, 10_000, 'the mailbox');
    const owner = await app.rt.ctx.db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
    const mailboxId = (await app.api('GET', '/api/mailboxes')).body[0].id as number;
    return { app, owner, mailboxId };
  };
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await sink?.close();
  });

  it('retries a server that answers 451, and sends once when it answers 250', async () => {
    const { app, owner, mailboxId } = await start();
    sink.answer = (attempt) => (attempt === 1 ? { code: 451, message: '4.3.0 Try again later' } : null);
    const [id] = await approvedDrafts(app.rt.ctx, mailboxId, owner, 1);
    await waitUntil(async () => (await draftStatus(app, id!)).status === 'sent', 20_000, 'the retried send');
    expect(sink.attempts).toBe(2);
    expect(sink.received).toHaveLength(1);
    const outbox = await app.rt.ctx.db.selectFrom('outbox').selectAll().where('draft_id', '=', id!).executeTakeFirstOrThrow();
    expect(outbox).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it("puts the draft in failed with the server's words when it answers 550, and does not try again", async () => {
    const { app, owner, mailboxId } = await start();
    sink.answer = () => ({ code: 550, message: '5.1.1 No such user here' });
    const [id] = await approvedDrafts(app.rt.ctx, mailboxId, owner, 1);
    await waitUntil(async () => (await draftStatus(app, id!)).status === 'failed', 10_000, 'the failure');
    expect((await draftStatus(app, id!)).failure).toContain('5.1.1 No such user here');
    // A permanent refusal ends the job: no retry is waiting or delayed.
    const row = await app.rt.ctx.db.selectFrom('outbox').select(['id', 'state']).where('draft_id', '=', id!).executeTakeFirstOrThrow();
    expect(row.state).toBe('failed');
    await expect.poll(async () => (await app.rt.queues!.send.getJob(jobId.send(row.id)))?.getState()).toMatch(/^(completed|failed)$/);
    expect(sink.attempts).toBe(1);
    expect(sink.received).toHaveLength(0);
  });

  it('keeps an approval in its undo window, and undo takes it back before anything is sent', async () => {
    const { app, owner, mailboxId } = await start({ LONGHAND_UNDO_SECONDS: '2' });
    const id = await writtenDraft(app.rt.ctx, mailboxId, owner, 1);
    const approved = await approveDraft(app.rt.ctx, id, owner);
    expect(approved.status).toBe('approved');
    expect(approved.send_after!.getTime() - approved.approved_at!.getTime()).toBe(2_000);
    const undone = await undoApproval(app.rt.ctx, id, owner);
    expect(undone.status).toBe('pending');
    // Undone in the database, and its job gone: nothing can send it.
    expect((await app.rt.ctx.db.selectFrom('outbox').select('state').where('draft_id', '=', id).executeTakeFirstOrThrow()).state).toBe('cancelled');
    const outboxId = (await app.rt.ctx.db.selectFrom('outbox').select('id').where('draft_id', '=', id).executeTakeFirstOrThrow()).id;
    expect(await app.rt.queues!.send.getJob(jobId.send(outboxId))).toBeUndefined();
    expect(sink.received).toHaveLength(0);
    expect((await draftStatus(app, id)).status).toBe('pending');

    // Approved again and left alone, it goes out after the window, once.
    const again = await app.api('POST', `/api/drafts/${id}/approve`, { version: undone.version });
    expect(again.body.status).toBe('approved');
    const undoneAgain = await app.api('POST', `/api/drafts/${id}/undo`, {});
    expect(undoneAgain.status).toBe(200);
    expect((await app.api('POST', `/api/drafts/${id}/approve`, { version: undoneAgain.body.version })).status).toBe(200);
    await sink.waitFor(1);
    await waitUntil(async () => (await draftStatus(app, id)).status === 'sent', 10_000, 'the send');
    const late = await app.api('POST', `/api/drafts/${id}/undo`, {});
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('Too late to undo');
    expect(sink.received).toHaveLength(1);
  });

  it('refuses an approval by API when the recipients changed after the approver reviewed the draft, and sends what was reviewed', async () => {
    const { app, owner, mailboxId } = await start({ LONGHAND_UNDO_SECONDS: '0' });
    const id = await writtenDraft(app.rt.ctx, mailboxId, owner, 1);
    const reviewed = await draftStatus(app, id);
    // An agent swaps the recipient after the approver read the draft.
    const swapped = await app.api('PATCH', `/api/drafts/${id}`, { to: [{ address: 'someone-else@elsewhere.example', name: '' }] });
    expect(swapped.body.version).toBeGreaterThan(reviewed.version);

    const stale = await app.api('POST', `/api/drafts/${id}/approve`, { version: reviewed.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('draft_changed');
    expect(stale.body.error.message).toContain('changed since you reviewed it');
    expect((await draftStatus(app, id)).status).toBe('pending');
    expect(await app.rt.ctx.db.selectFrom('outbox').select('id').where('draft_id', '=', id).execute()).toEqual([]);

    const unpinned = await app.api('POST', `/api/drafts/${id}/approve`, {});
    expect(unpinned.status).toBe(400);
    expect(unpinned.body.error.message).toMatch(/^version:/);

    const current = await draftStatus(app, id);
    expect((await app.api('POST', `/api/drafts/${id}/approve`, { version: current.version })).status).toBe(200);
    await waitUntil(async () => (await draftStatus(app, id)).status === 'sent', 10_000, 'the send');
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]!.envelope.to).toEqual(['someone-else@elsewhere.example']);
  });

  it('sends every approved draft once after Redis lost everything', async () => {
    const redis = await privateRedis();
    let app: TestApp | undefined;
    try {
      const started = await start({ REDIS_URL: redis.url, LONGHAND_UNDO_SECONDS: '2' });
      app = started.app;
      const { owner, mailboxId } = started;
      const ids = await approvedDrafts(app.rt.ctx, mailboxId, owner, 5);
      await redis.flushAll();
      await waitUntil(async () => (await Promise.all(ids.map((id) => draftStatus(app!, id)))).every((d) => d.status === 'sent'), 20_000, 'all five sent');
      await queuesSettled(app);
      const received = sink.received.map((m) => m.parsed.messageId);
      expect(received).toHaveLength(5);
      expect(new Set(received).size).toBe(5);
    } finally {
      // The app first: it must not outlive the Redis it talks to.
      if (app) await apps.splice(apps.indexOf(app), 1)[0]!.close();
      await redis.stop();
    }
  });
});

describe('a send worker killed in the middle of 200 sends', () => {
  let sink: SmtpSink;
  let database: Awaited<ReturnType<typeof postgresDatabase>>;
  let rt: Runtime;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  afterAll(async () => {
    await rt?.close();
    await sink?.close();
    await database?.drop();
    if (env) await deleteRedisPrefix(env.LONGHAND_QUEUE_PREFIX!);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers each exactly once, or leaves it for a person to check, never twice', async () => {
    sink = await SmtpSink.start();
    sink.delayMs = 15;
    database = await postgresDatabase('kill');
    const migrating = await openPostgres(database.url);
    await migrateToLatest(migrating.db);
    await migrating.close();
    const box = testMailbox('killsend');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-kill-'));
    env = processEnv(
      { dataDir, queuePrefix: uniqueName('kill'), databaseUrl: database.url },
      { LONGHAND_UNDO_SECONDS: '0', LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: US },
    );
    // The drafts are approved with no queue at all: the worker finds them in the outbox when it starts.
    rt = await openRuntime({ queues: false, config: loadConfig(env) });
    const owner = await createUser(rt.ctx, { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'owner' });
    const mailboxId = (await rt.ctx.db.selectFrom('mailboxes').select('id').executeTakeFirstOrThrow()).id;
    const ids = await approvedDrafts(rt.ctx, mailboxId, owner, 200);

    const first = await startLonghand(['worker'], env);
    await waitUntil(() => sink.received.length >= 40, 60_000, '40 mails out');
    await first.stop('SIGKILL');
    const atKill = sink.received.length;
    const second = await startLonghand(['worker'], env);
    try {
      const settled = async () =>
        (await rt.ctx.db.selectFrom('drafts').select('status').where('id', 'in', ids).execute()).every((d) => d.status === 'sent' || d.status === 'uncertain');
      await waitUntil(settled, 90_000, 'every draft sent or set aside');
    } finally {
      await second.stop();
    }

    const received = sink.received.map((m) => m.parsed.messageId!.replace(/^<|>$/g, ''));
    const counts = new Map<string, number>();
    for (const id of received) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);

    const rows = await rt.ctx.db
      .selectFrom('outbox')
      .innerJoin('drafts', 'drafts.id', 'outbox.draft_id')
      .select(['outbox.message_id', 'drafts.status'])
      .where('drafts.id', 'in', ids)
      .execute();
    const sent = rows.filter((r) => r.status === 'sent');
    const uncertain = rows.filter((r) => r.status === 'uncertain');
    // Every draft recorded as sent reached the server exactly once.
    for (const r of sent) expect(counts.get(r.message_id), r.message_id).toBe(1);
    // Only the few in flight at the moment of the kill are in doubt (at most the send concurrency), never resent.
    expect(uncertain.length).toBeLessThanOrEqual(4);
    expect(sent.length + uncertain.length).toBe(200);
    expect(atKill).toBeLessThan(200);
  }, 180_000);
});
