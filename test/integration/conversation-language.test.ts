import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithDraft } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';

const US = 'support@fernhill.example';

describe('the conversation page names the customer’s language', () => {
  let started: Awaited<ReturnType<typeof startWithDraft>>;
  let staff: Browserish;

  beforeAll(async () => {
    started = await startWithDraft(
      'language',
      [
        'From: Jonas Weber <jonas@weber.example>',
        `To: ${US}`,
        'Subject: Bestellung 1042',
        `Date: ${new Date().toUTCString()}`,
        'Message-ID: <bestellung@weber.example>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Guten Tag,',
        '',
        'ich habe letzte Woche zwei Tassen bestellt, aber bis heute ist nichts angekommen. Können Sie bitte nachsehen, wo das Paket steckt?',
        '',
        'Viele Grüße',
        'Jonas Weber',
        '',
      ].join('\r\n'),
      { LONGHAND_FROM: US },
    );
    staff = new Browserish(started.app.url);
    const sam = await started.app.addUser('agent', 'Sam Reyes');
    await staff.signIn(sam.email, sam.password);
  });
  afterAll(async () => {
    await started?.close();
  });

  it('shows German next to the customer and on a reply drafted in German', async () => {
    const [draft] = (await started.app.api('GET', '/api/drafts?status=pending')).body;
    const { text } = await staff.get(`/conversations/${draft.conversationId}`);
    expect(text).toMatch(/id="customer-language" lang="de"[^>]*>German</);
    expect(text).toContain('id="draft-language">they write German<');
    expect(text).toContain('Hallo Jonas,');
  });
});
