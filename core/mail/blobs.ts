import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { anyOf, bySize } from '../db/batch-sql.ts';
import type { DB } from '../db/schema.ts';

export const sha256Of = (content: Buffer): string => createHash('sha256').update(content).digest('hex');

/**
 * Keeps bytes once per content hash, whoever brings them (a customer's mail, a staff upload, the copy of a
 * reply that carried them). Bytes already kept are not sent to the database again.
 */
export async function storeBlob(db: Kysely<DB>, content: Buffer, sha256 = sha256Of(content)): Promise<string> {
  await storeBlobs(db, [{ sha256, content }]);
  return sha256;
}

/** Many at once (a batch of mail's attachments): one lookup, then one insert per few megabytes of what is new. */
export async function storeBlobs(db: Kysely<DB>, blobs: readonly { sha256: string; content: Buffer }[]): Promise<void> {
  const unique = [...new Map(blobs.map((b) => [b.sha256, b])).values()];
  if (unique.length === 0) return;
  const kept = await db
    .selectFrom('blobs')
    .select('sha256')
    .where(
      'sha256',
      '=',
      anyOf(
        unique.map((b) => b.sha256),
        'text',
      ),
    )
    .execute();
  const known = new Set(kept.map((k) => k.sha256));
  for (const chunk of bySize(
    unique.filter((b) => !known.has(b.sha256)),
    (b) => b.content.length,
  )) {
    await db
      .insertInto('blobs')
      .values(chunk.map((b) => ({ sha256: b.sha256, size: b.content.length, content: b.content })))
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
  }
}

/** Lets bytes go once nothing refers to them any more (a file taken off a draft before it went out). */
export async function dropBlobIfUnused(db: Kysely<DB>, sha256: string): Promise<void> {
  await db
    .deleteFrom('blobs')
    .where('sha256', '=', sha256)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('attachments')
            .select('id')
            .where('blob_sha256', '=', sha256)
            .union(selectFrom('draft_attachments').select('id').where('blob_sha256', '=', sha256)),
        ),
      ),
    )
    .execute();
}
