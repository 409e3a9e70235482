import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export const sha256Of = (content: Buffer): string => createHash('sha256').update(content).digest('hex');

/**
 * Keeps bytes once per content hash, whoever brings them (a customer's mail, a staff upload, the copy of a
 * reply that carried them). Bytes already kept are not sent to the database again.
 */
export async function storeBlob(db: Kysely<DB>, content: Buffer, sha256 = sha256Of(content)): Promise<string> {
  if (await db.selectFrom('blobs').select('sha256').where('sha256', '=', sha256).executeTakeFirst()) return sha256;
  await db
    .insertInto('blobs')
    .values({ sha256, size: content.length, content })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  return sha256;
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
