import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/** An agent's draft waiting for an approver; a bounce that came back for a reply we sent. */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table drafts add column review_requested_by integer references users(id) on delete set null;
    alter table drafts add column review_requested_at timestamptz;
    alter table outbox add column bounce_message_id integer references messages(id) on delete set null;
    alter table outbox add column bounce_reason text;
    create index outbox_message_id_lower on outbox (lower(message_id));
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    drop index outbox_message_id_lower;
    alter table outbox drop column bounce_reason;
    alter table outbox drop column bounce_message_id;
    alter table drafts drop column review_requested_at;
    alter table drafts drop column review_requested_by;
  `,
  );
}
