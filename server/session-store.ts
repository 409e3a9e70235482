import session from 'express-session';
import type { Db } from '../core/db/database.ts';

/** Sessions live in the database, so a flushed Redis signs nobody out and every process sees them. */
export class DatabaseSessionStore extends session.Store {
  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
  ) {
    super();
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    this.db
      .selectFrom('sessions')
      .select(['data', 'expires_at'])
      .where('sid', '=', sid)
      .executeTakeFirst()
      .then((row) => cb(null, row && row.expires_at.getTime() > Date.now() ? (row.data as unknown as session.SessionData) : null), cb);
  }

  override set(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    const expires = data.cookie?.expires ? new Date(data.cookie.expires) : new Date(Date.now() + this.ttlMs);
    const userId = (data as { userId?: number }).userId ?? null;
    const json = JSON.stringify(data);
    this.db
      .insertInto('sessions')
      .values({ sid, user_id: userId, data: json, expires_at: expires })
      .onConflict((oc) => oc.column('sid').doUpdateSet({ user_id: userId, data: json, expires_at: expires }))
      .execute()
      .then(() => cb?.(), cb);
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.db
      .deleteFrom('sessions')
      .where('sid', '=', sid)
      .execute()
      .then(() => cb?.(), cb);
  }

  override touch(sid: string, data: session.SessionData, cb?: () => void): void {
    const expires = data.cookie?.expires ? new Date(data.cookie.expires) : new Date(Date.now() + this.ttlMs);
    this.db
      .updateTable('sessions')
      .set({ expires_at: expires })
      .where('sid', '=', sid)
      .execute()
      .then(
        () => cb?.(),
        () => cb?.(),
      );
  }
}
