/**
 * npm run bench:threads [-- --messages 100000 --batch 250 --requests 300 --postgres postgres://...]
 *
 * Threads generated support mail through the real intake path (core/intake, in batches of --batch messages,
 * prepared in this thread) into an in-memory PGlite (or PostgreSQL), reports messages per second at 10k, 25k,
 * 50k and 100k messages (flat is the goal), measures two floors in the same run (parsing alone, and storing
 * the same rows with plain INSERTs), checks that the real-mail fixture and a generated sample make the same
 * conversations at batch sizes 1, 7 and 250, then the median and 95th percentile of GET /api/customers/:id
 * and GET /api/search over HTTP with all that mail loaded.
 */

import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import os from 'node:os';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { systemClock } from '../core/clock.ts';
import { loadConfig } from '../core/config.ts';
import type { Ctx } from '../core/context.ts';
import { exportThreads } from '../core/conversations/export.ts';
import { type Database, openMemoryPglite, openPostgres } from '../core/db/database.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { takeIn } from '../core/intake/intake.ts';
import { inThisThread } from '../core/intake/preparer.ts';
import { noJobs } from '../core/jobs.ts';
import { createLogger } from '../core/logger.ts';
import { readMbox } from '../core/mail/mbox.ts';
import { parseMessage } from '../core/mail/parse.ts';
import { extractNewText } from '../core/mail/quotes.ts';
import { OurAddresses } from '../core/mailboxes/our-addresses.ts';
import { createSecretBox } from '../core/secrets.ts';
import { createToken } from '../core/users/tokens.ts';
import { createUser } from '../core/users/users.ts';
import { createApp } from '../server/app.ts';
import { US } from '../test/support/followups.ts';
import { seededRandom } from '../test/support/mail-generator.ts';
import { offlineMailbox } from '../test/support/offline-mailbox.ts';
import { percentile } from './report.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '50000' },
    requests: { type: 'string', default: '300' },
    postgres: { type: 'string' },
    seed: { type: 'string', default: '7' },
    batch: { type: 'string', default: '250' },
  },
});
const TOTAL = Number(args.messages);
const REQUESTS = Number(args.requests);
const SEED = Number(args.seed);
const FLOOR_SAMPLE = Math.min(5_000, TOTAL);
const BATCH = Number(args.batch);
/** The grouping check: the same messages taken in at these batch sizes must make the same conversations. */
const GROUPING_BATCHES = [1, 7, 250];
const GROUPING_SAMPLE = Math.min(3_000, TOTAL);

// ---------------------------------------------------------------------------------------------
// Generated mail: customers with several conversations, reply chains with full References and quoted
// history, some replies that lost their references (subject only), some messages arriving out of order.

