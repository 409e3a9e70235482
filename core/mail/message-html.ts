import type { Ctx } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { type AttachmentDownload, attachmentForDownload } from './attachments.ts';
import { type SanitizedHtml, sanitizeMailHtml } from './sanitize.ts';

export interface HtmlLinks {
  /** null: remote images stay out; else the URL that fetches one for the reader. */
  remoteImage: ((url: string) => string) | null;
  /** The URL of one of the message's own attachments, shown inside the HTML. */
  inlineImage: (attachmentId: number) => string;
}

/** A message's HTML body as it may be shown: sanitized, its cid: images pointing at its own attachments. */
export async function readableHtml(ctx: Ctx, messageId: number, links: HtmlLinks): Promise<SanitizedHtml> {
  const message = await ctx.db.selectFrom('messages').select('html').where('id', '=', messageId).executeTakeFirst();
  if (!message?.html) throw new NotFoundError('HTML body of message', messageId);
  const parts = await ctx.db.selectFrom('attachments').select(['id', 'content_id']).where('message_id', '=', messageId).where('content_id', 'is not', null).execute();
  const byContentId = new Map(parts.map((p) => [p.content_id!, p.id]));
  return sanitizeMailHtml(message.html, {
    remoteImage: links.remoteImage,
    inlineImage: (contentId) => {
      const id = byContentId.get(contentId);
      return id === undefined ? null : links.inlineImage(id);
    },
  });
}

/** An attachment shown as an image inside a message: only types a browser displays without running anything. */
export async function inlineImage(ctx: Ctx, attachmentId: number): Promise<AttachmentDownload> {
  const a = await attachmentForDownload(ctx, attachmentId);
  if (!a.contentType.startsWith('image/')) throw new NotFoundError('Image', attachmentId);
  return a;
}
