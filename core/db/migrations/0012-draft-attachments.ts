import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/**
 * Files attached to a draft, stored like received ones: the bytes once per content hash in `blobs`, so a
 * customer's own attachment forwarded back is the same blob, never a second copy. They belong to the draft,
 * not to a version of it: restoring an earlier text or undoing an approval keeps them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table draft_attachments (
      id integer generated always as identity primary key,
      draft_id integer not null references drafts(id) on delete cascade,
      blob_sha256 text not null references blobs(sha256),
      filename text not null,
      content_type text not null,
      size integer not null,
      added_by integer references users(id) on delete set null,
      from_attachment_id integer references attachments(id) on delete set null,
      created_at timestamptz not null,
      unique (draft_id, blob_sha256)
    );
    -- Whether anything still refers to a blob, asked when a file comes off a draft.
    create index draft_attachments_blob on draft_attachments (blob_sha256);
    create index attachments_blob on attachments (blob_sha256);
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, 'drop index attachments_blob; drop table draft_attachments;');
}
