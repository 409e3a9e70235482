import { type RawBuilder, sql } from 'kysely';

/** `= any(...)` over one array parameter: a list of any length in one statement, with no limit on parameters. */
export function anyOf<T extends string | number>(values: readonly T[], type: 'text' | 'integer'): RawBuilder<T> {
  return sql`any(${values}::${sql.raw(type)}[])`;
}

/**
 * Rows as one jsonb parameter, readable as a table in FROM: a batch update or lookup is one statement
 * whatever the number of rows. Column types come from code, never from data.
 */
export function jsonRows(rows: readonly object[], columns: Record<string, string>, alias = 'v'): RawBuilder<unknown> {
  const list = Object.entries(columns)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as ${sql.raw(alias)}(${sql.raw(list)})`;
}

/** Ids for `count` new rows of a table, taken from its identity sequence before the rows are written. */
export async function takeIds(db: Parameters<RawBuilder<unknown>['execute']>[0], table: 'customers' | 'conversations' | 'messages', count: number): Promise<number[]> {
  if (count === 0) return [];
  const { rows } = await sql<{ id: number }>`select nextval(pg_get_serial_sequence(${table}, 'id'))::integer as id from generate_series(1, ${count}::integer)`.execute(db);
  return rows.map((r) => r.id);
}

/** Splits rows so that a multi-row insert stays well under PostgreSQL's 65,535 parameters. */
export function inChunks<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(30_000 / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Rows in statements of about 4 MiB at most: a batch of large sources or attachments is not one huge query, and
 * the embedded database, whose memory only grows, never needs room for more than that at once.
 */
export function bySize<T>(rows: readonly T[], size: (row: T) => number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (current.length && (bytes + size(row) > 4 * 1024 * 1024 || current.length >= 1000)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size(row);
  }
  if (current.length) out.push(current);
  return out;
}
