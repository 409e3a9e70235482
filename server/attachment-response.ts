import type { Response } from 'express';
import type { AttachmentDownload } from '../core/mail/attachments.ts';

/** Always a download, never rendered in our origin: nosniff, a sandboxing CSP, and the filename encoded. */
export function sendAttachment(res: Response, a: AttachmentDownload): void {
  const ascii = a.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  res.set({
    'Content-Type': a.contentType,
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Cache-Control': 'private, no-store',
  });
  res.send(a.content);
}
