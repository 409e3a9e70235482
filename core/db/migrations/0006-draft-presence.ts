import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/** Who has a draft open right now, so two people editing one draft are told of each other. */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table draft_presence (
      draft_id integer not null references drafts(id) on delete cascade,
      user_id integer not null references users(id) on delete cascade,
      editing boolean not null default false,
      seen_at timestamptz not null,
      primary key (draft_id, user_id)
    );
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, 'drop table draft_presence;');
}
