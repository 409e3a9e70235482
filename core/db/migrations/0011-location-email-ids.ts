import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/**
 * The server's own id for the message at a location (OBJECTID's EMAILID, Gmail's X-GM-MSGID), where it
 * gives one: Gmail shows one message in several folders, and this id says it is the same message.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table message_locations add column email_id text;
    create index message_locations_email_id on message_locations (mailbox_id, email_id) where email_id is not null;
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    drop index message_locations_email_id;
    alter table message_locations drop column email_id;
  `,
  );
}
