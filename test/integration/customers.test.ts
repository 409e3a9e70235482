import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { customerCard } from '../../core/customers/card.ts';
import { updateCustomerProfile } from '../../core/customers/customers.ts';
import { customerByAddress, listCustomers } from '../../core/customers/directory.ts';
import { mergeCustomers, splitCustomer } from '../../core/customers/merge.ts';
import type { User } from '../../core/db/schema.ts';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { ingestMessage } from '../../core/intake/intake.ts';
import { createUser } from '../../core/users/users.ts';
import { type Composed, compose } from '../support/compose.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

const US = 'support@fernhill.example';
const WORK = 'Maria Lopez <maria@bakery.example>';
const HOME = 'maria <Maria.Lopez@gmail.com>';

/** A customer is one person with one history: merged from two addresses, split again, remembered. */
describe('customers', () => {
  let ctx: TestCtx;
  let dana: User;
  let sam: User;
  let mailboxId: number;
  const ingest = (m: Composed, sentByUserId?: number) => ingestMessage(ctx, { source: compose(m), origin: 'imap', mailboxId, historical: false, sentByUserId });
  const customerOf = async (address: string) =>
    (await ctx.db.selectFrom('customer_addresses').select('customer_id').where('address', '=', address).executeTakeFirstOrThrow()).customer_id;

  beforeEach(async () => {
    ctx = await testContext({ clock: new ManualClock('2026-11-20T12:00:00Z') });
    dana = await createUser(ctx, { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'approver' });
    sam = await createUser(ctx, { email: 'sam@fernhill.example', name: 'Sam Reyes', role: 'agent' });
    mailboxId = (await offlineMailbox(ctx)).id;
    await ctx.db.updateTable('mailboxes').set({ initial_sync_done: true }).where('id', '=', mailboxId).execute();

    await ingest({
      id: 'w1@bakery.example',
      from: WORK,
      subject: 'Induction?',
      date: 'Mon, 02 Nov 2026 09:00:00 +0100',
      body: 'Does the 28 cm pan work on induction?\n\nMaria Lopez\nBakery Lopez, Calle Mayor 3',
    });
    await ingest(
      {
        id: 'r1@fernhill.example',
        from: `Dana <${US}>`,
        to: WORK,
        subject: 'Re: Induction?',
        date: 'Mon, 02 Nov 2026 11:00:00 +0000',
        body: 'Yes, it does.',
        inReplyTo: 'w1@bakery.example',
        references: ['w1@bakery.example'],
      },
      dana.id,
    );
    await ingest({
      id: 'h1@gmail.com',
      from: HOME,
      subject: 'Wholesale order',
      date: 'Tue, 10 Nov 2026 20:00:00 +0100',
      body: 'Hi, it is Maria from the bakery again. Could we order 20 pans at a wholesale price?\n\nOn Mon, 2 Nov 2026 at 12:00, Dana <support@fernhill.example> wrote:\n> Yes, it does.\n\nSent from my iPhone',
    });
  });
  afterEach(() => ctx.close());

  it('shows the card: contact times, who wrote last, open conversations and the gist of each', async () => {
    const card = await customerCard(ctx, await customerOf('maria@bakery.example'));
    expect(card).toMatchObject({
      name: 'Maria Lopez',
      addresses: ['maria@bakery.example'],
      organization: { domain: 'bakery.example' },
      firstContactAt: new Date('2026-11-02T08:00:00Z'),
      lastInboundAt: new Date('2026-11-02T08:00:00Z'),
      lastOutboundAt: new Date('2026-11-02T11:00:00Z'),
      lastOutboundBy: 'Dana Okafor',
      daysSinceWeWrote: 18,
      conversationCount: 1,
      openConversations: [expect.objectContaining({ subject: 'Induction?', status: 'waiting_on_them' })],
      history: [expect.objectContaining({ subject: 'Induction?', status: 'waiting_on_them', gist: 'Does the 28 cm pan work on induction?' })],
    });
    const home = await customerCard(ctx, await customerOf('maria.lopez@gmail.com'));
    expect(home.organization).toBeNull();
    expect(home.openConversations).toEqual([expect.objectContaining({ subject: 'Wholesale order', status: 'waiting_on_us' })]);
    expect(home.history[0]!.gist).toBe('Hi, it is Maria from the bakery again. Could we order 20 pans at a wholesale price?');
  });

  it('merges two addresses of one person, threads their mail as one customer, and splits them back as they were', async () => {
    const work = await customerOf('maria@bakery.example');
    const home = await customerOf('maria.lopez@gmail.com');
    await updateCustomerProfile(ctx, home, { notes: 'Prefers the phone.', tags: ['wholesale', ' Wholesale '], personUserId: sam.id }, dana);
    await updateCustomerProfile(ctx, work, { notes: 'Runs a bakery.' }, dana);

    await mergeCustomers(ctx, work, home, dana);
    expect(await ctx.db.selectFrom('customers').select('id').where('id', '=', home).executeTakeFirst()).toBeUndefined();
    const merged = await customerCard(ctx, work);
    expect(merged).toMatchObject({
      addresses: ['maria@bakery.example', 'maria.lopez@gmail.com'],
      notes: 'Runs a bakery.\n\nPrefers the phone.',
      tags: ['wholesale'],
      person: { id: sam.id, name: 'Sam Reyes' },
      conversationCount: 2,
      lastInboundAt: new Date('2026-11-10T19:00:00Z'),
    });
    // Her drafts are now written as her person.
    const wholesale = (await ctx.db.selectFrom('conversations').select('id').where('subject', '=', 'Wholesale order').executeTakeFirstOrThrow()).id;
    const drafted = await prepareReplyDraft(ctx, wholesale);
    expect(drafted.drafted && (await ctx.db.selectFrom('drafts').select('author_id').where('id', '=', drafted.draftId).executeTakeFirstOrThrow()).author_id).toBe(sam.id);

    // One person now: a reply from home without references joins the conversation she began from work.
    const late = await ingest({ id: 'h2@gmail.com', from: HOME, subject: 'Re: Induction?', date: 'Wed, 11 Nov 2026 08:00:00 +0100', body: 'And for the 24 cm one?' });
    const induction = (await ctx.db.selectFrom('conversations').select('id').where('subject', '=', 'Induction?').executeTakeFirstOrThrow()).id;
    expect(late.conversationId).toBe(induction);

    const restored = await splitCustomer(ctx, work, ['Maria.Lopez@gmail.com'], dana);
    expect(await customerOf('maria.lopez@gmail.com')).toBe(restored);
    const [workCard, homeCard] = [await customerCard(ctx, work), await customerCard(ctx, restored)];
    expect(workCard).toMatchObject({ addresses: ['maria@bakery.example'], notes: 'Runs a bakery.', tags: [], person: null, conversationCount: 1 });
    expect(homeCard).toMatchObject({
      addresses: ['maria.lopez@gmail.com'],
      notes: 'Prefers the phone.',
      tags: ['wholesale'],
      person: { id: sam.id },
      conversationCount: 1,
      history: [expect.objectContaining({ subject: 'Wholesale order' })],
    });
    // Her home message in the work conversation is hers again; the conversation stays where it began.
    expect((await ctx.db.selectFrom('messages').select('customer_id').where('message_id', '=', 'h2@gmail.com').executeTakeFirstOrThrow()).customer_id).toBe(restored);
    expect(workCard.history.map((h) => h.subject)).toEqual(['Induction?']);
    // New mail from home goes to the restored customer.
    const next = await ingest({ id: 'h3@gmail.com', from: HOME, subject: 'Wholesale order', date: 'Thu, 12 Nov 2026 08:00:00 +0100', body: 'Any news on the price?' });
    expect(next.conversationId).toBe(wholesale);
    const actions = await ctx.db.selectFrom('audit_log').select('action').where('action', 'like', 'customer.%').orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(['customer.updated', 'customer.updated', 'customer.merged', 'customer.split']);
  });

  it('splits an address that never was merged into a new customer of its own', async () => {
    const work = await customerOf('maria@bakery.example');
    await ingest({
      id: 'o1@bakery.example',
      from: 'Office <office@bakery.example>',
      subject: 'Invoice copy',
      date: 'Wed, 11 Nov 2026 08:00:00 +0100',
      body: 'Could you send the invoice again?',
    });
    await mergeCustomers(ctx, work, await customerOf('office@bakery.example'), dana);
    await updateCustomerProfile(ctx, work, { personUserId: dana.id, doNotFollowUp: true }, dana);
    const split = await splitCustomer(ctx, work, ['maria@bakery.example'], dana);
    expect(await customerCard(ctx, split)).toMatchObject({
      name: 'Maria Lopez',
      addresses: ['maria@bakery.example'],
      notes: '',
      person: { id: dana.id },
      doNotFollowUp: true,
      organization: { domain: 'bakery.example' },
      conversationCount: 1,
    });
    expect((await customerCard(ctx, work)).history.map((h) => h.subject)).toEqual(['Invoice copy']);
  });

  it('lists everyone most recently in touch first, page by page, and narrows by tag and organization', async () => {
    await ingest({
      id: 'j1@berg-cafe.example',
      from: 'Jonas Berg <jonas@berg-cafe.example>',
      subject: 'Lids',
      date: 'Thu, 05 Nov 2026 10:00:00 +0100',
      body: 'Do you sell lids on their own?',
    });
    const home = await customerOf('maria.lopez@gmail.com');
    const work = await customerOf('maria@bakery.example');
    const jonas = await customerOf('jonas@berg-cafe.example');
    await updateCustomerProfile(ctx, work, { tags: ['wholesale'], personUserId: dana.id }, dana);

    const all = await listCustomers(ctx);
    expect(all.next).toBeNull();
    expect(all.rows.map((r) => r.id)).toEqual([home, jonas, work]);
    expect(all.rows[2]).toMatchObject({
      name: 'Maria Lopez',
      email: 'maria@bakery.example',
      organization: { name: expect.stringMatching(/bakery/i) },
      tags: ['wholesale'],
      person: 'Dana Okafor',
      conversationCount: 1,
      openCount: 1,
      lastContactAt: new Date('2026-11-02T11:00:00Z'),
    });
    // One at a time, every customer comes once.
    const seen: number[] = [];
    let after: string | undefined;
    do {
      const page = await listCustomers(ctx, { limit: 1, after });
      seen.push(...page.rows.map((r) => r.id));
      after = page.next ?? undefined;
    } while (after);
    expect(seen).toEqual([home, jonas, work]);
    // The database keeps microseconds: two customers a fraction of a millisecond apart still both come, in order.
    await sql`update customers set last_inbound_at = timestamptz '2026-11-15T10:00:00.123456Z' where id = ${home}`.execute(ctx.db);
    await sql`update customers set last_inbound_at = timestamptz '2026-11-15T10:00:00.123400Z' where id = ${jonas}`.execute(ctx.db);
    const first = await listCustomers(ctx, { limit: 1 });
    expect(first.rows.map((r) => r.id)).toEqual([home]);
    expect((await listCustomers(ctx, { limit: 1, after: first.next! })).rows.map((r) => r.id)).toEqual([jonas]);

    expect((await listCustomers(ctx, { tag: 'wholesale' })).rows.map((r) => r.id)).toEqual([work]);
    expect((await listCustomers(ctx, { organizationId: all.rows[1]!.organization!.id })).rows.map((r) => r.id)).toEqual([jonas]);
    await expect(listCustomers(ctx, { after: "1'; drop table customers" })).rejects.toMatchObject({ code: 'invalid_input', details: { field: 'after' } });
    expect(await customerByAddress(ctx, 'Maria <MARIA@Bakery.example>')).toBe(work);
    expect(await customerByAddress(ctx, 'nobody@nowhere.example')).toBeNull();
  });

  it('refuses what would lose a customer or names the wrong field', async () => {
    const work = await customerOf('maria@bakery.example');
    const home = await customerOf('maria.lopez@gmail.com');
    await expect(splitCustomer(ctx, work, ['maria@bakery.example'], dana)).rejects.toMatchObject({ code: 'split_everything' });
    await expect(splitCustomer(ctx, work, ['someone@else.example'], dana)).rejects.toMatchObject({ code: 'invalid_input', details: { field: 'addresses' } });
    await expect(mergeCustomers(ctx, work, work, dana)).rejects.toMatchObject({ details: { field: 'otherId' } });
    await expect(mergeCustomers(ctx, work, 999_999, dana)).rejects.toMatchObject({ code: 'not_found' });
    await expect(updateCustomerProfile(ctx, home, { personUserId: 999_999 }, dana)).rejects.toMatchObject({ details: { field: 'personUserId' } });
    await expect(updateCustomerProfile(ctx, home, {}, dana)).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
