import type { ImapFlow } from 'imapflow';
import type { Ctx } from '../context.ts';
import { getMailbox, mailboxServers } from '../mailboxes/mailboxes.ts';
import { connectImap } from './imap.ts';

interface Session {
  client: Promise<ImapFlow>;
  /** One command stream per connection: callers take turns. */
  turn: Promise<unknown>;
  idleTimer: NodeJS.Timeout | null;
}

/**
 * Short-lived IMAP connections for the outbox (filing sent copies, setting \Answered, settling an
 * interrupted send): one per mailbox, shared by the sends that follow each other, logged out after a
 * quiet spell. A send no longer pays a login for its Sent copy.
 */
export class ImapSessions {
  readonly #sessions = new Map<number, Session>();

  constructor(private readonly idleMs = 20_000) {}

  async use<T>(ctx: Ctx, mailboxId: number, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    const session = this.#sessions.get(mailboxId) ?? this.open(ctx, mailboxId);
    if (session.idleTimer) clearTimeout(session.idleTimer);
    const run = session.turn.catch(() => undefined).then(async () => fn(await session.client));
    session.turn = run;
    try {
      return await run;
    } catch (err) {
      // A failed command may have left the connection in any state: the next caller gets a fresh one.
      this.drop(mailboxId, session);
      throw err;
    } finally {
      if (this.#sessions.get(mailboxId) === session && session.turn === run) {
        session.idleTimer = setTimeout(() => this.drop(mailboxId, session), this.idleMs);
        session.idleTimer.unref();
      }
    }
  }

  private open(ctx: Ctx, mailboxId: number): Session {
    const client = getMailbox(ctx, mailboxId).then((m) => connectImap(mailboxServers(ctx, m).imap, m.name));
    const session: Session = { client, turn: client, idleTimer: null };
    client.then(
      (c) => c.once('close', () => this.#sessions.get(mailboxId) === session && this.#sessions.delete(mailboxId)),
      () => this.#sessions.delete(mailboxId),
    );
    this.#sessions.set(mailboxId, session);
    return session;
  }

  private drop(mailboxId: number, session: Session): void {
    if (this.#sessions.get(mailboxId) === session) this.#sessions.delete(mailboxId);
    if (session.idleTimer) clearTimeout(session.idleTimer);
    session.client.then(
      (c) => c.logout().catch(() => c.close()),
      () => undefined,
    );
  }

  async close(): Promise<void> {
    for (const [id, session] of [...this.#sessions]) this.drop(id, session);
  }
}
