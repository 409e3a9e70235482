import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { sql } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { Role, User } from '../db/schema.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { ROLES } from './roles.ts';
import { clearSigninFailures } from './signin-limits.ts';
import { knownTimeZone } from './time-zone.ts';

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;
/** The advisory lock the first-owner check and insert hold together. */
const FIRST_OWNER_LOCK = 7_140_001;

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password?: string | null;
}

export async function hashPassword(password: string): Promise<string> {
  if (password.length < 10) throw new ValidationError('A password needs at least 10 characters.', 'password');
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function createUser(ctx: Ctx, input: NewUser, actorUserId: number | null = null, o: { onlyIfFirstOwner?: boolean } = {}): Promise<User> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new ValidationError(`"${input.email}" is not an email address.`, 'email');
  if (!input.name.trim()) throw new ValidationError('A name is needed: customers see it on replies.', 'name');
  if (!ROLES.includes(input.role)) throw new ValidationError(`Role must be one of ${ROLES.join(', ')}.`, 'role');
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return ctx.db.transaction().execute(async (tx) => {
    if (o.onlyIfFirstOwner) {
      // One first owner, however many set-up forms arrive at once: they queue on this lock, and all but the first find an owner.
      await sql`select pg_advisory_xact_lock(${FIRST_OWNER_LOCK})`.execute(tx);
      const owner = await tx
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'owner')
        .where('password_hash', 'is not', null)
        .where('disabled_at', 'is', null)
        .limit(1)
        .executeTakeFirst();
      if (owner) throw new ConflictError('setup_done', 'Longhand is set up already: sign in.');
    }
    const user = await tx
      .insertInto('users')
      .values({ email, name: input.name.trim(), role: input.role, password_hash: passwordHash, signature: '' })
      .onConflict((oc) => oc.column('email').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!user) throw new ConflictError('user_exists', `A user with the address ${email} exists already.`);
    await audit(tx, ctx.clock.now(), { actorUserId, action: 'user.created', subjectType: 'user', subjectId: user.id, details: { email, role: input.role } });
    return user;
  });
}

/**
 * True until an owner can sign in. Staff added without a password (the demo's team, `user add` without
 * --password-stdin) do not count: someone must still be able to create the first owner in the browser.
 */
export async function setupNeeded(ctx: Ctx): Promise<boolean> {
  const owner = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'owner')
    .where('password_hash', 'is not', null)
    .where('disabled_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return !owner;
}

/** Checks a password; the same work is done for unknown addresses so timing says nothing. */
export async function verifyLogin(ctx: Ctx, email: string, password: string): Promise<User | null> {
  const user = await ctx.db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).where('disabled_at', 'is', null).executeTakeFirst();
  const hash = user?.password_hash ?? (await dummyHash());
  const ok = await argon2.verify(hash, password).catch(() => false);
  return ok && user ? user : null;
}

// A real hash of a random string, verified against when the address is unknown.
let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= argon2.hash(randomBytes(16).toString('hex'), { type: argon2.argon2id });
  return dummy;
}

/**
 * Sets or resets a password. Every other session of that person ends (a stolen session does not outlive the
 * change), `keepSessionId` excepted: the one a person changed their own password from. A successful reset
 * also lifts a sign-in lock on the address, so an owner can let someone back in at once.
 */
export async function setPassword(ctx: Ctx, email: string, password: string, actorUserId: number | null, keepSessionId: string | null = null): Promise<void> {
  const hash = await hashPassword(password);
  const address = email.trim().toLowerCase();
  await ctx.db.transaction().execute(async (tx) => {
    const user = await tx.updateTable('users').set({ password_hash: hash }).where('email', '=', address).returning('id').executeTakeFirst();
    if (!user) throw new ValidationError(`No user has the address ${email}.`, 'email');
    await tx
      .deleteFrom('sessions')
      .where('user_id', '=', user.id)
      .$if(keepSessionId !== null, (q) => q.where('sid', '!=', keepSessionId!))
      .execute();
    await audit(tx, ctx.clock.now(), { actorUserId, action: 'user.password_set', subjectType: 'user', subjectId: user.id });
  });
  await clearSigninFailures(ctx, address);
}

