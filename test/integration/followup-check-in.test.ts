import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateFollowups } from '../../core/followups/evaluate.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { dateHeader, US } from '../support/followups.ts';
import { SmtpSink, testMailbox, waitUntil } from '../support/servers.ts';

const DAY = 86_400_000;

/** The check-in drafted for a real conversation fetched from Dovecot: it asks about what we fixed, not about a greeting. */
describe('the check-in scaffold on a real conversation', () => {
  let app: TestApp;
  let sink: SmtpSink;
  const answeredAt = new Date(Date.now() - 15 * DAY);

  beforeAll(async () => {
    const box = testMailbox('checkin');
    const asked = new Date(answeredAt.getTime() - 3 * 3_600_000).toISOString();
    await box.append(
      `From: Pat Doe <pat@doe.example>\r\nTo: ${US}\r\nSubject: Cracked lid\r\nDate: ${dateHeader(asked, 60)}\r\nMessage-ID: <lid-q@doe.example>\r\n\r\nHi Dana,\r\n\r\nThe glass lid of my stock pot arrived cracked. It was a birthday present to myself! Can you send a new one?\r\n\r\nThanks, Pat\r\n`,
    );
    await box.append(
      `From: Dana Okafor <${US}>\r\nTo: Pat Doe <pat@doe.example>\r\nSubject: Re: Cracked lid\r\nDate: ${dateHeader(answeredAt.toISOString(), 0)}\r\nMessage-ID: <lid-a@fernhill.example>\r\nIn-Reply-To: <lid-q@doe.example>\r\nReferences: <lid-q@doe.example>\r\n\r\n` +
        'Hi Pat,\r\n\r\nHappy belated birthday!\r\n\r\nI am so sorry about that. A new glass lid went out today and should be with you on Friday.\r\n\r\nDana\r\n',
      'Sent',
      ['\\Seen'],
    );
    sink = await SmtpSink.start();
    app = await startTestApp({ env: { LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: US } });
    const answered = async () => {
      const c = await app.rt.ctx.db.selectFrom('conversations').select(['status', 'last_inbound_at']).execute();
      return c.length === 1 && c[0]!.status === 'waiting_on_them' && c[0]!.last_inbound_at !== null;
    };
    await waitUntil(answered, 15_000, 'the question and our answer, in one conversation');
  });

  afterAll(async () => {
    await app?.close();
    await sink?.close();
  });

  it('asks how it went with the new lid, not how the birthday went', async () => {
    await evaluateFollowups(app.rt.ctx, new Date());
    const drafts = (await app.api('GET', '/api/drafts?status=pending&kind=followup')).body;
    expect(drafts).toMatchObject([{ followup: { rule: 'check_in' }, subject: 'Re: Cracked lid' }]);
    expect(drafts[0].body).toContain('[[ask how it went with what we said: "A new glass lid went out today and should be with you on Friday."]]');
    expect(drafts[0].body).not.toContain('birthday');
  });
});
