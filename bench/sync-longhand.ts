/**
 * The Longhand side of bench:sync, in a process of its own so that its memory is Longhand's alone: the
 * whole runtime as `longhand start` runs it (web app aside), on a fresh database. The parent (sync.ts)
 * drives it over IPC: it reports when a mailbox's first sync is done, and when a message's draft is visible.
 */
import fs from 'node:fs';
import { openRuntime } from '../cli/runtime.ts';
import { loadConfig } from '../core/config.ts';
import { parseServerUrl, type ServerSettings } from '../core/mail/server-url.ts';
import { upsertMailbox } from '../core/mailboxes/mailboxes.ts';
import { startWorkers } from '../workers/index.ts';

type Command = { cmd: 'add-mailbox'; email: string; imapUrl: string } | { cmd: 'draft-for'; messageId: string } | { cmd: 'stop' };

const send = (message: object) => process.send!(message);
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);
/** The kernel's own count of the most memory this process has held, in KiB. */
const peakKiB = () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);

const config = loadConfig(process.env);
const rt = await openRuntime({ queues: true, config });
const db = rt.ctx.db;
global.gc?.();
const baseline = process.memoryUsage().rss;
let sampled = baseline;
const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 20);
const started = performance.now();
const workers = await startWorkers(rt.ctx, { connection: rt.redis!, redis: rt.redis!, queues: rt.queues!, prefix: config.queuePrefix, ownership: { scanMs: 100 } });
send({ event: 'started', baselineMiB: mib(baseline), kind: rt.database.kind });

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 5));
}

const syncedAt = async (email: string) => (await db.selectFrom('mailboxes').select('initial_sync_done').where('email', '=', email).executeTakeFirst())?.initial_sync_done === true;

async function reportSync(email: string, since: number): Promise<void> {
  await until(() => syncedAt(email));
  const ms = performance.now() - since;
  const count = async (table: 'messages' | 'conversations') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  send({
    event: 'synced',
    email,
    ms,
    messages: await count('messages'),
    conversations: await count('conversations'),
    sampledPeakMiB: mib(sampled),
    peakMiB: Math.round(peakKiB() / 1024),
  });
}

process.on('message', async (c: Command) => {
  if (c.cmd === 'add-mailbox') {
    const since = performance.now();
    await upsertMailbox(rt.ctx, {
      name: c.email,
      email: c.email,
      imap: parseServerUrl(c.imapUrl, 'imap') as ServerSettings,
      smtp: parseServerUrl('smtp://127.0.0.1:1?tls=off', 'smtp') as ServerSettings,
      source: 'ui',
    });
    send({ event: 'added', email: c.email });
    await reportSync(c.email, since);
  } else if (c.cmd === 'draft-for') {
    await until(async () =>
      Boolean(
        await db
          .selectFrom('drafts')
          .innerJoin('messages', 'messages.id', 'drafts.answers_message_id')
          .select('drafts.id')
          .where('messages.message_id', '=', c.messageId)
          .executeTakeFirst(),
      ),
    );
    send({ event: 'draft', messageId: c.messageId });
  } else {
    clearInterval(sampler);
    await workers.close();
    await rt.close();
    process.exit(0);
  }
});

await reportSync(config.mailbox!.from, started);
