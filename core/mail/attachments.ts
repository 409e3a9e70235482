import type { Ctx } from '../context.ts';
import { NotFoundError } from '../errors.ts';

export interface AttachmentDownload {
  filename: string;
  /** What the browser is told it is: an inert type from the allow-list, or application/octet-stream. */
  contentType: string;
  content: Buffer;
}

/**
 * Types a browser shows without running anything of the sender's. HTML, SVG, XML and anything scriptable
 * are served as bytes to save, never as what they claim to be.
 */
const INERT = new Map([
  ['image/png', 'image/png'],
  ['image/jpeg', 'image/jpeg'],
  ['image/gif', 'image/gif'],
  ['image/webp', 'image/webp'],
  ['application/pdf', 'application/pdf'],
  ['text/plain', 'text/plain; charset=utf-8'],
  ['text/csv', 'text/plain; charset=utf-8'],
]);

export function safeContentType(declared: string): string {
  return INERT.get(declared.split(';')[0]!.trim().toLowerCase()) ?? 'application/octet-stream';
}

/** One stored attachment, for a staff member to download. */
export async function attachmentForDownload(ctx: Ctx, id: number): Promise<AttachmentDownload> {
  const row = await ctx.db
    .selectFrom('attachments')
    .innerJoin('blobs', 'blobs.sha256', 'attachments.blob_sha256')
    .select(['attachments.filename', 'attachments.content_type', 'blobs.content'])
    .where('attachments.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Attachment', id);
  return { filename: row.filename, contentType: safeContentType(row.content_type), content: Buffer.from(row.content) };
}