export async function findUserByEmail(ctx: Ctx, email: string): Promise<User | undefined> {
  return ctx.db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

/** Staff by name: those who can sign in, or everyone. */
export async function listUsers(ctx: Ctx, o: { includeDisabled?: boolean } = {}): Promise<User[]> {
  return ctx.db
    .selectFrom('users')
    .selectAll()
    .$if(!o.includeDisabled, (q) => q.where('disabled_at', 'is', null))
    .orderBy('name')
    .execute();
}

export async function getUser(ctx: Ctx, id: number): Promise<User | undefined> {
  return ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function firstNameOfUser(user: Pick<User, 'name'>): string {
  return user.name.trim().split(/\s+/)[0] ?? user.name;
}

export interface UserChange {
  role?: Role;
  disabled?: boolean;
  name?: string;
  signature?: string;
  /** An IANA name, e.g. "Europe/Berlin": every time on their pages is shown, and every time they type read, in it. */
  timeZone?: string;
}

/** Changes a person's role, name, signature, time zone or access, audited; the last owner cannot be demoted or disabled. */
export async function updateUser(ctx: Ctx, id: number, change: UserChange, actorUserId: number | null): Promise<User> {
  if (change.role !== undefined && !ROLES.includes(change.role)) throw new ValidationError(`Role must be one of ${ROLES.join(', ')}.`, 'role');
  if (change.name !== undefined && !change.name.trim()) throw new ValidationError('A name is needed: customers see it on replies.', 'name');
  const timeZone = change.timeZone === undefined ? undefined : knownTimeZone(change.timeZone);
  if (timeZone === null) throw new ValidationError(`"${change.timeZone}" is not a time zone: choose one from the list, e.g. Europe/Berlin.`, 'timeZone');
  return ctx.db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!user) throw new ValidationError(`No user ${id}.`, 'id');
    const losesOwner = user.role === 'owner' && ((change.role !== undefined && change.role !== 'owner') || change.disabled === true);
    if (losesOwner) {
      const owners = await tx.selectFrom('users').select('id').where('role', '=', 'owner').where('disabled_at', 'is', null).where('id', '!=', id).execute();
      if (owners.length === 0) throw new ConflictError('last_owner', 'This is the last owner: make someone else an owner first.');
    }
    const now = ctx.clock.now();
    const values = {
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.name !== undefined ? { name: change.name.trim() } : {}),
      ...(change.signature !== undefined ? { signature: change.signature } : {}),
      ...(timeZone !== undefined ? { time_zone: timeZone } : {}),
      ...(change.disabled !== undefined ? { disabled_at: change.disabled ? now : null } : {}),
    };
    // Nothing to change (the people form with only a new password): an UPDATE without columns is not SQL.
    if (Object.keys(values).length === 0) return user;
    const updated = await tx.updateTable('users').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    // A role change or a disabled account takes effect at once: their sessions end.
    if (change.role !== undefined || change.disabled) await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await audit(tx, now, {
      actorUserId,
      action:
        change.role !== undefined && change.role !== user.role
          ? 'user.role_changed'
          : change.disabled !== undefined
            ? change.disabled
              ? 'user.disabled'
              : 'user.enabled'
            : 'user.updated',
      subjectType: 'user',
      subjectId: id,
      details: { from: user.role, ...change },
    });
    return updated;
  });
}

/**
 * The zone a browser reports at sign-in, taken only while the person has none: their own choice on the
 * account page is never overwritten by the browser of a trip. An unknown name is ignored.
 */
export async function adoptBrowserTimeZone(ctx: Ctx, userId: number, reported: unknown): Promise<User | undefined> {
  const zone = knownTimeZone(reported);
  if (!zone) return undefined;
  return ctx.db.transaction().execute(async (tx) => {
    const updated = await tx.updateTable('users').set({ time_zone: zone }).where('id', '=', userId).where('time_zone', 'is', null).returningAll().executeTakeFirst();
    if (updated) await audit(tx, ctx.clock.now(), { actorUserId: userId, action: 'user.time_zone_guessed', subjectType: 'user', subjectId: userId, details: { timeZone: zone } });
    return updated;
  });
}

/** Ends every session of this person, on every device (API tokens are separate and stay). */
export async function signOutEverywhere(ctx: Ctx, userId: number): Promise<number> {
  const ended = await ctx.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  await audit(ctx.db, ctx.clock.now(), { actorUserId: userId, action: 'user.signed_out_everywhere', subjectType: 'user', subjectId: userId });
  return Number(ended.numDeletedRows);
}

/** Removes the sessions that have expired: the session store only ignores them. */
export async function deleteExpiredSessions(ctx: Ctx): Promise<void> {
  await ctx.db.deleteFrom('sessions').where('expires_at', '<', ctx.clock.now()).execute();
}

/** A person changes their own password: the current one first. */
export async function changeOwnPassword(ctx: Ctx, user: User, current: string, next: string, thisSessionId: string): Promise<void> {
  if (!(await verifyLogin(ctx, user.email, current))) throw new ValidationError('The current password is not right.', 'current');
  await setPassword(ctx, user.email, next, user.id, thisSessionId);
}
