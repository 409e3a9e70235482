import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/**
 * What the sync needs to be seen and steered: which worker holds a mailbox and when it last said so,
 * a generation number that a "sync again from the start" bumps, extra folders to read, and progress times.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table mailboxes add column sync_generation integer not null default 0;
    alter table mailboxes add column owner_worker text;
    alter table mailboxes add column heartbeat_at timestamptz;
    alter table mailboxes add column extra_folders text[] not null default '{}';
    alter table folders add column last_progress_at timestamptz;
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table folders drop column last_progress_at;
    alter table mailboxes drop column extra_folders;
    alter table mailboxes drop column heartbeat_at;
    alter table mailboxes drop column owner_worker;
    alter table mailboxes drop column sync_generation;
  `,
  );
}
