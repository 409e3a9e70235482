import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/**
 * Snippets: short saved texts a person inserts into a draft at the cursor (the return policy, setup steps).
 * Names and shortcuts are unique regardless of case; how often each was used orders the picker.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table snippets (
      id integer generated always as identity primary key,
      name text not null,
      body text not null,
      shortcut text,
      keywords text[] not null default '{}',
      use_count integer not null default 0,
      last_used_at timestamptz,
      created_by integer references users(id) on delete set null,
      updated_by integer references users(id) on delete set null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create unique index snippets_name on snippets (lower(name));
    create unique index snippets_shortcut on snippets (lower(shortcut)) where shortcut is not null;
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, 'drop table snippets;');
}
