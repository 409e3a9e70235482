import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/**
 * A draft names the mailbox it goes out from (imported mail, and mail of a removed mailbox, have none of
 * their own), and each saved version keeps its recipients: null for versions saved before they were kept.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table drafts add column mailbox_id integer references mailboxes(id) on delete set null;
    alter table draft_revisions add column "to" jsonb;
    alter table draft_revisions add column cc jsonb;
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table draft_revisions drop column cc, drop column "to";
    alter table drafts drop column mailbox_id;
  `,
  );
}
