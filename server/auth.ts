import type { RequestHandler } from 'express';
import type { Ctx } from '../core/context.ts';
import type { Role, User } from '../core/db/schema.ts';
import { AuthenticationError, PermissionError } from '../core/errors.ts';
import type { PendingConsent } from '../core/mailboxes/oauth-connect.ts';
import { userForToken } from '../core/users/tokens.ts';
import { getUser } from '../core/users/users.ts';

/** An approval that can still be taken back, offered on whatever page comes next. */
export interface FlashUndo {
  draftId: number;
  conversationId: number;
  subject: string;
  until: string;
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    csrf?: string;
    flash?: { kind: 'ok' | 'error'; text: string; undo?: FlashUndo };
    /** A new API token, shown once on the next page and then gone. */
    newToken?: { name: string; token: string };
    /** A mailbox consent in progress at Google or Microsoft: its state and PKCE verifier, until the callback. */
    oauthConsent?: PendingConsent;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: User;
      authBy?: 'session' | 'token';
    }
  }
}

/** Finds the person behind a request: an API token in the Authorization header, else the session cookie. */
export function identify(ctx: Ctx): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (header) {
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      const user = token ? await userForToken(ctx, token) : null;
      if (!user) return next(new AuthenticationError('The API token is not valid (or was revoked).'));
      req.user = user;
      req.authBy = 'token';
      return next();
    }
    if (req.session?.userId) {
      const user = await getUser(ctx, req.session.userId);
      if (user && !user.disabled_at) {
        req.user = user;
        req.authBy = 'session';
      }
    }
    next();
  };
}

/** Roles in order of what they may do; each route names the least it needs. */
const RANK: Record<Role, number> = { agent: 1, approver: 2, owner: 3 };

/** A handler that checks the role, carrying the role it asks for so the route table can be audited. */
export type RoleCheck = RequestHandler & { leastRole: Role };

export function requireRole(least: Role): RoleCheck {
  const check: RequestHandler = (req, _res, next) => {
    if (!req.user) return next(new AuthenticationError());
    if (RANK[req.user.role] < RANK[least]) return next(new PermissionError(`This needs the ${least} role; you are ${req.user.role}.`));
    next();
  };
  return Object.assign(check, { leastRole: least });
}
