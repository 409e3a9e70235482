import type { Kysely } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { DB, Draft, User } from '../db/schema.ts';
import { ConflictError, NotFoundError, TooLargeError, ValidationError } from '../errors.ts';
import { type AttachmentDownload, safeContentType, uploadedContentType } from '../mail/attachments.ts';
import { dropBlobIfUnused, sha256Of, storeBlob } from '../mail/blobs.ts';
import { safeFilename } from '../mail/parse.ts';
import { formatSize } from '../sizes.ts';
import { getDraft, lockEditableDraft } from './drafts.ts';

/** Files on one reply at most: beyond this a link serves the customer better, and the sent copy stays whole when stored. */
export const MAX_REPLY_ATTACHMENTS = 50;

export interface DraftAttachmentInfo {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  /** The customer's attachment this one forwards back, or null for an upload. */
  fromAttachmentId: number | null;
}

export interface Upload {
  /** As the uploader named it: cleaned here before it is stored. */
  filename: string;
  /** As the uploader declared it: checked here. */
  contentType: string | undefined;
  content: Buffer;
}

export interface Attached {
  attachment: DraftAttachmentInfo;
  /** The draft after the change: its version moved on, so an approval pinned to the one before is refused. */
  draft: Draft;
  /** The same bytes were already on the draft: nothing was added. */
  already: boolean;
}

const info = (r: { id: number; filename: string; content_type: string; size: number; from_attachment_id: number | null }): DraftAttachmentInfo => ({
  id: r.id,
  filename: r.filename,
  contentType: r.content_type,
  size: r.size,
  fromAttachmentId: r.from_attachment_id,
});

const COLUMNS = ['id', 'filename', 'content_type', 'size', 'from_attachment_id'] as const;

export async function listDraftAttachments(db: Kysely<DB>, draftId: number): Promise<DraftAttachmentInfo[]> {
  const rows = await db.selectFrom('draft_attachments').select(COLUMNS).where('draft_id', '=', draftId).orderBy('id').execute();
  return rows.map(info);
}

/** Refuses a file past the limit, saying the limit and what is left; `size` is unknown for a file cut off while it arrived. */
function overLimit(ctx: Ctx, name: string, size: number | null, used: number): TooLargeError {
  const limit = ctx.config.replyAttachmentsBytes;
  const left = Math.max(0, limit - used);
  return new TooLargeError(
    `"${name}"${size === null ? '' : ` (${formatSize(size)})`} is too large: a reply's attachments may add up to ${formatSize(limit)}${used > 0 ? `, and ${formatSize(left)} of that is left` : ''}. Share a link to it instead.`,
    { limit, left },
  );
}

/**
 * How many bytes the draft may still take, checked before an upload is read: a file that cannot fit is
 * refused before its bytes arrive. Refuses a draft that is not editable or has no room for another file.
 */
export async function uploadRoom(ctx: Ctx, draftId: number): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    await lockEditableDraft(tx, draftId);
    const { used, count } = await usage(tx, draftId);
    if (count >= MAX_REPLY_ATTACHMENTS) throw tooMany();
    return Math.max(0, ctx.config.replyAttachmentsBytes - used);
  });
}

/** The refusal for an upload past the room left: `size` as the request declared it, or null when it was cut off on arrival. */
export function uploadTooLarge(ctx: Ctx, filename: string, size: number | null, room: number): TooLargeError {
  return overLimit(ctx, safeFilename(filename, 0, ''), size, ctx.config.replyAttachmentsBytes - room);
}

const tooMany = () => new ConflictError('too_many_attachments', `A reply can carry ${MAX_REPLY_ATTACHMENTS} files at most: remove one first, or share a link.`);

async function usage(tx: Kysely<DB>, draftId: number): Promise<{ used: number; count: number }> {
  const row = await tx
    .selectFrom('draft_attachments')
    .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('used'), eb.fn.countAll<number>().as('count')])
    .where('draft_id', '=', draftId)
    .executeTakeFirstOrThrow();
  return { used: Number(row.used), count: Number(row.count) };
}

interface NewAttachment {
  sha256: string;
  filename: string;
  contentType: string;
  size: number;
  fromAttachmentId: number | null;
  /** The bytes, when they are not stored yet (an upload). */
  content?: Buffer;
}

