import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { evaluateFollowups } from '../../core/followups/evaluate.ts';
import { createToken } from '../../core/users/tokens.ts';
import { createUser } from '../../core/users/users.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { deliver, US } from '../support/followups.ts';
import { type ServedApp, serveApp } from '../support/http.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

/**
 * The queue as a support person reads it: customers waiting on us first, who has waited longest first
 * (complaints ahead); then follow-ups, by when each became due, not by how old their conversation is.
 */
describe('the order of the queue', () => {
  let ctx: TestCtx;
  let clock: ManualClock;
  let served: ServedApp;
  let token = '';
  let seq = 0;

  const write = async (from: string, to: string, subject: string, at: string, body: string, inReplyTo?: string) => {
    clock.set(at);
    const id = `q${++seq}@test.example`;
    return { ...(await deliver(ctx, mailboxId, { id, from, to, subject, at, body, inReplyTo })), id };
  };
  let mailboxId: number;
  const us = `Dana Okafor <${US}>`;

  beforeAll(async () => {
    clock = new ManualClock('2026-08-01T00:00:00Z');
    ctx = await testContext({ clock });
    mailboxId = (await offlineMailbox(ctx)).id;
    const dana = await createUser(ctx, { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'owner', password: null });
    token = await createToken(ctx, dana.id, 'test');

    // Ruth's conversation is from August: her keep-in-touch note is due on 4 November, 9:00 her time.
    const ruth = await write('Ruth Calloway <ruth@cookschool.example>', US, 'Knife roll', '2026-08-04T09:00:00Z', 'Hello, does the knife roll fit a 24 cm chef knife?');
    await write(us, 'Ruth Calloway <ruth@cookschool.example>', 'Re: Knife roll', '2026-08-05T10:00:00Z', 'Hi Ruth, yes it does.', ruth.id);
    // Ben's is from October: his check-in was due a day earlier, on 3 November.
    const ben = await write('Ben Oduya <ben@oduya.example>', US, 'Santoku', '2026-10-19T09:00:00Z', 'Hello, how do I sharpen the santoku?');
    await write(us, 'Ben Oduya <ben@oduya.example>', 'Re: Santoku', '2026-10-19T10:00:00Z', 'Hi Ben, a 1000 grit whetstone, at 15 degrees.', ben.id);
    clock.set('2026-11-04T09:00:00Z');
    expect((await evaluateFollowups(ctx)).outcomes.map((o) => [o.rule, o.result])).toEqual([
      ['check_in', 'drafted'],
      ['keep_in_touch', 'drafted'],
    ]);

    // Waiting on us: Jonas since 4 November (he wrote again on the 5th), Lena since the 5th, and Gareth's complaint since this morning.
    const jonas = await write('Jonas Berg <jonas@berg.example>', US, 'Stock pot lid', '2026-11-04T10:00:00Z', 'Do you sell lids on their own?');
    await write('Jonas Berg <jonas@berg.example>', US, 'Re: Stock pot lid', '2026-11-05T11:00:00Z', 'Any news about the lid?', jonas.id);
    const lena = await write('Lena Brandt <lena@atelier.example>', US, 'Engraving', '2026-11-05T08:00:00Z', 'Can you engrave a name on the handle?');
    const gareth = await write(
      'Gareth Pryce <gareth@pryce.example>',
      US,
      'Broken pan',
      '2026-11-06T08:00:00Z',
      'This is unacceptable. The pan arrived broken and nobody answers. I want a refund.',
    );
    for (const c of [jonas, lena, gareth]) expect((await prepareReplyDraft(ctx, c.conversationId)).drafted).toBe(true);
    clock.set('2026-11-06T12:00:00Z');

    served = await serveApp(ctx);
  });

  afterAll(async () => {
    await served?.close();
    await ctx?.close();
  });

  it('lists customers waiting on us by how long they have waited, then follow-ups by when they became due', async () => {
    const page = await (await fetch(served.url, { headers: { authorization: `Bearer ${token}` } })).text();
    const items = [...page.matchAll(/<li class="queue-item[\s\S]*?<\/li>/g)].map((m) => m[0]);
    const who = (item: string) => /<span class="who">([^<]*)<\/span>/.exec(item)![1];
    expect(items.map(who)).toEqual(['Gareth Pryce', 'Jonas Berg', 'Lena Brandt', 'Ben Oduya', 'Ruth Calloway']);
    // A follow-up says when it became due; it is not "waiting 94 days".
    const ruth = items.find((i) => who(i) === 'Ruth Calloway')!;
    expect(ruth).not.toContain('waiting');
    expect(ruth).toContain('<time datetime="2026-11-04T08:00:00.000Z" class="due">due 2026-11-04 08:00 UTC</time>');
    expect(items.find((i) => who(i) === 'Jonas Berg')).toContain('datetime="2026-11-04T10:00:00.000Z" title="since 2026-11-04 10:00 UTC">waiting 2 days</time>');
  });
});
