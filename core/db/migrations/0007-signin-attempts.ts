import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/** Failed sign-ins, by address and by client address, so guessing is slowed down for everyone at once. */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table signin_failures (
      id integer generated always as identity primary key,
      key text not null,
      at timestamptz not null
    );
    create index signin_failures_key on signin_failures (key, at);
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, 'drop table signin_failures;');
}
