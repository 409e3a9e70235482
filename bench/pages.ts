/**
 * npm run bench:pages [-- --messages 100000 --requests 40]
 *
 * Server time of every staff page with a large mailbox loaded: customers, conversations and messages
 * are written straight into an in-memory PGlite with SQL (fast; the pages only read them), then each page
 * is requested over loopback by a signed-in person and timed. The floor in the same run is GET /healthz
 * (one `select 1` through the same stack), so the figures show what each page adds.
 */

import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { systemClock } from '../core/clock.ts';
import { loadConfig } from '../core/config.ts';
import type { Ctx } from '../core/context.ts';
import { openMemoryPglite } from '../core/db/database.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { inThisThread } from '../core/intake/preparer.ts';
import { noJobs } from '../core/jobs.ts';
import { createLogger } from '../core/logger.ts';
import { upsertMailbox } from '../core/mailboxes/mailboxes.ts';
import { createSecretBox } from '../core/secrets.ts';
import { createUser } from '../core/users/users.ts';
import { createApp } from '../server/app.ts';
import { percentile, report } from './report.ts';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '100000' }, requests: { type: 'string', default: '40' } } });
const MESSAGES = Number(values.messages);
const REQUESTS = Number(values.requests);

const database = await openMemoryPglite();
await migrateToLatest(database.db);
const ctx: Ctx = {
  db: database.db,
  config: loadConfig({ LONGHAND_DATA_DIR: '/tmp/longhand-bench-pages' }),
  clock: systemClock,
  log: createLogger('warn'),
  secrets: createSecretBox(randomBytes(32)),
  jobs: noJobs,
  preparer: inThisThread,
};
const mailbox = await upsertMailbox(ctx, {
  name: 'Fernhill',
  email: 'support@fernhill.example',
  imap: { host: 'h', port: 1, secure: false, user: 'u', password: 'p' },
  smtp: { host: 'h', port: 1, secure: false, user: '', password: '' },
  source: 'ui',
});
await ctx.db.updateTable('mailboxes').set({ initial_sync_done: true }).execute();
const owner = await createUser(ctx, { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'owner', password: 'bench password 123' });

// Five messages a conversation on average, three conversations a customer; one in fifty waits on us with a draft.
const conversations = Math.ceil(MESSAGES / 5);
const customers = Math.ceil(conversations / 3);
const t = performance.now();
await sql`insert into organizations (domain, name) select 'company' || g || '.example', 'Company ' || g from generate_series(1, ${Math.ceil(customers / 4)}) g`.execute(ctx.db);
await sql`insert into customers (name, organization_id, first_contact_at, last_inbound_at, last_outbound_at, tags)
  select 'Customer ' || g, 1 + (g % ${Math.ceil(customers / 4)}), now() - interval '400 days', now() - (g % 300) * interval '1 day', now() - (g % 200) * interval '1 day', case when g % 7 = 0 then array['wholesale'] else '{}'::text[] end
  from generate_series(1, ${customers}) g`.execute(ctx.db);
await sql`insert into customer_addresses (address, customer_id) select 'customer' || g || '@company' || (1 + (g % ${Math.ceil(customers / 4)})) || '.example', g from generate_series(1, ${customers}) g`.execute(
  ctx.db,
);
await sql`insert into conversations (mailbox_id, customer_id, subject, normalized_subject, status, priority, intent, first_message_at, last_message_at, last_inbound_at, last_outbound_at)
  select ${mailbox.id}, 1 + (g % ${customers}), 'Question ' || g || ' about the carbon steel pan', 'question ' || g || ' about the carbon steel pan',
         case when g % 50 = 0 then 'waiting_on_us' when g % 3 = 0 then 'done' else 'waiting_on_them' end, case when g % 250 = 0 then 1 else 0 end, case when g % 250 = 0 then 'complaint' else 'question' end,
         now() - (g % 365) * interval '1 day', now() - (g % 365) * interval '1 day' + interval '3 hours', now() - (g % 365) * interval '1 day' + interval '3 hours', now() - (g % 365) * interval '1 day' + interval '1 hour'
  from generate_series(1, ${conversations}) g`.execute(ctx.db);
