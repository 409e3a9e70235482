import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/** Messages newest first: how a search for a word that is in much of the mail answers without ranking it all. */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, 'create index messages_date on messages (date desc, id desc);');
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, 'drop index messages_date;');
}
