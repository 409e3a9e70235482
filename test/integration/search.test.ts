import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { updateCustomerProfile } from '../../core/customers/customers.ts';
import { openPostgres } from '../../core/db/database.ts';
import { migrateToLatest } from '../../core/db/migrate.ts';
import type { User } from '../../core/db/schema.ts';
import { ingestMessage } from '../../core/intake/intake.ts';
import { search } from '../../core/search/search.ts';
import { createUser } from '../../core/users/users.ts';
import { type Composed, compose } from '../support/compose.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';
import { postgresDatabase } from '../support/servers.ts';

const MAIL: Composed[] = [
  {
    id: 's1@bakery.example',
    from: 'Maria Lopez <maria@bakery.example>',
    subject: 'Induction hob question',
    date: 'Mon, 02 Nov 2026 09:00:00 +0100',
    body: 'Does the 28 cm pan work on an induction hob?',
  },
  {
    id: 's2@cafe-berg.example',
    from: 'Jonas Berg <jonas@cafe-berg.example>',
    subject: 'Order 1042',
    date: 'Tue, 03 Nov 2026 09:00:00 +0100',
    body: 'Our order came, but the lid does not fit. Is that right for induction cooking too?',
  },
  {
    id: 's3@atelier.example',
    from: 'Camille Dubois <camille@atelier.example>',
    subject: 'Pancakes',
    date: 'Wed, 04 Nov 2026 09:00:00 +0100',
    body: 'Which skillet is best for pancakes?',
  },
  {
    id: 's4@atelier.example',
    from: 'Camille Dubois <camille@atelier.example>',
    subject: 'Crêpes',
    date: 'Thu, 05 Nov 2026 09:00:00 +0100',
    body: 'I need a pan for crêpes, and one for pancakes.',
  },
  {
    id: 's5@gmail.com',
    from: 'Gareth Pryce <gareth.pryce@gmail.com>',
    subject: 'Knives',
    date: 'Fri, 06 Nov 2026 09:00:00 +0100',
    body: 'How often should I sharpen the santoku?\n\nOn Thu, 5 Nov 2026 at 10:00, Dana <support@fernhill.example> wrote:\n> Use the whetstone we sent.\n> It lasts for years.',
  },
  {
    id: 's6@gmail.com',
    from: 'Gareth Pryce <gareth.pryce@gmail.com>',
    subject: 'Re: Knives',
    date: 'Sat, 07 Nov 2026 09:00:00 +0100',
    body: 'Which whetstone grit would you pick?',
    inReplyTo: 's5@gmail.com',
    references: ['s5@gmail.com'],
  },
  { id: 's7@web.de', from: 'Jürgen Maaß <juergen@web.de>', subject: 'Lieferung', date: 'Sun, 08 Nov 2026 09:00:00 +0100', body: 'Wann kommt meine Lieferung? Viele Grüße' },
  { id: 's8@163.com', from: '=?UTF-8?B?5pyx6Z+s?= <ryanzhutao@163.com>', subject: '订单问题', date: 'Mon, 09 Nov 2026 09:00:00 +0100', body: '我的订单还没有到。' },
  {
    id: 's9@cafe-berg.example',
    from: 'Jonas Berg <jonas@cafe-berg.example>',
    subject: 'Late delivery',
    date: 'Tue, 10 Nov 2026 09:00:00 +0100',
    body: 'The delivery was late again, and the box was late too.',
  },
];

/**
 * Search ranks what a person most likely means first, on the embedded database and on PostgreSQL alike:
 * an exact address before a word match, a name, words in messages (not in the history they quote),
 * prefixes, web-search syntax, and text in several languages.
 */
