import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImageNetwork, isPublicAddress, publicInternet } from '../../core/mail/remote-image.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchBrowser, signIn } from '../support/browser.ts';
import { SmtpSink, testMailbox, waitUntil } from '../support/servers.ts';

const US = 'support@fernhill.example';
const CORPUS = new URL('../fixtures/hostile/', import.meta.url);
const corpus = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith('.eml'))
  .sort()
  .map((f) => fs.readFileSync(new URL(f, CORPUS)));
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** Mail over each of the limits on what untrusted input may cost, and the warning each must show. */
function overLimits(): Array<{ subject: string; source: Buffer; warning: RegExp }> {
  const head = (subject: string, contentType: string, extra = '') =>
    `From: Bulk Sender <bulk@limits.example>\r\nTo: ${US}\r\nSubject: ${subject}\r\nDate: Mon, 02 Mar 2026 12:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W+/g, '-')}@limits.example>\r\n${extra}MIME-Version: 1.0\r\nContent-Type: ${contentType}\r\n\r\n`;
  const attachments = Array.from(
    { length: 101 },
    (_, i) => `--many\r\nContent-Type: text/plain; name="note-${i}.txt"\r\nContent-Disposition: attachment; filename="note-${i}.txt"\r\n\r\nnote ${i}\r\n`,
  ).join('');
  let deep = 'Content-Type: text/plain\r\n\r\nat the bottom\r\n';
  for (let i = 0; i < 35; i++) deep = `Content-Type: multipart/mixed; boundary="d${i}"\r\n\r\n--d${i}\r\n${deep}--d${i}--\r\n`;
  const fillers = Array.from({ length: 2_100 }, (_, i) => `X-Filler-${i}: ${i}\r\n`).join('');
  return [
    {
      subject: 'Limits: too many attachments',
      source: Buffer.from(
        `${head('Limits: too many attachments', 'multipart/mixed; boundary="many"')}--many\r\nContent-Type: text/plain\r\n\r\nSee the notes.\r\n${attachments}--many--\r\n`,
      ),
      warning: /the message has 101 attachments, over the limit of 100: the last one was skipped/,
    },
    {
      subject: 'Limits: nested too deep',
      source: Buffer.from(`${head('Limits: nested too deep', 'multipart/mixed; boundary="top"')}--top\r\n${deep}--top--\r\n`),
      warning: /MIME parts are nested more than 30 levels deep: only the headers were read/,
    },
    {
      subject: 'Limits: too many headers',
      source: Buffer.from(`${head('Limits: too many headers', 'text/plain', fillers)}Hello\r\n`),
      warning: /the header block has \d+ lines, over the limit of 2000/,
    },
    {
      subject: 'Limits: HTML too long',
      source: Buffer.from(`${head('Limits: HTML too long', 'text/html; charset=utf-8')}<p>${'Lorem ipsum dolor sit amet. '.repeat(110_000)}</p>\r\n`),
      warning: /the HTML body \(2\.9 MiB\) is over the limit of 2 MiB: it was cut short/,
    },
    {
      subject: 'Limits: too big',
      source: Buffer.concat([
        Buffer.from(head('Limits: too big', 'application/octet-stream', 'Content-Transfer-Encoding: base64\r\n')),
        Buffer.alloc(26 * 1024 * 1024, 'QUFB\r\n'),
      ]),
      warning: /this message is 26\.0 MiB, over the 25\.0 MiB limit; only its headers were stored/,
    },
  ];
}

/** What a frame shows must be inert: nothing ran, nothing active is left in the body (the head is ours). */
async function inert(frame: Frame): Promise<{ pwned: unknown; title: string; active: string[]; links: string[][]; images: Array<[string, number]> }> {
  return frame.evaluate(() => {
    const active = [...document.body.querySelectorAll('script, iframe, frame, object, embed, form, input, button, meta[http-equiv], base, link, style, svg, math, template')].map(
      (el) => el.tagName.toLowerCase(),
    );
    for (const el of document.body.querySelectorAll('*'))
      for (const a of el.attributes) if (/^on/i.test(a.name) || /^\s*(javascript|vbscript|data:text)/i.test(a.value)) active.push(`${el.tagName.toLowerCase()}[${a.name}]`);
    return {
      pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
      title: document.title,
      active,
      links: [...document.links].map((a) => [a.href, a.target, a.rel]),
      images: [...document.images].map((i): [string, number] => [i.getAttribute('src') ?? '', i.naturalWidth]),
    };
  });
}