/** Adds one file under the draft's lock, so two uploads at once cannot both squeeze under the limit. */
async function attach(ctx: Ctx, draftId: number, file: NewAttachment, actor: User): Promise<Attached> {
  return ctx.db.transaction().execute(async (tx) => {
    const draft = await lockEditableDraft(tx, draftId);
    const same = await tx.selectFrom('draft_attachments').select(COLUMNS).where('draft_id', '=', draftId).where('blob_sha256', '=', file.sha256).executeTakeFirst();
    if (same) return { attachment: info(same), draft, already: true };
    const { used, count } = await usage(tx, draftId);
    if (count >= MAX_REPLY_ATTACHMENTS) throw tooMany();
    if (used + file.size > ctx.config.replyAttachmentsBytes) throw overLimit(ctx, file.filename, file.size, used);
    if (file.content) await storeBlob(tx, file.content, file.sha256);
    const now = ctx.clock.now();
    const row = await tx
      .insertInto('draft_attachments')
      .values({
        draft_id: draftId,
        blob_sha256: file.sha256,
        filename: file.filename,
        content_type: file.contentType,
        size: file.size,
        added_by: actor.id,
        from_attachment_id: file.fromAttachmentId,
        created_at: now,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    const updated = await bumpVersion(tx, draftId, now);
    await audit(tx, now, {
      actorUserId: actor.id,
      action: 'draft.attached',
      subjectType: 'draft',
      subjectId: draftId,
      details: { filename: row.filename, size: row.size, sha256: file.sha256, ...(file.fromAttachmentId ? { fromAttachmentId: file.fromAttachmentId } : {}) },
    });
    return { attachment: info(row), draft: updated, already: false };
  });
}

/** What goes out changed: a new version, so an approval of the one reviewed before is refused (draft_changed). */
function bumpVersion(tx: Kysely<DB>, draftId: number, now: Date): Promise<Draft> {
  return tx
    .updateTable('drafts')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
    .where('id', '=', draftId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A file a person uploaded: its name cleaned (no path, no control characters, at most 200 characters), its type checked. */
export async function attachUpload(ctx: Ctx, draftId: number, upload: Upload, actor: User): Promise<Attached> {
  if (upload.content.length === 0) throw new ValidationError(`"${safeFilename(upload.filename, 0, '')}" is empty: there is nothing to attach.`, 'body');
  const contentType = uploadedContentType(upload.contentType, upload.content);
  return attach(
    ctx,
    draftId,
    {
      sha256: sha256Of(upload.content),
      filename: safeFilename(upload.filename, 0, contentType),
      contentType,
      size: upload.content.length,
      fromAttachmentId: null,
      content: upload.content,
    },
    actor,
  );
}

/** A customer's own attachment (their invoice, their photo) sent back with the reply: the same blob, not a second copy. */
export async function attachReceived(ctx: Ctx, draftId: number, attachmentId: number, actor: User): Promise<Attached> {
  const draft = await getDraft(ctx, draftId);
  const received = await ctx.db
    .selectFrom('attachments')
    .innerJoin('messages', 'messages.id', 'attachments.message_id')
    .select(['attachments.blob_sha256', 'attachments.filename', 'attachments.content_type', 'attachments.size'])
    .where('attachments.id', '=', attachmentId)
    .where('messages.conversation_id', '=', draft.conversation_id)
    .executeTakeFirst();
  if (!received) throw new ValidationError(`attachmentId: attachment ${attachmentId} is not in this conversation.`, 'attachmentId');
  return attach(
    ctx,
    draftId,
    { sha256: received.blob_sha256, filename: received.filename, contentType: received.content_type, size: received.size, fromAttachmentId: attachmentId },
    actor,
  );
}

export async function removeDraftAttachment(ctx: Ctx, draftId: number, id: number, actor: User): Promise<Draft> {
  return ctx.db.transaction().execute(async (tx) => {
    await lockEditableDraft(tx, draftId);
    const removed = await tx.deleteFrom('draft_attachments').where('id', '=', id).where('draft_id', '=', draftId).returning(['filename', 'blob_sha256']).executeTakeFirst();
    if (!removed) throw new NotFoundError('Attachment', id);
    // A mistaken upload (the wrong 20 MB video) does not stay in the database for good.
    await dropBlobIfUnused(tx, removed.blob_sha256);
    const now = ctx.clock.now();
    const updated = await bumpVersion(tx, draftId, now);
    await audit(tx, now, { actorUserId: actor.id, action: 'draft.attachment_removed', subjectType: 'draft', subjectId: draftId, details: { filename: removed.filename } });
    return updated;
  });
}

/** A draft's files with their bytes. */
const filesWithBytes = (db: Kysely<DB>, draftId: number) =>
  db
    .selectFrom('draft_attachments')
    .innerJoin('blobs', 'blobs.sha256', 'draft_attachments.blob_sha256')
    .select(['draft_attachments.filename', 'draft_attachments.content_type', 'blobs.content'])
    .where('draft_attachments.draft_id', '=', draftId);

/** One file of a draft, for a staff member to check what they attached: a download with an inert type, as received ones are. */
export async function draftAttachmentForDownload(ctx: Ctx, draftId: number, id: number): Promise<AttachmentDownload> {
  const row = await filesWithBytes(ctx.db, draftId).where('draft_attachments.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Attachment', id);
  return { filename: row.filename, contentType: safeContentType(row.content_type), content: Buffer.from(row.content) };
}

/** The files as they go out: the name and type as listed on the draft, the bytes as stored. */
export async function attachmentsToSend(db: Kysely<DB>, draftId: number): Promise<Array<{ filename: string; contentType: string; content: Buffer }>> {
  const rows = await filesWithBytes(db, draftId).orderBy('draft_attachments.id').execute();
  return rows.map((r) => ({ filename: r.filename, contentType: r.content_type, content: Buffer.from(r.content) }));
}