const FIRST = [
  'Maria',
  'Jonas',
  'Aisha',
  'Ben',
  'Camille',
  'Ruth',
  'Owen',
  'Mei',
  'Lukas',
  'Priya',
  'Nadia',
  'Gareth',
  'Julia',
  'Tom',
  'Sofia',
  'Kenji',
  'Amara',
  'Lars',
  'Elena',
  'Diego',
  'Ines',
  'Pavel',
  'Zoe',
  'Ahmed',
  'Hanna',
  'Marco',
  'Yuki',
  'Chloe',
  'Emeka',
  'Greta',
];
const LAST = [
  'Lopez',
  'Berg',
  'Bello',
  'Oduya',
  'Dubois',
  'Calloway',
  'Fairweather',
  'Chen',
  'Brandt',
  'Nair',
  'Haddad',
  'Pryce',
  'Marchetti',
  'Baker',
  'Rossi',
  'Sato',
  'Okoye',
  'Nilsen',
  'Petrova',
  'Alvarez',
  'Novak',
  'Fischer',
  'Moreau',
  'Kowalski',
  'Jensen',
  'Silva',
  'Tanaka',
  'Murphy',
  'Weber',
  'Costa',
];
const PLACES = ['alder', 'birch', 'cedar', 'linden', 'maple', 'rowan', 'willow', 'harbour', 'hill', 'meadow', 'river', 'stone', 'brook', 'field', 'north', 'old-town'];
const TRADES = ['bakery', 'kitchen', 'cafe', 'bistro', 'hotel', 'cookschool', 'trattoria', 'deli', 'catering', 'atelier'];
const FREE = ['gmail.com', 'outlook.com', 'web.de', 'yahoo.fr', 'icloud.com', 'gmx.net'];
const SUBJECTS = [
  'Does the 28 cm pan work on induction?',
  'Order delivery',
  'Warped frying pan',
  'Replacement handles',
  'Invoice with our VAT number',
  'Knife sharpening',
  'Gift wrap',
  'Wholesale prices',
  'Lid for the casserole',
  'Return label',
  'Cast iron seasoning',
  'Damaged box',
  'Engraving on a knife',
  'Discount code not working',
  'Delivery address change',
  'Whetstone grit',
  'Oven safe handles?',
  'Lieferung nach Wien',
  'Commande en retard',
  'Pedido incompleto',
];
const QUESTIONS = [
  'Could you check where my order is?',
  'The tracking has not moved for three days.',
  'Does it work on an induction hob?',
  'How heavy is the 28 cm pan?',
  'Can I return it if it does not fit?',
  'Do you sell replacement handles?',
  'Could you send the invoice with our VAT number?',
  'Which whetstone grit would you recommend?',
  'Is the handle oven safe at 250 degrees?',
  'Can you engrave a name on the blade?',
  'The discount code says it has expired.',
  'We would like to order twenty pans for the restaurant.',
  'Wann kommt meine Lieferung?',
  'Ma commande n’est toujours pas arrivée.',
  'Falta una tapa en el pedido.',
  'The box arrived crushed, the pan looks fine though.',
  'How do I season the cast iron skillet?',
];
const REPLIES = [
  'Thanks for the quick answer.',
  'That worked, thank you!',
  'Still nothing here, I am getting worried.',
  'Perfect, I have placed the order.',
  'One more question: does it come with a lid?',
  'Great, the invoice is exactly what we needed.',
  'Danke, das hat geholfen.',
  'Merci beaucoup !',
  'Could you also send a photo?',
];
const OURS = [
  'Thanks for writing in.',
  'I have checked with the warehouse and your parcel left yesterday.',
  'Yes, it works on induction and in the oven.',
  'I have attached the corrected invoice.',
  'A replacement is on its way today.',
  'The 24 cm lid fits it perfectly.',
  'I have extended the code for you.',
];

interface Customer {
  name: string;
  address: string;
  company: string | null;
}

interface Thread {
  customer: Customer;
  subject: string;
  ids: string[];
  last: { name: string; date: Date; text: string };
  fromUs: boolean;
  left: number;
}

interface Generated {
  raw: string;
  /** An address to search for, a name, words: what the HTTP half asks about. */
  customer: Customer;
}

function* generateMail(total: number, seed: number, end: Date): Generator<Generated> {
  const r = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const customers: Customer[] = [];
  const active: Thread[] = [];
  const stepMs = Math.round((700 * 86_400_000) / total);
  let at = end.getTime() - 700 * 86_400_000;
  let seq = 0;
  const newCustomer = (): Customer => {
    const first = pick(FIRST);
    const last = pick(LAST);
    const company = r() < 0.6 ? `${pick(PLACES)}-${pick(TRADES)}${Math.floor(r() * 400)}.example` : null;
    const local = `${first}.${last}${customers.length}`.toLowerCase();
    const c = { name: `${first} ${last}`, address: `${local}@${company ?? pick(FREE)}`, company };
    customers.push(c);
    return c;
  };
  const message = (t: Thread, from: { name: string; address: string }, to: string, subjectOnly: boolean, text: string): string => {
    const id = `${++seq}.${Math.floor(r() * 1e9).toString(36)}@${from.address.split('@')[1]}`;
    at += Math.max(1000, Math.round(stepMs * (0.2 + r() * 1.6)));
    const date = new Date(at);
    const reply = t.ids.length > 0;
    const quote = reply
      ? `\n\nOn ${t.last.date.toUTCString()}, ${t.last.name} wrote:\n${t.last.text
          .split('\n')
          .map((l) => `> ${l}`)
          .join('\n')}`
      : '';
    const signature = from.address !== US && r() < 0.2 ? `\n\n-- \n${from.name}${t.customer.company ? `\n${t.customer.company.split('.')[0]}` : ''}` : '';
    const headers = [
      `From: ${from.name} <${from.address}>`,
      `To: ${to}`,
      `Subject: ${reply ? 'Re: ' : ''}${t.subject}`,
      `Date: ${date.toUTCString()}`,
      `Message-ID: <${id}>`,
      ...(reply && !subjectOnly
        ? [
            `In-Reply-To: <${t.ids[t.ids.length - 1]}>`,
            `References: ${t.ids
              .slice(-20)
              .map((x) => `<${x}>`)
              .join(' ')}`,
          ]
        : []),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
    ];
    t.ids.push(id);
    t.last = { name: from.name, date, text };
    return `${headers.join('\r\n')}\r\n\r\n${(text + signature + quote).replace(/\n/g, '\r\n')}\r\n`;
  };
  for (let n = 0; n < total; n++) {
    let t: Thread;
    if (active.length === 0 || (active.length < 3000 && r() < 0.32)) {
      const customer = customers.length > 20 && r() < 0.55 ? pick(customers) : newCustomer();
      t = { customer, subject: pick(SUBJECTS), ids: [], last: { name: '', date: new Date(at), text: '' }, fromUs: false, left: 1 + Math.floor(r() * r() * 9) };
      active.push(t);
    } else {
      t = pick(active);
    }
    const text = t.fromUs ? `Hi ${t.customer.name.split(' ')[0]},\n\n${pick(OURS)} ${pick(OURS)}\n\nDana` : `${t.ids.length ? pick(REPLIES) : pick(QUESTIONS)} ${pick(QUESTIONS)}`;
    const from = t.fromUs ? { name: 'Dana Okafor', address: US } : { name: t.customer.name, address: t.customer.address };
    const raw = message(t, from, t.fromUs ? `${t.customer.name} <${t.customer.address}>` : US, !t.fromUs && t.ids.length > 0 && r() < 0.04, text);
    t.fromUs = !t.fromUs;
    if (--t.left <= 0) active.splice(active.indexOf(t), 1);
    yield { raw, customer: t.customer };
  }
}

