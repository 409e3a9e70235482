import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/**
 * People: each staff member's time zone (null until their browser or they say which), and the mentions
 * of them in team notes, each read or not by that person. Mentions so far lived in the note as a list of
 * ids nobody could mark read; they move into rows of their own, unread.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table users add column time_zone text;

    alter table conversation_notes add column edited_at timestamptz;

    create table mentions (
      id integer generated always as identity primary key,
      note_id integer not null references conversation_notes(id) on delete cascade,
      user_id integer not null references users(id) on delete cascade,
      created_at timestamptz not null,
      read_at timestamptz,
      unique (note_id, user_id)
    );
    create index mentions_by_user on mentions (user_id, id desc);
    create index mentions_unread on mentions (user_id) where read_at is null;

    insert into mentions (note_id, user_id, created_at)
      select n.id, u.id, n.created_at from conversation_notes n cross join lateral unnest(n.mentioned_user_ids) as m(user_id)
      join users u on u.id = m.user_id
      where u.id is distinct from n.author_id
      on conflict do nothing;

    alter table conversation_notes drop column mentioned_user_ids;
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table conversation_notes add column mentioned_user_ids integer[] not null default '{}';
    update conversation_notes n set mentioned_user_ids = coalesce((select array_agg(m.user_id order by m.id) from mentions m where m.note_id = n.id), '{}');
    drop table mentions;
    alter table conversation_notes drop column edited_at;
    alter table users drop column time_zone;
  `,
  );
}
