import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../core/intake/intake.ts';
import { createToken } from '../../core/users/tokens.ts';
import { createUser } from '../../core/users/users.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { type ServedApp, serveApp } from '../support/http.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function withAttachments(id: string, parts: Array<{ name: string; type: string; content: Buffer }>): Buffer {
  const boundary = 'xyz-boundary';
  const body = parts
    .map(
      (p) =>
        `--${boundary}\r\nContent-Type: ${p.type}; name="${p.name}"\r\nContent-Disposition: attachment; filename="${p.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${p.content.toString('base64')}\r\n`,
    )
    .join('');
  return Buffer.from(
    `From: Gareth <gareth@pryce.example>\r\nTo: support@fernhill.example\r\nSubject: Photos\r\nMessage-ID: <${id}>\r\nDate: Mon, 16 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n--${boundary}\r\nContent-Type: text/plain\r\n\r\nPhotos of the warped pan attached.\r\n${body}--${boundary}--\r\n`,
  );
}

describe('attachments', () => {
  let ctx: TestCtx;
  let served: ServedApp;
  let url: string;
  let token: string;

  beforeAll(async () => {
    ctx = await testContext();
    const owner = await createUser(ctx, { email: 'dana@fernhill.example', name: 'Dana', role: 'agent', password: 'correct horse battery' });
    token = await createToken(ctx, owner.id, 'test');
    served = await serveApp(ctx, token);
    url = served.url;
  });

  afterAll(async () => {
    await served?.close();
    await ctx?.close();
  });

  it('stores each content once, lists them on the message, and serves them only as inert downloads', async () => {
    const evil = Buffer.from('<html><script>alert(document.cookie)</script></html>');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const first = await ingestMessage(ctx, {
      source: withAttachments('a1@pryce.example', [
        { name: 'pan.png', type: 'image/png', content: PNG },
        { name: 'invoice.html', type: 'text/html', content: evil },
        { name: 'logo.svg', type: 'image/svg+xml', content: svg },
      ]),
      origin: 'imap',
      mailboxId: null,
      historical: false,
    });
    await ingestMessage(ctx, {
      source: withAttachments('a2@pryce.example', [{ name: 'same-pan.png', type: 'image/png', content: PNG }]),
      origin: 'imap',
      mailboxId: null,
      historical: false,
    });
    expect(await ctx.db.selectFrom('blobs').select('sha256').execute()).toHaveLength(3);

    const conversation = (await (await fetch(`${url}/api/conversations/${first.conversationId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      messages: Array<{ messageId: string; attachments: Array<{ id: number; filename: string }> }>;
    };
    const listed = conversation.messages.find((m: { messageId: string }) => m.messageId === 'a1@pryce.example')!.attachments;
    expect(listed.map((a) => a.filename)).toEqual(['pan.png', 'invoice.html', 'logo.svg']);

    const get = (id: number) => fetch(`${url}/api/attachments/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const png = await get(listed[0].id);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('content-disposition')).toBe(`attachment; filename="pan.png"; filename*=UTF-8''pan.png`);
    expect(png.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await png.arrayBuffer()).equals(PNG)).toBe(true);
    for (const a of listed.slice(1)) {
      const res = await get(a.id);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
    }
    expect((await fetch(`${url}/api/attachments/${listed[0].id}`)).status).toBe(401);
    expect((await get(999_999)).status).toBe(404);
  });
});
