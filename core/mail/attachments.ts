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

/** The first bytes of the types whose files always start the same way. */
const SIGNATURES: Record<string, Buffer[]> = {
  'image/png': [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  'image/jpeg': [Buffer.from([0xff, 0xd8, 0xff])],
  'image/gif': [Buffer.from('GIF87a'), Buffer.from('GIF89a')],
  'image/webp': [Buffer.from('RIFF')],
  'application/pdf': [Buffer.from('%PDF-')],
};

/**
 * The type an uploaded file is sent as: what the uploader declared when it is a well-formed `type/subtype`
 * and, for types with a fixed signature, the bytes bear it out; otherwise application/octet-stream, so no
 * customer's mail program is told a file is an image or a PDF that is not.
 */
export function uploadedContentType(declared: string | undefined, content: Buffer): string {
  const type = (declared ?? '').split(';')[0]!.trim().toLowerCase();
  if (type.length > 100 || !/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(type)) return 'application/octet-stream';
  const signatures = SIGNATURES[type];
  if (signatures && !signatures.some((s) => content.subarray(0, s.length).equals(s))) return 'application/octet-stream';
  return type;
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
