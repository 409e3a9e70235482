import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { TemplateLibrary } from '../../core/drafts/templates.ts';
import { ingestMessage } from '../../core/intake/intake.ts';
import { createToken } from '../../core/users/tokens.ts';
import { createUser } from '../../core/users/users.ts';
import { Browserish } from '../support/browserish.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { type ServedApp, serveApp } from '../support/http.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

const US = 'support@fernhill.example';
const decode = (html: string) =>
  html
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('review and approval rules', () => {
  let ctx: TestCtx;
  let served: ServedApp;
  const tokens: Record<'owner' | 'approver' | 'agent', string> = { owner: '', approver: '', agent: '' };
  let mailboxId: number;
  let n = 0;

  const call = (role: keyof typeof tokens, method: string, path: string, body?: unknown) => served.call(method, path, body, tokens[role]);

  /** A new customer question and its prepared draft. */
  const draftFor = async (body: string, headers: string[] = []) => {
    n++;
    const source = Buffer.from(
      [
        `From: Maria Lopez <maria${n}@bakery.example>`,
        `To: Fernhill <${US}>`,
        ...headers,
        `Subject: Question ${n}`,
        `Message-ID: <q${n}@bakery.example>`,
        `Date: ${new Date().toUTCString()}`,
        '',
        body,
        '',
      ].join('\r\n'),
    );
    const { conversationId } = await ingestMessage(ctx, { source, origin: 'imap', mailboxId, historical: false });
    const outcome = await prepareReplyDraft(ctx, conversationId);
    if (!outcome.drafted) throw new Error(outcome.reason);
    return (await call('owner', 'GET', `/api/drafts/${outcome.draftId}`)).body;
  };

  beforeAll(async () => {
    ctx = await testContext();
    mailboxId = (await offlineMailbox(ctx)).id;
    await ctx.db.updateTable('mailboxes').set({ initial_sync_done: true }).execute();
    for (const role of ['owner', 'approver', 'agent'] as const) {
      const user = await createUser(ctx, { email: `${role}@fernhill.example`, name: `${role[0]!.toUpperCase()}${role.slice(1)} Person`, role, password: 'correct horse battery' });
      tokens[role] = await createToken(ctx, user.id, 'test');
    }
    served = await serveApp(ctx);
  });

  afterAll(async () => {
    await served?.close();
    await ctx?.close();
  });

  it('checks a text by API with findings in place, and knows the customer when given the conversation', async () => {
    const text = 'Dear valued customer,\n\nWe apologize for any inconvenience. Do not hesitate to contact us.';
    const plain = await call('agent', 'POST', '/api/touch-check', { text });
    expect(plain.status).toBe(200);
    const canned = plain.body.findings.filter((f: { kind: string }) => f.kind === 'canned-phrase');
    expect(canned.map((f: { start: number; end: number }) => text.slice(f.start, f.end).toLowerCase())).toEqual([
      'dear valued customer',
      'we apologize for any inconvenience',
      'do not hesitate to contact us',
    ]);
    // Without a conversation, what cannot be checked (their name, their points) is not held against it.
    const part = (name: string) => plain.body.parts.find((p: { name: string }) => p.name === name).points;
    expect([part('Own words'), part('No canned phrases')]).toEqual([0, 0]);
    expect(plain.body.score).toBe(55);

    const draft = await draftFor('Does the 28 cm pan work on induction? I have a new hob.');
    const personal = await call('agent', 'POST', '/api/touch-check', {
      text: 'Hi Maria,\n\nYes, the 28 cm pan works on induction: carbon steel is magnetic, so your new hob will heat it evenly.\n\nDana',
      conversationId: draft.conversationId,
    });
    expect(personal.body.findings.map((f: { kind: string }) => f.kind)).toEqual([]);
    expect(personal.body.score).toBeGreaterThanOrEqual(80);
    const noName = await call('agent', 'POST', '/api/touch-check', { text: 'Hello,\n\nYes, the 28 cm pan works on induction hobs.', conversationId: draft.conversationId });
    expect(noName.body.findings.map((f: { kind: string }) => f.kind)).toContain('no-greeting-by-name');
  });

  it('shows the same touch check on the page as the live check gives while typing, and a fresh draft is not ready', async () => {
    const draft = await draftFor('Hello, does the 24 cm pan fit in a standard oven? Our old one did not.');
    const browser = new Browserish(served.url);
    await browser.signIn('agent@fernhill.example', 'correct horse battery');
    const onPage = async () => {
      const { text } = await browser.get(`/conversations/${draft.conversationId}`);
      const body = decode(/<textarea id="body-input"[^>]*>([\s\S]*?)<\/textarea>/.exec(text)![1]!);
      const findings = Array.from(text.matchAll(/<li class="finding finding-([a-z-]+)">/g), (m) => m[1]);
      return { body, score: Number(/Personal touch: <strong>(\d+)<\/strong>/.exec(text)![1]), findings };
    };
    const live = async (text: string) => {
      const { body } = await call('agent', 'POST', '/api/touch-check', { text, conversationId: draft.conversationId });
      return { score: body.score, findings: body.findings.map((f: { kind: string }) => f.kind) };
    };

    const fresh = await onPage();
    expect(fresh.findings).toContain('unchanged-template');
    expect(fresh.score).toBeLessThanOrEqual(40);
    expect(await live(fresh.body)).toEqual({ score: fresh.score, findings: fresh.findings });

    // The brackets taken off and nothing typed: still the template, on the page and live.
    const bare = await call('agent', 'PATCH', `/api/drafts/${draft.id}`, { body: fresh.body.replace(/\[\[|\]\]/g, '') });
    const unbracketed = await onPage();
    expect(unbracketed.findings).toContain('unchanged-template');
    expect(unbracketed.score).toBeLessThanOrEqual(40);
    expect(await live(unbracketed.body)).toEqual({ score: unbracketed.score, findings: unbracketed.findings });

    const typed = bare.body.body.replace(
      'the answer to what they asked',
      'A standard oven takes it easily: the 24 cm pan is 41 cm long with its handle, and the handle is fine up to 260 degrees.',
    );
    await call('agent', 'PATCH', `/api/drafts/${draft.id}`, { body: typed });
    const written = await onPage();
    expect(written.findings).not.toContain('unchanged-template');
    expect(written.score).toBeGreaterThan(unbracketed.score);
    expect(await live(written.body)).toEqual({ score: written.score, findings: written.findings });
  });

  it('lets owners change the team settings, names the wrong field, and refuses others', async () => {
    expect((await call('agent', 'GET', '/api/settings')).body).toMatchObject({ undoSeconds: 0, minTouchScore: 0, agentsNeedApproval: false });
    expect((await call('approver', 'PUT', '/api/settings', { minTouchScore: 50 })).status).toBe(403);
    const bad = await call('owner', 'PUT', '/api/settings', { minTouchScore: 150 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('minTouchScore');
    const phrases = [{ phrase: 'per my last email', suggestion: 'Say it again, kindly.' }];
    expect((await call('owner', 'PUT', '/api/settings', { cannedPhrases: phrases })).body.cannedPhrases).toEqual(phrases);
    const found = await call('agent', 'POST', '/api/touch-check', { text: 'As per my last email, the pan is induction-ready.' });
    expect(found.body.findings.filter((f: { kind: string }) => f.kind === 'canned-phrase')).toHaveLength(1);
    await call('owner', 'PUT', '/api/settings', { cannedPhrases: (await import('../../core/drafts/canned-phrases.ts')).DEFAULT_CANNED_PHRASES });
  });

  it("refuses to approve below the team's minimum score, and approves once the reply is personal", async () => {
    await call('owner', 'PUT', '/api/settings', { minTouchScore: 60 });
    try {
      const draft = await draftFor('Is the knife dishwasher safe?');
      const canned = await call('agent', 'PATCH', `/api/drafts/${draft.id}`, { body: 'Dear customer,\n\nThank you for contacting us. Please see our FAQ.' });
      const refused = await call('agent', 'POST', `/api/drafts/${draft.id}/approve`, { version: canned.body.version });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('touch_score_too_low');
      expect(refused.body.error.message).toContain('at least 60');
      const personal = await call('agent', 'PATCH', `/api/drafts/${draft.id}`, {
        body: 'Hi Maria,\n\nPlease keep the knife out of the dishwasher: the heat and the tumbling dull the edge and can crack the handle. A quick rinse and dry keeps it sharp for years.\n\nDana',
      });
      expect((await call('agent', 'POST', `/api/drafts/${draft.id}/approve`, { version: personal.body.version })).body.status).toBe('approved');
    } finally {
      await call('owner', 'PUT', '/api/settings', { minTouchScore: 0 });
    }
  });

  it("marks an agent's draft ready for review when the team wants approvers to approve", async () => {
    await call('owner', 'PUT', '/api/settings', { agentsNeedApproval: true });
    try {
      const draft = await draftFor('Can I pick up my order in person?');
      const written = await call('agent', 'PATCH', `/api/drafts/${draft.id}`, {
        body: 'Hi Maria,\n\nOf course: the workshop is open Tuesday to Saturday, 10 to 4. Ring the bell at the side door.\n\nSam',
      });
      const asked = await call('agent', 'POST', `/api/drafts/${draft.id}/approve`, { version: written.body.version });
      expect(asked.status).toBe(409);
      expect(asked.body.error.code).toBe('approval_required');
      expect((await call('agent', 'GET', `/api/drafts/${draft.id}`)).body).toMatchObject({ status: 'pending', reviewRequested: true });
      const approved = await call('approver', 'POST', `/api/drafts/${draft.id}/approve`, { version: written.body.version });
      expect(approved.body).toMatchObject({ status: 'approved', reviewRequested: false });
    } finally {
      await call('owner', 'PUT', '/api/settings', { agentsNeedApproval: false });
    }
  });

  it('refuses approval when the conversation changed since the person loaded it', async () => {
    const draft = await draftFor('Do you ship to Norway?');
    const written = await call('agent', 'PATCH', `/api/drafts/${draft.id}`, { body: 'Hi Maria,\n\nYes, we ship to Norway with tracked post; it takes about five days.\n\nDana' });
    const seen = (await call('agent', 'GET', `/api/conversations/${draft.conversationId}`)).body.version;
    await ingestMessage(ctx, {
      source: Buffer.from(
        `From: Maria Lopez <maria${n}@bakery.example>\r\nTo: ${US}\r\nSubject: Re: Question ${n}\r\nIn-Reply-To: <q${n}@bakery.example>\r\nMessage-ID: <q${n}-again@bakery.example>\r\nDate: ${new Date().toUTCString()}\r\n\r\nAlso: is customs included?\r\n`,
      ),
      origin: 'imap',
      mailboxId,
      historical: false,
    });
    const stale = await call('agent', 'POST', `/api/drafts/${draft.id}/approve`, { version: written.body.version, seenVersion: seen });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('conversation_changed');
    expect((await call('agent', 'GET', `/api/drafts/${draft.id}`)).body.customerWroteAgain).toBe(true);
    const fresh = (await call('agent', 'GET', `/api/conversations/${draft.conversationId}`)).body.version;
    expect(
      (await call('agent', 'POST', `/api/drafts/${draft.id}/approve`, { version: (await call('agent', 'GET', `/api/drafts/${draft.id}`)).body.version, seenVersion: fresh })).body
        .status,
    ).toBe('approved');
  });

  it('approves in bulk, each draft on its own, saying which could not be', async () => {
    const ready = await draftFor('What is the warranty on the pans?');
    const written = await call('agent', 'PATCH', `/api/drafts/${ready.id}`, { body: 'Hi Maria,\n\nEvery pan has a lifetime warranty against warping.\n\nDana' });
    const unfinished = await draftFor('Do you sell gift cards?');
    const changed = await draftFor('Can I pay by invoice?');
    const reviewed = changed.version;
    await call('agent', 'PATCH', `/api/drafts/${changed.id}`, {
      body: 'Hi Maria,\n\nYes, invoices are fine.\n\nDana',
      to: [{ address: 'someone-else@elsewhere.example', name: '' }],
    });
    const unpinned = await draftFor('Do you ship to Norway?');
    const res = await call('agent', 'POST', '/api/drafts/approve', {
      ids: [ready.id, unfinished.id, changed.id, unpinned.id],
      versions: { [ready.id]: written.body.version, [unfinished.id]: unfinished.version, [changed.id]: reviewed },
    });
    expect(res.status).toBe(200);
    expect(res.body.map((r: { ok: boolean }) => r.ok)).toEqual([true, false, false, false]);
    expect(res.body[0].draft.status).toBe('approved');
    expect(res.body.slice(1).map((r: { error: { code: string } }) => r.error.code)).toEqual(['unfilled_slots', 'draft_changed', 'invalid_input']);
    expect((await call('agent', 'GET', `/api/drafts/${changed.id}`)).body.status).toBe('pending');
  });

  it('replies to all the outside people on the message and never to us or between customers', async () => {
    const draft = await draftFor('Could you quote for twelve pans? Copying my colleague Tom.', [
      'Cc: Tom Baker <tom@bakery.example>, Agent Person <agent@fernhill.example>, help@fernhill.example',
      'Reply-To: Orders <orders@bakery.example>',
    ]);
    expect(draft.to).toEqual([{ address: 'orders@bakery.example', name: 'Orders' }]);
    expect(draft.cc).toEqual([{ address: 'tom@bakery.example', name: 'Tom Baker' }]);
    const other = await draftFor('A different customer entirely.');
    expect(other.to.map((a: { address: string }) => a.address)).toEqual([`maria${n}@bakery.example`]);
    expect(other.cc).toEqual([]);
  });

  it('renders every shipped template with every helper, leaving holes only where a person must write', async () => {
    const library = new TemplateLibrary(ctx.db);
    const context = {
      customer: {
        name: 'Maria Lopez',
        firstName: 'Maria',
        email: 'maria@bakery.example',
        since: new Date('2025-03-14T10:00:00Z'),
        writingSince: 'since March 2025',
        earlierConversations: 2,
        previousTopics: ['Induction question', 'Gift wrap'],
      },
      message: {
        subject: 'Warped pan',
        text: 'The pan warped after two uses and I am really disappointed.',
        quote: 'The pan warped after two uses and I am really disappointed.',
        point: 'The pan warped after two uses and I am really disappointed.',
      },
      conversation: { subject: 'Warped pan' },
      company: { name: 'Fernhill' },
      staff: { name: 'Dana Okafor', firstName: 'Dana', signature: '' },
      daysSinceWeLastWrote: 40,
      quietFor: 'a few weeks',
    };
    const names = (await library.sources()).filter((s) => s.name.startsWith('replies/')).map((s) => s.name);
    const english = [
      'replies/check-in',
      'replies/close-the-loop',
      'replies/complaint',
      'replies/feature-idea',
      'replies/first-contact',
      'replies/first-reply',
      'replies/keep-in-touch',
      'replies/nudge',
      'replies/promise-reminder',
      'replies/reminder',
      'replies/returning-customer',
      'replies/thanks',
    ];
    // German, French and Spanish ship a version of every English one.
    const translated = ['de', 'es', 'fr'].flatMap((lang) => english.map((n) => n.replace('replies/', `replies/${lang}/`)));
    expect(names.sort()).toEqual([...english, ...translated].sort());
    for (const name of names) {
      const rendered = await library.render(name, context);
      const greeting = { de: 'Hallo Maria,', es: 'Hola, Maria:', fr: 'Bonjour Maria,' }[name.split('/')[1] ?? ''] ?? 'Hi Maria,';
      expect(rendered.body.startsWith(`${greeting}\n\n`), name).toBe(true);
      expect(rendered.slots.length, name).toBeGreaterThan(0);
      expect(rendered.body, name).not.toMatch(/dear customer|valued customer|\{\{|undefined|\[object/i);
    }
    expect((await library.render('replies/returning-customer', context)).body).toContain('since March 2025');
    expect((await library.render('replies/complaint', context)).body).toContain('in your own words: "The pan warped after two uses and I am really disappointed."]]');
    expect((await library.render('replies/check-in', context)).body).toContain('"Warped pan"');
    expect((await library.render('replies/keep-in-touch', context)).body).toContain("It's been a few weeks since we last wrote.");
    expect((await library.render('partials/signature', context)).body.trim()).toBe('Dana\nFernhill');
    // No name known: a hole to fill, never "Dear Customer".
    const nameless = await library.render('replies/first-reply', { ...context, customer: { ...context.customer, firstName: null } });
    expect(nameless.body).toMatch(/^Hi \[\[their name/);
  });

  it('lets approvers edit templates with a live preview, refuses a broken one with its line, and never reaches prototypes', async () => {
    const draft = await draftFor('Could you sell replacement handles? Mine cracked.');
    const preview = await call('agent', 'POST', '/api/templates/preview', {
      name: 'replies/feature-idea',
      conversationId: draft.conversationId,
      body: 'Hi {{customer.firstName}}, about "{{short message.text 40}}": {{#personal "what we think"}}{{/personal}}\n{{> signature}}',
    });
    expect(preview.status).toBe(200);
    expect(preview.body.body).toBe(`Hi Maria, about "Could you sell replacement handles?": [[what we think]]\nAgent\nFernhill\n`);
    expect(preview.body.slots).toEqual(['what we think']);

    const broken = await call('approver', 'PUT', '/api/templates/replies/feature-idea', { body: 'Hi {{customer.firstName}},\n\n{{#if x}}never closed' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/Template replies\/feature-idea line \d+/);
    expect(broken.body.error.details.line).toBeGreaterThan(0);
    expect((await call('agent', 'PUT', '/api/templates/replies/feature-idea', { body: 'x' })).status).toBe(403);

    const sneaky = await call('agent', 'POST', '/api/templates/preview', {
      name: 'replies/thanks',
      conversationId: draft.conversationId,
      body: '[{{constructor.name}}][{{__proto__}}][{{customer.constructor.constructor}}]',
    });
    expect(sneaky.body.body.trim()).toBe('[][][]');

    const saved = await call('approver', 'PUT', '/api/templates/replies/feature-idea', {
      body: 'Hi {{customer.firstName}}, what a good idea. {{#personal "why we like it"}}{{/personal}}',
    });
    expect(saved.body).toMatchObject({ name: 'replies/feature-idea', overridden: true });
    const applied = await call('agent', 'POST', `/api/drafts/${draft.id}/template`, { name: 'replies/feature-idea' });
    expect(applied.body.body).toBe('Hi Maria, what a good idea. [[why we like it]]\n');
    expect((await call('approver', 'DELETE', '/api/templates/replies/feature-idea')).status).toBe(204);
    const list = await call('agent', 'GET', '/api/templates');
    expect(list.body.find((t: { name: string }) => t.name === 'replies/feature-idea').overridden).toBe(false);
  });
});