/** Local disorder (a window of 32) and a few messages arriving thousands of messages late. */
function* outOfOrder(source: Iterable<Generated>, seed: number): Generator<Generated> {
  const r = seededRandom(seed);
  const window: Generated[] = [];
  const late: Array<{ at: number; mail: Generated }> = [];
  let n = 0;
  const next = function* (): Generator<Generated> {
    n++;
    const due = late.findIndex((l) => l.at <= n);
    if (due >= 0) yield late.splice(due, 1)[0]!.mail;
    yield window.splice(Math.floor(r() * window.length), 1)[0]!;
  };
  for (const mail of source) {
    if (r() < 0.01) late.push({ at: n + 5_000, mail });
    else window.push(mail);
    if (window.length >= 32) yield* next();
  }
  while (window.length) yield* next();
  for (const l of late) yield l.mail;
}

// ---------------------------------------------------------------------------------------------

async function openDatabase(): Promise<{ database: Database; label: string; drop: () => Promise<void> }> {
  if (!args.postgres) {
    const database = await openMemoryPglite();
    await migrateToLatest(database.db);
    return { database, label: 'PGlite (in memory)', drop: async () => {} };
  }
  const name = `longhand_bench_${Date.now()}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: args.postgres });
    await c.connect();
    await c.query(q);
    await c.end();
  };
  await admin(`create database ${name}`);
  const url = new URL(args.postgres);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString());
  await migrateToLatest(database.db);
  const version = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(database.db);
  return { database, label: `PostgreSQL ${version.rows[0]!.v}`, drop: () => admin(`drop database if exists ${name} with (force)`) };
}

function contextFor(database: Database): Ctx {
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  return {
    db: database.db,
    config: loadConfig({ LONGHAND_DATA_DIR: os.tmpdir(), LONGHAND_LOG_LEVEL: 'error' }),
    clock: systemClock,
    log: createLogger('error', quiet),
    secrets: createSecretBox(randomBytes(32)),
    jobs: noJobs,
    preparer: inThisThread,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function floors(end: Date): Promise<{ parse: number; insert: number }> {
  const sample = [...generateMail(FLOOR_SAMPLE, SEED, end)].map((g) => Buffer.from(g.raw));
  let started = performance.now();
  const parsed = [];
  for (const source of sample) {
    const p = await parseMessage(source);
    parsed.push({ p, newText: extractNewText(p.text).newText, source });
  }
  const parse = sample.length / ((performance.now() - started) / 1000);

  // The same rows stored with plain INSERTs, one transaction each: no customers, no threading, no search upkeep beyond the columns.
  const { database, drop } = await openDatabase();
  try {
    const conversation = await database.db
      .insertInto('conversations')
      .values({ subject: 'floor', normalized_subject: 'floor', status: 'done', first_message_at: end, last_message_at: end, updated_at: end })
      .returning('id')
      .executeTakeFirstOrThrow();
    started = performance.now();
    for (const { p, newText, source } of parsed) {
      await database.db.transaction().execute(async (tx) => {
        const m = await tx
          .insertInto('messages')
          .values({
            conversation_id: conversation.id,
            customer_id: null,
            mailbox_id: null,
            message_id: p.messageId,
            synthetic_message_id: false,
            in_reply_to: p.inReplyTo,
            references: p.references,
            subject: p.subject,
            from_address: p.from?.address ?? null,
            from_name: p.from?.name ?? null,
            to: JSON.stringify(p.to),
            cc: JSON.stringify(p.cc),
            reply_to: '[]',
            date: p.date ?? end,
            utc_offset_minutes: p.utcOffsetMinutes,
            direction: 'in',
            origin: 'import',
            text: p.text,
            new_text: newText,
            html: null,
            automated_reason: null,
            historical: true,
            warnings: [],
            size_bytes: p.sizeBytes,
            source_sha256: p.sourceSha256,
            sent_by_user_id: null,
            normalized_subject: p.subject.toLowerCase(),
            thread_index: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx.insertInto('message_sources').values({ message_id: m.id, source }).execute();
      });
    }
    return { parse, insert: parsed.length / ((performance.now() - started) / 1000) };
  } finally {
    await database.close();
    await drop();
  }
}

/** The conversations these messages make, taken in at this batch size into a fresh in-memory database. */
async function grouping(sources: Buffer[], batchSize: number): Promise<string> {
  const database = await openMemoryPglite();
  await migrateToLatest(database.db);
  const ctx = contextFor(database);
  try {
    const mailbox = await offlineMailbox(ctx);
    for (let i = 0; i < sources.length; i += batchSize) {
      await takeIn(
        ctx,
        sources.slice(i, i + batchSize).map((source) => ({ source, origin: 'import' as const, mailboxId: mailbox.id, historical: true })),
      );
    }
    const groups: string[] = [];
    for await (const line of exportThreads(ctx)) groups.push([...line.messageIds].sort().join(' '));
    return groups.sort().join('\n');
  } finally {
    await database.close();
  }
}

/** Whether each sample groups the same at every batch size, and into how many conversations. */
async function groupingCheck(end: Date): Promise<string[]> {
  const fixture: Buffer[] = [];
  for await (const source of readMbox(fileURLToPath(new URL('../test/fixtures/threads/hadoop-common-dev-2012-02.mbox', import.meta.url)))) fixture.push(source);
  const generated = [...outOfOrder(generateMail(GROUPING_SAMPLE, SEED, end), SEED + 1)].map((g) => Buffer.from(g.raw));
  const lines: string[] = [];
  for (const [name, sources] of [
    ['real mailing-list mail (test/fixtures/threads)', fixture],
    [`the first ${fmt(GROUPING_SAMPLE)} generated messages, out of order`, generated],
  ] as const) {
    const results = await Promise.all(GROUPING_BATCHES.map((size) => grouping(sources, size)));
    const same = results.every((r) => r === results[0]);
    lines.push(
      `  ${name}: ${same ? 'the same' : 'DIFFERENT'} conversations at batch sizes ${GROUPING_BATCHES.join(', ')} (${fmt(results[0]!.split('\n').length)} conversations of ${fmt(sources.length)} messages)`,
    );
  }
  return lines;
}

async function timeRequests(url: string, token: string, paths: string[]): Promise<number[]> {
  const times: number[] = [];
  for (const [i, path] of paths.entries()) {
    const started = performance.now();
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    if (i >= 10) times.push(performance.now() - started); // the first ten warm caches up
  }
  return times;
}

async function main(): Promise<void> {
  const end = new Date(Date.now() - 86_400_000);
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    process.stderr.write(`${line}\n`);
  };

  const floor = await floors(end);
  const groupingLines = await groupingCheck(end);
  const { database, label, drop } = await openDatabase();
  const ctx = contextFor(database);
  say(`bench:threads: ${fmt(TOTAL)} generated messages on ${label}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`);
  try {
    const mailbox = await offlineMailbox(ctx);
    const ours = new OurAddresses([US], []);
    const checkpoints = [10_000, 25_000, 50_000, 75_000, 100_000, 250_000, 1_000_000].filter((c) => c < TOTAL).concat(TOTAL);
    const sampleCustomers: string[] = [];
    let done = 0;
    let last = { at: performance.now(), done: 0 };
    const started = last.at;
    say(`ingest in batches of ${BATCH} (parse, customers, threading, search columns; one transaction a batch):`);
    let batch: { source: Buffer; customer: Customer }[] = [];
    const take = async () => {
      await takeIn(
        ctx,
        batch.map((b) => ({ source: b.source, origin: 'import' as const, mailboxId: mailbox.id, historical: true })),
        { ours },
      );
      for (const b of batch) {
        if (++done % 97 === 0) sampleCustomers.push(b.customer.address);
        if (done === checkpoints[0]) {
          checkpoints.shift();
          const now = performance.now();
          say(
            `  ${fmt(done).padStart(9)} messages: ${fmt((done - last.done) / ((now - last.at) / 1000)).padStart(5)} msg/s since the last mark, ${fmt(done / ((now - started) / 1000)).padStart(5)} msg/s overall`,
          );
          last = { at: now, done };
        }
      }
      batch = [];
    };
    for (const mail of outOfOrder(generateMail(TOTAL, SEED, end), SEED + 1)) {
      batch.push({ source: Buffer.from(mail.raw), customer: mail.customer });
      if (batch.length >= BATCH) await take();
    }
    await take();
    const rate = TOTAL / ((performance.now() - started) / 1000);
    const counts = await sql<{
      conversations: number;
      customers: number;
    }>`select (select count(*) from conversations)::int as conversations, (select count(*) from customers)::int as customers`.execute(ctx.db);
    say(`  ${fmt(counts.rows[0]!.conversations)} conversations, ${fmt(counts.rows[0]!.customers)} customers`);
    say('grouping, the same messages at different batch sizes:');
    for (const line of groupingLines) say(line);
    say(`floors (first ${fmt(FLOOR_SAMPLE)} of the same messages, same run):`);
    say(`  parse only (parseMessage + quote removal): ${fmt(floor.parse)} msg/s; ingest is ${(rate / floor.parse).toFixed(2)} of it`);
    say(`  plain INSERTs of the same rows (message + source, one transaction each): ${fmt(floor.insert)} msg/s; ingest is ${(rate / floor.insert).toFixed(2)} of it`);

    const owner = await createUser(ctx, { email: 'bench@fernhill.example', name: 'Bench Owner', role: 'owner' });
    const token = await createToken(ctx, owner.id, 'bench');
    const app = createApp(ctx, { sessionSecret: randomBytes(32).toString('hex') });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const r = seededRandom(SEED + 2);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
      const ids = await ctx.db
        .selectFrom('customer_addresses')
        .select(['address', 'customer_id'])
        .where('address', 'in', [...new Set(sampleCustomers)].slice(0, 2000))
        .execute();
      const customerPaths = Array.from({ length: REQUESTS + 10 }, () => `/api/customers/${pick(ids).customer_id}`);
      const words = [
        ...new Set(
          [...QUESTIONS, ...REPLIES, ...SUBJECTS]
            .join(' ')
            .toLowerCase()
            .match(/\p{L}{4,}/gu)!,
        ),
      ];
      const queries = Array.from({ length: REQUESTS + 10 }, (_, i) => {
        const kind = i % 5;
        if (kind === 0) return pick(ids).address;
        if (kind === 1) return `${pick(FIRST)} ${pick(LAST)}`;
        if (kind === 2) return pick(words);
        if (kind === 3) return pick(words).slice(0, 4);
        return `${pick(words)} ${pick(words)}`;
      });
      const cards = await timeRequests(url, token, customerPaths);
      const searches = await timeRequests(
        url,
        token,
        queries.map((q) => `/api/search?q=${encodeURIComponent(q)}&limit=20`),
      );
      say(`HTTP, one request at a time, ${fmt(REQUESTS)} each after 10 warm-up requests:`);
      say(`  GET /api/customers/:id   median ${ms(percentile(cards, 50))}, p95 ${ms(percentile(cards, 95))}, max ${ms(Math.max(...cards))}`);
      say(
        `  GET /api/search?q=       median ${ms(percentile(searches, 50))}, p95 ${ms(percentile(searches, 95))}, max ${ms(Math.max(...searches))} (addresses, names, words, 4-letter prefixes, two words)`,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  } finally {
    await database.close();
    await drop();
  }
  console.log(lines.join('\n'));
}

await main();
