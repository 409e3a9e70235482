/**
 * npm run bench:send [-- --count 2000]
 *
 * In one run, to a local smtp-server:
 *  (a) the floor: raw nodemailer sending the same replies over a pool of 4 connections;
 *  (b) Longhand: N approved drafts (undo window 0) through the send workers, each filed in Sent on a
 *      real Dovecot and joined to its conversation, as in production;
 * and the time from approval to SMTP accepted, median and 95th percentile: in that bulk run (each waits
 * behind the ones approved before it) and for single approvals made one at a time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { openRuntime } from '../cli/runtime.ts';
import { loadConfig } from '../core/config.ts';
import { openPglite } from '../core/db/database.ts';
import { approveDraft } from '../core/drafts/drafts.ts';
import { createUser } from '../core/users/users.ts';
import { Dovecot } from '../test/support/dovecot.ts';
import { writtenDraft } from '../test/support/drafts.ts';
import { deleteRedisPrefix } from '../test/support/redis-keys.ts';
import { startWorkers } from '../workers/index.ts';
import { percentile, report } from './report.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '2000' }, single: { type: 'string', default: '50' } } });
const count = Number(values.count);
const singles = Number(values.single);

/** Accepts everything and notes when each Message-ID arrived. */
const accepted = new Map<string, number>();
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    simpleParser(stream).then((m) => {
      accepted.set((m.messageId ?? '').replace(/^<|>$/g, ''), performance.now());
      callback();
    }, callback);
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
const smtpPort = (smtp.server.address() as { port: number }).port;
const dovecot = await Dovecot.start();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-bench-send-'));
const prefix = `lhbenchsend${process.pid}`;

const waitFor = async (n: number) => {
  while (accepted.size < n) await new Promise((r) => setTimeout(r, 5));
};

try {
  const config = loadConfig({
    LONGHAND_DATA_DIR: dataDir,
    LONGHAND_QUEUE_PREFIX: prefix,
    LONGHAND_LOG_LEVEL: 'warn',
    LONGHAND_UNDO_SECONDS: '0',
    LONGHAND_IMAP_URL: `imap://bench:${dovecot.password}@127.0.0.1:${dovecot.port}?tls=off`,
    LONGHAND_SMTP_URL: `smtp://127.0.0.1:${smtpPort}?tls=off`,
    LONGHAND_FROM: 'support@fernhill.example',
  });
  const rt = await openRuntime({ queues: true, config, database: await openPglite(dataDir) });
  const owner = await createUser(rt.ctx, { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'owner' });
  const mailboxId = (await rt.ctx.db.selectFrom('mailboxes').select('id').executeTakeFirstOrThrow()).id;
  let t = performance.now();
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(await writtenDraft(rt.ctx, mailboxId, owner, i));
  const singleIds: number[] = [];
  for (let i = 0; i < singles; i++) singleIds.push(await writtenDraft(rt.ctx, mailboxId, owner, count + i));
  console.log(`prepared ${count + singles} written drafts in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // (a) The floor: the same replies as Longhand builds them, sent by nodemailer over a pool.
  const sample = await rt.ctx.db.selectFrom('drafts').select(['subject', 'body', 'to']).where('id', 'in', ids).execute();
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, pool: true, maxConnections: 4, ignoreTLS: true });
  t = performance.now();
  await Promise.all(
    sample.map((d, i) =>
      transport.sendMail({
        from: 'Dana at Fernhill <support@fernhill.example>',
        to: d.to.map((a) => a.address),
        subject: d.subject,
        text: d.body,
        html: `<p>${d.body}</p>`,
        messageId: `<raw-${i}@bench.example>`,
      }),
    ),
  );
  const floorMs = performance.now() - t;
  transport.close();
  accepted.clear();

  // (b) Longhand: approve each (undo window 0) and let the send workers do the rest.
  const workers = await startWorkers(rt.ctx, { connection: rt.redis!, redis: rt.redis!, queues: rt.queues!, prefix });
  const approvedAt = new Map<number, number>();
  t = performance.now();
  for (const id of ids) {
    approvedAt.set(id, performance.now());
    await approveDraft(rt.ctx, id, owner);
  }
  await waitFor(count);
  const longhandMs = performance.now() - t;
  const rows = await rt.ctx.db.selectFrom('outbox').select(['draft_id', 'message_id']).where('draft_id', 'in', ids).execute();
  const latencies = rows.map((r) => accepted.get(r.message_id)! - approvedAt.get(r.draft_id)!);

  // (c) One approval at a time: nothing queued ahead of it.
  const single: number[] = [];
  for (const id of singleIds) {
    const start = performance.now();
    await approveDraft(rt.ctx, id, owner);
    await waitFor(accepted.size + 1);
    single.push(performance.now() - start);
  }
  await workers.close();
  await rt.close();
  await rt.database.close();

  report('bench:send', [
    `replies: ${count}; accepted by the SMTP server from Longhand: ${accepted.size}`,
    `(a) raw nodemailer, pool of 4: ${(floorMs / 1000).toFixed(2)} s = ${Math.round(count / (floorMs / 1000))} mails/s`,
    `(b) Longhand send workers (concurrency 4; each reply also joined to its conversation and filed in Sent on Dovecot): ${(longhandMs / 1000).toFixed(2)} s = ${Math.round(count / (longhandMs / 1000))} mails/s`,
    `ratio (b)/(a): ${(longhandMs / floorMs).toFixed(1)}x the floor`,
    `approval (undo window 0) to SMTP accepted, in the bulk run: median ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms`,
    `approval (undo window 0) to SMTP accepted, ${singles} single approvals: median ${percentile(single, 50).toFixed(0)} ms, p95 ${percentile(single, 95).toFixed(0)} ms`,
  ]);
} finally {
  smtp.close();
  await dovecot.stop();
  await deleteRedisPrefix(prefix);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
