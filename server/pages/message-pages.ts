import { type Response, Router } from 'express';
import { RemoteImageError } from '../../core/errors.ts';
import { inlineImage, readableHtml } from '../../core/mail/message-html.ts';
import { fetchRemoteImage, publicInternet } from '../../core/mail/remote-image.ts';
import { sendAttachment } from '../attachment-response.ts';
import { urlSigner } from '../signed-urls.ts';
import { idParam, type PageKit } from './kit.ts';

/**
 * The frame's own policy, replacing the app's: nothing runs, nothing loads but our images, forms go
 * nowhere; only our pages may frame it, and opened on its own it is sandboxed all the same. Links
 * open in a new, unsandboxed tab (allow-popups) since the sanitizer gives every link target=_blank.
 */
const FRAME_POLICY = [
  "default-src 'none'",
  "img-src 'self' data:",
  "style-src 'unsafe-inline'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  'sandbox allow-popups allow-popups-to-escape-sandbox',
].join('; ');

const FRAME_STYLE =
  'body{margin:8px;font:15px/1.45 system-ui,sans-serif;color:#1d1d1f;background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}.remote-image{display:inline-block;padding:0 4px;border:1px dashed #8a8a8a;color:#5c5c5c;font-size:12px}';

/** A message as it was sent: its HTML in a sandboxed frame, its images, and remote images through our proxy. */
export function messagePages({ ctx, options, signedIn }: PageKit): Router {
  const r = Router();
  const signer = urlSigner(options.sessionSecret);
  const network = options.imageNetwork ?? publicInternet;

  r.get('/messages/:id/html', signedIn, async (req, res) => {
    const now = ctx.clock.now();
    const signed = (path: string, purpose: string, value: string, extra: Record<string, string> = {}): string =>
      `${path}?${new URLSearchParams({ ...extra, ...signer.sign(purpose, value, now) })}`;
    const body = await readableHtml(ctx, idParam.parse(req.params.id), {
      remoteImage: req.query.images === 'load' ? (url) => signed('/proxy/image', 'image-proxy', url, { u: url }) : null,
      inlineImage: (id) => signed(`/attachments/${id}/inline`, 'inline-image', String(id)),
    });
    res.set({
      'Content-Security-Policy': FRAME_POLICY,
      'X-Frame-Options': 'SAMEORIGIN',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'private, no-store',
    });
    res
      .type('html')
      .send(`<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><style>${FRAME_STYLE}</style></head><body>${body.html}</body></html>`);
  });

  // Requested by the frame, whose origin is opaque: no session cookie comes along, the signature stands in for it.
  r.get('/attachments/:id/inline', async (req, res) => {
    const id = idParam.parse(req.params.id);
    if (!signer.verify('inline-image', String(id), req.query.e, req.query.s, ctx.clock.now())) return refuse(res, 403, 'This link is not valid (any more).');
    const image = await inlineImage(ctx, id);
    res.set('Cross-Origin-Resource-Policy', 'cross-origin');
    sendAttachment(res, image);
  });

  r.get('/proxy/image', async (req, res) => {
    const url = typeof req.query.u === 'string' ? req.query.u : '';
    // Only URLs this server put into a message frame: never an open proxy.
    if (!signer.verify('image-proxy', url, req.query.e, req.query.s, ctx.clock.now())) return refuse(res, 403, 'This link is not valid (any more).');
    try {
      const image = await fetchRemoteImage(url, network);
      res.set({
        'Content-Type': image.contentType,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "sandbox; default-src 'none'",
        'Cross-Origin-Resource-Policy': 'cross-origin',
        'Cache-Control': 'private, max-age=3600',
      });
      res.send(image.body);
    } catch (err) {
      if (!(err instanceof RemoteImageError)) throw err;
      ctx.log.info({ url, reason: err.message }, 'remote image not passed on');
      refuse(res, err.refused ? 403 : 502, `The image was not loaded: ${err.message}.`);
    }
  });

  return r;
}

function refuse(res: Response, status: number, message: string): void {
  res
    .status(status)
    .set({ 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "sandbox; default-src 'none'", 'Cache-Control': 'no-store' })
    .type('text/plain')
    .send(message);
}
