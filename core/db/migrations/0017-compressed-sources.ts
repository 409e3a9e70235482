import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/**
 * A message's source is kept as it came, gzip-compressed by intake on its worker threads (where the CPU is
 * spare), so the database neither compresses it again nor carries three times the bytes. Sources stored
 * before this are not compressed (`gzip` false).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table message_sources add column gzip boolean not null default false;
    alter table message_sources alter column source set storage external;
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table message_sources alter column source set storage extended;
    alter table message_sources drop column gzip;
  `,
  );
}
