import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';
import { SmtpSink, type TestMailbox, testMailbox, waitUntil } from '../support/servers.ts';

const US = 'help@pause.example';
const mail = (id: string, subject: string) =>
  `From: Noor Haddad <noor@haddad.example>\r\nTo: ${US}\r\nSubject: ${subject}\r\nMessage-ID: <${id}@haddad.example>\r\nDate: ${new Date().toUTCString()}\r\n\r\n${subject}: can you help?\r\n`;

describe('pausing and resuming a mailbox', () => {
  let app: TestApp;
  let sink: SmtpSink;
  let box: TestMailbox;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    box = testMailbox('pause');
    app = await startTestApp({ env: { LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: US } });
  });

  afterAll(async () => {
    await app?.close();
    await sink?.close();
  });

  const mailbox = async () => (await app.api('GET', '/api/mailboxes')).body[0];
  const stored = (id: string) => async () => Boolean(await app.rt.ctx.db.selectFrom('messages').select('id').where('message_id', '=', `${id}@haddad.example`).executeTakeFirst());

  it('stops fetching while paused, says "Paused", and fetches what arrived meanwhile on resume', async () => {
    await waitUntil(async () => (await mailbox())?.stateWords === 'Signed in, up to date', 20_000, 'the first sync');
    const owner = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    const desk = new Browserish(app.url);
    await desk.signIn(owner.email, 'correct horse battery');
    const { csrf } = await desk.get('/mailboxes');
    const { id } = await mailbox();

    expect((await desk.post(`/mailboxes/${id}/pause`, { _csrf: csrf, back: '/mailboxes' })).status).toBe(303);
    const page = (await desk.get('/mailboxes')).text;
    expect(page).toContain(`${US} is paused: no mail is fetched until you resume it.`);
    expect(page).toContain('Paused');
    expect(page).toContain('Resume fetching mail');
    expect((await mailbox()).stateWords).toBe('Paused');
    // The worker lets it go: no session is left reading it.
    await waitUntil(() => !app.workers!.owners.owned().includes(id), 10_000, 'the worker to let the mailbox go');

    await box.append(mail('while-paused', 'Spare lid'));
    expect(await stored('while-paused')()).toBe(false);
    const resumed = await app.api('POST', `/api/mailboxes/${id}/resume`);
    expect(resumed.status).toBe(200);
    await waitUntil(stored('while-paused'), 20_000, 'the mail that arrived while paused');
    expect((await app.api('POST', `/api/mailboxes/${id}/pause`, undefined, (await app.addUser('agent')).token)).status).toBe(403);
  });

  it('removes a mailbox added by an owner and keeps its conversations and mail; the one from the environment stays', async () => {
    const other = testMailbox('removed');
    await other.append(mail('kept', 'Kept after removal'));
    const added = await app.api('POST', '/api/mailboxes', { email: 'orders@pause.example', imapUrl: other.imapUrl, smtpUrl: sink.url });
    expect(added.status).toBe(201);
    await waitUntil(stored('kept'), 20_000, 'the mail of the second mailbox');
    const owner = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    const desk = new Browserish(app.url);
    await desk.signIn(owner.email, 'correct horse battery');
    const { csrf } = await desk.get('/mailboxes');

    // Changing it starts from what is saved, passwords left out.
    const change = (await desk.get(`/mailboxes/${added.body.id}/edit`)).text;
    expect(change).toContain('Change orders@pause.example');
    expect(change).toContain(`value="${other.port}"`);
    expect(change).toContain(`value="${other.user}"`);
    expect(change).not.toContain(other.password);

    await desk.post(`/mailboxes/${added.body.id}/remove`, { _csrf: csrf, back: '/mailboxes' });
    expect((await desk.get('/mailboxes')).text).toContain('Tick &quot;Yes, remove&quot; to remove the mailbox.');
    await desk.post(`/mailboxes/${added.body.id}/remove`, { _csrf: csrf, back: '/mailboxes', confirm: 'on' });
    expect((await desk.get('/mailboxes')).text).toContain('orders@pause.example is removed. Its conversations and mail stay');
    expect((await app.api('GET', '/api/mailboxes')).body.map((m: { email: string }) => m.email)).toEqual([US]);
    expect(await stored('kept')()).toBe(true);
    const conversations = (await app.api('GET', '/api/conversations')).body;
    expect(JSON.stringify(conversations)).toContain('Kept after removal');

    const fromEnv = await app.api('DELETE', `/api/mailboxes/${(await mailbox()).id}`);
    expect(fromEnv.status).toBe(409);
    expect(fromEnv.body.error.message).toContain('comes from LONGHAND_IMAP_URL');
  });
});