describe.each([
  ['PGlite', async (): Promise<TestCtx> => testContext({ clock: new ManualClock('2026-11-20T12:00:00Z') })],
  [
    'PostgreSQL',
    async (): Promise<TestCtx> => {
      const database = await postgresDatabase('search');
      const pg = await openPostgres(database.url);
      await migrateToLatest(pg.db);
      const base = await testContext({ clock: new ManualClock('2026-11-20T12:00:00Z') });
      await base.close();
      return {
        ...base,
        db: pg.db,
        close: async () => {
          await pg.close();
          await database.drop();
        },
      };
    },
  ],
])('search on %s', (_engine, open) => {
  let ctx: TestCtx;
  let dana: User;
  const customerId = async (address: string) =>
    (await ctx.db.selectFrom('customer_addresses').select('customer_id').where('address', '=', address).executeTakeFirstOrThrow()).customer_id;

  beforeAll(async () => {
    ctx = await open();
    dana = await createUser(ctx, { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'agent' });
    const mailbox = await offlineMailbox(ctx);
    for (const m of MAIL) await ingestMessage(ctx, { source: compose(m), origin: 'import', mailboxId: mailbox.id, historical: true });
    await updateCustomerProfile(
      ctx,
      await customerId('jonas@cafe-berg.example'),
      { notes: "Supplies Maria's bakery; copy maria@bakery.example on anything about the order." },
      dana,
    );
  });
  afterAll(() => ctx?.close());

  it('puts the customer whose address was typed exactly before one whose notes mention it', async () => {
    const { customers } = await search(ctx, 'maria@bakery.example');
    expect(customers.map((c) => c.addresses[0])).toEqual(['maria@bakery.example', 'jonas@cafe-berg.example']);
    expect(customers[0]!.score).toBeGreaterThan(customers[1]!.score);
  });

  it('finds a customer by name, by part of a name, by a part of their address, and by organization', async () => {
    expect((await search(ctx, 'Camille Dubois')).customers.map((c) => c.name)).toEqual(['Camille Dubois']);
    expect((await search(ctx, 'dubo')).customers.map((c) => c.name)).toEqual(['Camille Dubois']);
    expect((await search(ctx, 'pryce')).customers.map((c) => c.name)).toEqual(['Gareth Pryce']);
    const atelier = (await search(ctx, 'atelier')).customers;
    expect(atelier.map((c) => [c.name, c.organization])).toEqual([['Camille Dubois', 'Atelier']]);
  });

  it('finds words in messages, subject first, and never in the history a message quotes', async () => {
    const { messages } = await search(ctx, 'induction');
    expect(messages.map((m) => m.subject)).toEqual(['Induction hob question', 'Order 1042']);
    const hit = messages[1]!;
    expect(hit.snippet).toContain('induction');
    expect(hit.highlights.map(([a, b]) => hit.snippet.slice(a, b).toLowerCase())).toEqual(['induction']);
    expect(hit.snippet).not.toMatch(/[<>\u0002\u0003]/);
    // "whetstone" is in Gareth's own words once, and once only in a quote of ours.
    expect((await search(ctx, 'whetstone')).messages.map((m) => m.subject)).toEqual(['Re: Knives']);
  });

  it('matches prefixes, and ranks a whole word above a word it only begins', async () => {
    expect((await search(ctx, 'whet')).messages.map((m) => m.subject)).toEqual(['Re: Knives']);
    const pan = (await search(ctx, 'pan')).messages.map((m) => m.subject);
    expect(pan.slice(0, 2).sort()).toEqual(['Crêpes', 'Induction hob question']);
    expect(pan).toContain('Pancakes');
    expect(pan.indexOf('Pancakes')).toBeGreaterThan(1);
  });

  it('understands phrases, exclusions and or', async () => {
    expect((await search(ctx, '"late delivery"')).messages.map((m) => m.subject)).toEqual(['Late delivery']);
    expect((await search(ctx, 'pan -pancakes')).messages.map((m) => m.subject)).toEqual(['Induction hob question']);
    expect((await search(ctx, 'santoku or lieferung')).messages.map((m) => m.subject).sort()).toEqual(['Knives', 'Lieferung']);
  });

  it('finds text in other languages and scripts', async () => {
    expect((await search(ctx, 'Grüße')).messages.map((m) => m.subject)).toEqual(['Lieferung']);
    expect((await search(ctx, 'Maaß')).customers.map((c) => c.addresses[0])).toEqual(['juergen@web.de']);
    expect((await search(ctx, '朱韬')).customers.map((c) => c.addresses[0])).toEqual(['ryanzhutao@163.com']);
    expect((await search(ctx, '订单问题')).messages.map((m) => m.subject)).toEqual(['订单问题']);
  });

  it('takes any input without breaking, and gives nothing for nothing', async () => {
    for (const q of ["a' | b & !c:* <-> ('d", '\\', '-"x"', '!!!']) await expect(search(ctx, q)).resolves.toBeDefined();
    expect(await search(ctx, '!!!')).toEqual({ customers: [], messages: [] });
    await expect(search(ctx, '   ')).rejects.toMatchObject({ details: { field: 'q' } });
  });

  it('shows the newest first for a word in thousands of messages, instead of ranking them all', async () => {
    const conversation = await ctx.db.selectFrom('conversations').select(['id', 'mailbox_id']).orderBy('id').executeTakeFirstOrThrow();
    await sql`insert into messages (conversation_id, mailbox_id, message_id, subject, from_address, from_name, "to", cc, reply_to, date, direction, origin, text, new_text, size_bytes, source_sha256)
      select ${conversation.id}, ${conversation.mailbox_id}, 'many-' || g || '@example.com', 'Casserole ' || g, 'cook' || g || '@example.com', '', '[]', '[]', '[]',
             timestamptz '2026-01-01T00:00:00Z' + g * interval '1 minute', 'in', 'import', 'My casserole dish ' || g, 'My casserole dish ' || g, 40, md5(g::text)
      from generate_series(1, 5001) g`.execute(ctx.db);
    const { messages } = await search(ctx, 'casserole');
    expect(messages).toHaveLength(20);
    expect(messages.map((m) => m.subject)).toEqual(Array.from({ length: 20 }, (_, i) => `Casserole ${5001 - i}`));
    expect(messages[0]!.highlights.map(([a, b]) => messages[0]!.snippet.slice(a, b))).toEqual(['casserole']);
    // A rarer word is still ranked, best first.
    expect((await search(ctx, 'induction')).messages.map((m) => m.subject)).toEqual(['Induction hob question', 'Order 1042']);
  });
});
