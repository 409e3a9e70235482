import { type Kysely, sql } from 'kysely';

/** Runs a SQL script one statement at a time: PGlite's parameterised protocol takes one statement per query. */
export async function runScript(db: Kysely<any>, script: string): Promise<void> {
  const statements = script
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
  for (const statement of statements) await sql.raw(statement).execute(db);
}