await sql`insert into messages (conversation_id, customer_id, mailbox_id, message_id, subject, from_address, from_name, "to", cc, reply_to, date, direction, origin, text, new_text, size_bytes, source_sha256)
  select 1 + (g % ${conversations}), 1 + ((g % ${conversations}) % ${customers}), ${mailbox.id}, 'bench-' || g || '@company.example', 'Question about the carbon steel pan',
         case when g % 2 = 0 then 'customer' || g || '@company.example' else 'support@fernhill.example' end, 'Customer ' || g, '[]', '[]', '[]',
         now() - (g % 365) * interval '1 day' + (g % 5) * interval '1 hour', case when g % 2 = 0 then 'in' else 'out' end, 'imap',
         'Hello, I bought the 28 cm carbon steel pan last month and wonder about seasoning, induction and the warranty. Order ' || g || '.',
         'Hello, I bought the 28 cm carbon steel pan last month and wonder about seasoning, induction and the warranty. Order ' || g || '.', 400, md5(g::text)
  from generate_series(1, ${MESSAGES}) g`.execute(ctx.db);
await sql`insert into drafts (conversation_id, kind, status, subject, body, template_name, template_body, "to", cc, answers_message_id)
  select c.id, 'reply', 'pending', 'Re: ' || c.subject, 'Hi there,\n\n[[the answer to what they asked]]\n', 'replies/first-reply', 'Hi there,\n\n[[the answer to what they asked]]\n', '[{"address":"customer@company.example","name":"Customer"}]', '[]',
         (select max(m.id) from messages m where m.conversation_id = c.id)
  from conversations c where c.status = 'waiting_on_us'`.execute(ctx.db);
await sql`analyze`.execute(ctx.db);
console.log(`loaded ${MESSAGES} messages, ${conversations} conversations, ${customers} customers in ${((performance.now() - t) / 1000).toFixed(1)} s`);

const app = createApp(ctx, { sessionSecret: 'bench'.repeat(13) });
const server = await new Promise<Server>((resolve) => {
  const s = app.listen(0, '127.0.0.1', () => resolve(s));
});
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

// Sign in as a person would, keeping the session cookie.
let cookie = '';
const signinPage = await fetch(`${base}/signin`);
cookie = signinPage.headers.get('set-cookie')!.split(';')[0]!;
const csrf = /name="_csrf" value="([^"]+)"/.exec(await signinPage.text())![1]!;
const signedIn = await fetch(`${base}/signin`, {
  method: 'POST',
  headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ _csrf: csrf, email: owner.email, password: 'bench password 123' }),
  redirect: 'manual',
});
cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;

const sample = (n: number) => 1 + Math.floor(Math.random() * n);
const pages: Array<[string, () => string]> = [
  ['GET /healthz (the floor)', () => '/healthz'],
  ['GET / (the queue)', () => '/'],
  ['GET /?filter=complaints', () => '/?filter=complaints'],
  ['GET /conversations/:id', () => `/conversations/${sample(conversations)}`],
  ['GET /mailboxes', () => '/mailboxes'],
  ['GET /reports', () => '/reports'],
  ['GET /going-quiet', () => '/going-quiet'],
  ['GET /waiting-on-us', () => '/waiting-on-us'],
  ['GET /settings', () => '/settings'],
  ['GET /customers', () => '/customers'],
  ['GET /customers?tag=wholesale', () => '/customers?tag=wholesale'],
  ['GET /customers/:id', () => `/customers/${sample(customers)}`],
  ['GET /customers?q=customer42', () => '/customers?q=customer42'],
  ['GET /customers?q=seasoning', () => '/customers?q=seasoning'],
  ['GET /api/customers/:id', () => `/api/customers/${sample(customers)}`],
  ['GET /api/search?q=seasoning', () => '/api/search?q=seasoning'],
];
const lines: string[] = [
  `${MESSAGES} messages, ${conversations} conversations, ${customers} customers, ${Math.floor(conversations / 50)} pending drafts; ${REQUESTS} requests a page, signed in as an owner`,
];
let floor = 0;
for (const [name, path] of pages) {
  const times: number[] = [];
  let status = 0;
  for (let i = 0; i < REQUESTS + 3; i++) {
    const start = performance.now();
    const res = await fetch(`${base}${path()}`, { headers: { cookie } });
    await res.arrayBuffer();
    status = res.status;
    if (i >= 3) times.push(performance.now() - start);
  }
  const median = percentile(times, 50);
  if (!floor) floor = median;
  lines.push(`${name.padEnd(32)} status ${status}  median ${median.toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms  (${(median / floor).toFixed(1)}x the floor)`);
}
report('bench:pages', lines);
server.close();
await database.close();