describe('hostile mail, synced from Dovecot and read in Chromium', () => {
  let app: TestApp;
  let sink: SmtpSink;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let remote: http.Server;
  /** What the "remote" site (the sender's servers) was asked for, with the headers it got. */
  const remoteRequests: Array<{ path: string; headers: http.IncomingHttpHeaders }> = [];
  /** Every request the browser made, and those that would have left our app. */
  const browserRequests: string[] = [];
  const outside: string[] = [];
  const dialogs: string[] = [];
  const limits = overLimits();

  beforeAll(async () => {
    remote = http.createServer((req, res) => {
      const path = req.url ?? '/';
      remoteRequests.push({ path, headers: req.headers });
      if (path.includes('-redirect')) return res.writeHead(302, { location: 'http://127.0.0.1:9/img.png' }).end();
      if (path.endsWith('.svg'))
        return res.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>');
      if (path.includes('-html')) return res.writeHead(200, { 'content-type': 'text/html' }).end('<script>alert(1)</script>');
      if (path.endsWith('.gif')) return res.writeHead(200, { 'content-type': 'image/gif', 'set-cookie': 'tracked=1' }).end(GIF);
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    });
    await new Promise<void>((resolve) => remote.listen(0, '127.0.0.2', resolve));
    const remotePort = (remote.address() as AddressInfo).port;
    // The sender's hosts lead to the local "remote" site; anything else is judged as on the real network.
    const imageNetwork: ImageNetwork = {
      resolve: async (hostname, port) => (hostname.endsWith('attacker.example') ? [{ address: '127.0.0.2', port: remotePort }] : publicInternet.resolve(hostname, port)),
      allows: (address) => address === '127.0.0.2' || isPublicAddress(address),
    };

    sink = await SmtpSink.start();
    const box = testMailbox('hostile');
    await box.append([...corpus, ...limits.map((l) => l.source)]);
    app = await startTestApp({ env: { LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: US }, imageNetwork });
    const total = corpus.length + limits.length;
    await waitUntil(
      async () =>
        (await app.api('GET', '/api/mailboxes')).body[0]?.initialSyncDone === true &&
        Number(
          (
            await app.rt.ctx.db
              .selectFrom('messages')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ) === total,
      60_000,
      'the sync of the corpus',
    );

    browser = await launchBrowser();
    context = await browser.newContext();
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${app.url}/`)) return route.continue();
      outside.push(url);
      return route.abort();
    });
    context.on('request', (r) => browserRequests.push(r.url()));
    context.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page = await context.newPage();
    const staff = await app.addUser('agent', 'Sam Reyes');
    await signIn(page, app.url, staff.email, staff.password);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sink?.close();
    await new Promise((resolve) => (remote ? remote.close(resolve) : resolve(null)));
  });

  it('runs no script and contacts nothing but our app, with remote images blocked and loaded through the proxy', async () => {
    const messages = await app.rt.ctx.db
      .selectFrom('messages')
      .select(['id', 'conversation_id', 'message_id', 'html', 'subject', 'from_name'])
      .where('message_id', 'like', 'hostile-%')
      .orderBy('id')
      .execute();
    expect(messages).toHaveLength(corpus.length);
    const byNumber = (n: string) => messages.find((m) => m.message_id === `hostile-${n}@attacker.example`)!;

    /** A conversation as staff read it: the page, then each message's formatted view, blocked and with images. */
    const readConversation = async (page: Page, conversationId: number): Promise<void> => {
      await page.goto(`${app.url}/conversations/${conversationId}`);
      const staffPage = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
        title: document.title,
        scripts: [...document.scripts].map((s) => s.getAttribute('src')),
        fromMail: document.querySelectorAll('.thread img, .thread svg, .thread script, .thread style, .thread iframe:not([sandbox]), .thread form:not([action^="/"])').length,
      }));
      expect(staffPage).toMatchObject({ pwned: null, scripts: ['/assets/app.js'], fromMail: 0 });
      expect(staffPage.title).not.toMatch(/PWNED/);

      for (const m of messages.filter((x) => x.conversation_id === conversationId && x.html)) {
        // Nothing of the HTML is loaded until a person opens "Show as sent".
        expect(browserRequests.some((u) => u.includes(`/messages/${m.id}/html`))).toBe(false);
        const shown = page.waitForEvent('framenavigated', (f) => f.url() === `${app.url}/messages/${m.id}/html`);
        await page.locator(`#m${m.id} details.as-sent > summary`).click();
        const frame = await shown;
        await frame.waitForLoadState('load');
        const blocked = await inert(frame);
        expect(blocked, m.message_id).toMatchObject({ pwned: null, active: [] });
        expect(blocked.title).not.toMatch(/PWNED/);
        expect(blocked.images.filter(([src]) => src.startsWith('/proxy/'))).toEqual([]);
        for (const [, target, rel] of blocked.links) expect([target, rel]).toEqual(['_blank', 'noopener noreferrer']);

        const loaded = page.waitForEvent('framenavigated', (f) => f.url() === `${app.url}/messages/${m.id}/html?images=load`);
        await page.locator(`#m${m.id} details.as-sent`).getByRole('link', { name: 'Load remote images' }).click();
        const frameWithImages = await loaded;
        await frameWithImages.waitForLoadState('load');
        const withImages = await inert(frameWithImages);
        expect(withImages, m.message_id).toMatchObject({ pwned: null, active: [] });
        expect(withImages.title).not.toMatch(/PWNED/);
      }
      // Opened on its own (not in our frame), the formatted view is sandboxed by its CSP all the same.
      for (const m of messages.filter((x) => x.conversation_id === conversationId && x.html)) {
        const res = await page.request.get(`${app.url}/messages/${m.id}/html`);
        expect(res.headers()['content-security-policy']).toBe(
          "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox allow-popups allow-popups-to-escape-sandbox",
        );
        expect(res.headers()).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'SAMEORIGIN' });
      }
    };
    // Each sandboxed frame gets a renderer process of its own, which takes a while: two tabs read at once.
    const queue = [...new Set(messages.map((m) => m.conversation_id))];
    const tabs = [page, await context.newPage()];
    await Promise.all(
      tabs.map(async (tab) => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await readConversation(tab, id);
      }),
    );
    await Promise.all(tabs.slice(1).map((tab) => tab.close()));

    for (const n of ['01', '14', '17', '33', '76', '84']) {
      await page.goto(`${app.url}/messages/${byNumber(n).id}/html`);
      expect(await inert(page.mainFrame()), n).toMatchObject({ pwned: null, active: [], title: '' });
    }
    // The tracking pixel and the inline logo show when asked; SVG, HTML and our own machine are refused.
    await page.goto(`${app.url}/messages/${byNumber('51').id}/html?images=load`);
    expect((await inert(page.mainFrame())).images).toEqual([[expect.stringMatching(/^\/proxy\/image\?u=http%3A%2F%2Ftracker\.attacker\.example%2Fpixel-51\.gif&e=\d+&s=/), 1]]);
    await page.goto(`${app.url}/messages/${byNumber('68').id}/html`);
    expect((await inert(page.mainFrame())).images).toEqual([[expect.stringMatching(/^\/attachments\/\d+\/inline\?e=\d+&s=/), 1]]);
    // (The browser reports those refusals as blocked loads, not as answers: the proxy's log says why.)
    const refused = new Map(
      app.logs
        .map((l) => JSON.parse(l) as { msg: string; url: string; reason: string })
        .filter((e) => e.msg === 'remote image not passed on')
        .map((e) => [e.url, e.reason]),
    );
    expect(refused.get('http://tracker.attacker.example/img-54.svg')).toBe('image/svg+xml is not an image we pass on');
    expect(refused.get('http://tracker.attacker.example/img-55-html.png')).toBe('text/html is not an image we pass on');
    expect(refused.get('http://tracker.attacker.example/img-57-redirect.png')).toBe('127.0.0.1 is not a public address');
    for (const u of ['http://127.0.0.1:9/img-56.png', 'http://[::1]/img-56.png', 'http://127.0.0.1/img-56.png', 'http://localhost/img-56.png'])
      expect(refused.get(u), u).toMatch(/is not a public address/);

    // The browser only ever talked to our app; no dialog opened.
    expect(outside).toEqual([]);
    expect(browserRequests.filter((u) => !u.startsWith(`${app.url}/`) && !u.startsWith('data:'))).toEqual([]);
    expect(dialogs).toEqual([]);
    // The sender's servers saw only image requests made by the proxy when a person asked, without cookie or referrer.
    expect(remoteRequests.length).toBeGreaterThan(0);
    for (const r of remoteRequests) {
      expect(r.path).toMatch(/\/(pixel|img)-/);
      expect(r.headers.cookie).toBeUndefined();
      expect(r.headers.referer).toBeUndefined();
      expect(r.headers['user-agent']).toBe('Longhand image proxy');
    }
  }, 180_000);

  it('shows header tricks as inert text on the staff pages, and serves attachments as downloads', async () => {
    const rows = await app.rt.ctx.db
      .selectFrom('messages')
      .select(['id', 'conversation_id', 'message_id', 'subject', 'from_name'])
      .where('message_id', 'like', 'hostile-%')
      .execute();
    const row = (n: string) => rows.find((m) => m.message_id === `hostile-${n}@attacker.example`)!;
    const read = async (n: string) => {
      const m = row(n);
      await page.goto(`${app.url}/conversations/${m.conversation_id}`);
      return page.evaluate(
        (id) => ({
          subject: document.querySelector('#subject')!.textContent,
          subjectElements: document.querySelectorAll('#subject *').length,
          from: document.querySelector(`#m${id}-from`)!.textContent,
          headerElements: document.querySelectorAll(`#m${id} header strong *`).length,
          text: document.querySelector(`#m${id} .original`)!.textContent,
          pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
        }),
        m.id,
      );
    };

    expect(await read('62')).toMatchObject({ subject: '<script>window.__pwned=1</script><img src=x onerror=alert(1)> order 62', subjectElements: 0, pwned: null });
    const crlf = await read('63');
    expect(crlf.from).not.toMatch(/[\r\n]/);
    expect(crlf).toMatchObject({ from: 'Evil Bcc: all@example.com <b>Boss</b>', headerElements: 0 });
    expect(await read('64')).toMatchObject({ subject: 'Hello X-Injected: yes <b>fake body</b> 64', subjectElements: 0 });
    expect(await read('65')).toMatchObject({ from: '<img src=x onerror=alert(1)>', headerElements: 0, pwned: null });
    expect((await read('66')).subject).not.toMatch(/\0/);
    expect((await read('67')).text).toContain('<script>window.__pwned=1;alert(1)</script>');
    expect(dialogs).toEqual([]);

    // .html, .svg and a forwarded message: downloads with a safe type, never rendered in our origin.
    const attachments = await app.rt.ctx.db
      .selectFrom('attachments')
      .select(['id', 'filename'])
      .where('message_id', 'in', [row('69').id, row('70').id, row('71').id, row('72').id])
      .execute();
    expect(attachments.length).toBeGreaterThanOrEqual(5);
    for (const a of attachments) {
      const res = await page.request.get(`${app.url}/attachments/${a.id}`);
      expect(res.headers()['content-disposition'], a.filename).toMatch(/^attachment;/);
      expect(res.headers()['x-content-type-options']).toBe('nosniff');
      expect(res.headers()['content-type']).toMatch(/^(application\/octet-stream|application\/pdf|text\/plain; charset=utf-8)$/);
      expect(a.filename).not.toMatch(/[/\\<>\u202e]/);
    }
  });

  it('stores mail over the limits with a warning the conversation page shows', async () => {
    for (const l of limits) {
      const m = await app.rt.ctx.db.selectFrom('messages').select(['id', 'conversation_id']).where('subject', '=', l.subject).executeTakeFirstOrThrow();
      await page.goto(`${app.url}/conversations/${m.conversation_id}`);
      expect(await page.locator(`#m${m.id} .warnings`).textContent(), l.subject).toMatch(l.warning);
    }
  });

  it('keeps the image proxy closed to links it did not sign', async () => {
    const url = encodeURIComponent('http://tracker.attacker.example/pixel-51.gif');
    const before = remoteRequests.length;
    for (const query of [`u=${url}`, `u=${url}&e=99999999999&s=forged`, `u=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}&e=99999999999&s=x`]) {
      const res = await page.request.get(`${app.url}/proxy/image?${query}`);
      expect(res.status()).toBe(403);
      expect(res.headers()['x-content-type-options']).toBe('nosniff');
    }
    const inline = await page.request.get(`${app.url}/attachments/1/inline`);
    expect(inline.status()).toBe(403);
    expect(remoteRequests.length).toBe(before);
  });
});
