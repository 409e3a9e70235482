import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { getMailbox } from '../../core/mailboxes/mailboxes.ts';
import { signatureFor } from '../../core/outbox/outbox.ts';
import { createUser } from '../../core/users/users.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { deliver, US } from '../support/followups.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

describe('a reply drafted in the customer’s language', () => {
  let ctx: TestCtx;
  let mailboxId: number;
  let seq = 0;
  const draftFor = async (from: string, subject: string, body: string) => {
    const at = `2026-12-0${++seq}T09:00:00Z`;
    const { conversationId } = await deliver(ctx, mailboxId, { id: `lang${seq}@customer.example`, from, to: US, subject, at, body });
    const outcome = await prepareReplyDraft(ctx, conversationId);
    if (!outcome.drafted) throw new Error(outcome.reason);
    return ctx.db.selectFrom('drafts').selectAll().where('id', '=', outcome.draftId).executeTakeFirstOrThrow();
  };

  beforeAll(async () => {
    ctx = await testContext({ clock: new ManualClock('2026-12-01T08:00:00Z') });
    mailboxId = (await offlineMailbox(ctx)).id;
  });
  afterAll(() => ctx.close());

  it('greets a German customer in German and signs off in German', async () => {
    const draft = await draftFor(
      'Jonas Weber <jonas@weber.example>',
      'Bestellung 1042',
      'Guten Tag,\n\nich habe letzte Woche zwei Tassen bestellt, aber bis heute ist nichts angekommen. Können Sie bitte nachsehen, wo das Paket steckt?\n\nViele Grüße\nJonas Weber',
    );
    expect(draft.template_name).toMatch(/^replies\/de\//);
    expect(draft.body.startsWith('Hallo Jonas,\n\n')).toBe(true);
    expect(draft.body).not.toContain('Hi ');
    expect(draft.body).not.toContain('drafted in English');
    const dana = await createUser(ctx, { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'owner', password: null });
    expect(await signatureFor(ctx, dana, await getMailbox(ctx, mailboxId), draft.template_name)).toBe('Viele Grüße\nDana\nFernhill\n');
  });

  it('drafts a Dutch customer’s reply in English, saying there is no Dutch template', async () => {
    const draft = await draftFor(
      'Sanne de Vries <sanne@devries.example>',
      'Theepot',
      'Hoi,\n\nIk heb vorige week een theepot besteld maar hij is nog steeds niet bezorgd. Kunnen jullie even kijken waar hij blijft?\n\nGroetjes,\nSanne',
    );
    expect(draft.template_name).toMatch(/^replies\/[a-z-]+$/);
    expect(draft.body).toMatch(/^\[\[No Dutch template for '[a-z-]+': drafted in English; delete this line\]\]\n\nHi Sanne,/);
  });
});
