import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Ctx } from '../context.ts';
import { audit } from '../audit.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import type { Role, User } from '../db/schema.ts';

export const ROLES: Role[] = ['owner', 'approver', 'agent'];
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

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

export async function createUser(ctx: Ctx, input: NewUser, actorUserId: number | null = null): Promise<User> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new ValidationError(`"${input.email}" is not an email address.`, 'email');
  if (!input.name.trim()) throw new ValidationError('A name is needed: customers see it on replies.', 'name');
  if (!ROLES.includes(input.role)) throw new ValidationError(`Role must be one of ${ROLES.join(', ')}.`, 'role');
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return ctx.db.transaction().execute(async (tx) => {
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
  const owner = await ctx.db.selectFrom('users').select('id').where('role', '=', 'owner').where('password_hash', 'is not', null).where('disabled_at', 'is', null).limit(1).executeTakeFirst();
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

export async function setPassword(ctx: Ctx, email: string, password: string, actorUserId: number | null): Promise<void> {
  const hash = await hashPassword(password);
  const user = await ctx.db.updateTable('users').set({ password_hash: hash }).where('email', '=', email.trim().toLowerCase()).returning('id').executeTakeFirst();
  if (!user) throw new ValidationError(`No user has the address ${email}.`, 'email');
  await audit(ctx.db, ctx.clock.now(), { actorUserId, action: 'user.password_set', subjectType: 'user', subjectId: user.id });
}

export async function findUserByEmail(ctx: Ctx, email: string): Promise<User | undefined> {
  return ctx.db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function getUser(ctx: Ctx, id: number): Promise<User | undefined> {
  return ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function firstNameOfUser(user: Pick<User, 'name'>): string {
  return user.name.trim().split(/\s+/)[0] ?? user.name;
}
