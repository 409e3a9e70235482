import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';

/**
 * Kysely driver for in-process PGlite. PGlite is a single session, so a connection is handed out
 * to one user at a time: without this mutex two concurrent transactions would interleave statements.
 */
class PGliteDriver implements Driver {
  #queue: Promise<void> = Promise.resolve();
  #release: (() => void) | null = null;
  #held = false;
  /** When a user last had to wait for the connection (performance.now()). */
  contendedAt = Number.NEGATIVE_INFINITY;
  readonly #connection: DatabaseConnection;

  constructor(private readonly client: PGlite) {
    this.#connection = {
      executeQuery: async <R>(q: CompiledQuery): Promise<QueryResult<R>> => {
        const res = await this.client.query<R>(q.sql, [...q.parameters]);
        return { rows: res.rows, numAffectedRows: res.affectedRows === undefined ? undefined : BigInt(res.affectedRows) };
      },
      streamQuery: () => {
        throw new Error('PGlite does not stream query results');
      },
    };
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue;
    let release!: () => void;
    this.#queue = new Promise<void>((resolve) => (release = resolve));
    if (this.#held) this.contendedAt = performance.now();
    await previous;
    this.#held = true;
    this.#release = release;
    return this.#connection;
  }

  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = null;
    this.#held = false;
    release?.();
  }
  async destroy(): Promise<void> {
    await this.client.close();
  }
}

/** The dialect, and how long ago someone last waited for its one connection (Infinity: never). */
export function pgliteDialect(client: PGlite): Dialect & { sinceContended(): number } {
  const driver = new PGliteDriver(client);
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => driver,
    createQueryCompiler: () => new PostgresQueryCompiler(),
    createIntrospector: (db: Kysely<any>) => new PostgresIntrospector(db),
    sinceContended: () => performance.now() - driver.contendedAt,
  };
}
