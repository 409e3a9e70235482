import { Router } from 'express';
import { z } from 'zod';
import { offsetLabel } from '../../core/followups/local-time.ts';
import { timeZoneChoices } from '../../core/users/time-zone.ts';
import { createToken, listTokens, revokeToken } from '../../core/users/tokens.ts';
import { adoptBrowserTimeZone, changeOwnPassword, signOutEverywhere, updateUser } from '../../core/users/users.ts';
import { offsetMinutesAt } from '../../core/wall-clock.ts';
import { when, zoneOf } from '../views.ts';
import { idParam, type PageKit, parseForm } from './kit.ts';

/** A person's own account: time zone, password, signature, sessions and API tokens. */
export function accountPages({ ctx, page, signedIn, action }: PageKit): Router {
  const r = Router();

  r.get('/account', signedIn, async (req, res) => {
    const newToken = req.session.newToken;
    delete req.session.newToken;
    const now = ctx.clock.now();
    page(req, res, 'account', {
      title: 'Your account',
      tokens: await listTokens(ctx, req.user!.id),
      newToken,
      // Each zone with its offset now, so "+05:30" or "Kolkata" both find it in the list.
      zones: timeZoneChoices().map((zone) => ({ zone, offset: offsetLabel(offsetMinutesAt(now, zone)) })),
      zoneSet: req.user!.time_zone !== null,
      nowThere: when(now, zoneOf(req.user)),
    });
  });

  r.post(
    '/account/time-zone',
    signedIn,
    action(async (req) => {
      const user = await updateUser(ctx, req.user!.id, { timeZone: parseForm(z.object({ timeZone: z.string().max(100) }), req.body).timeZone }, req.user!.id);
      return `Your time zone is ${user.time_zone}: it is ${when(ctx.clock.now(), zoneOf(user))} there. Every time in Longhand is shown, and every time you type read, in it.`;
    }),
  );

  // A page's script reports the browser's zone for someone who has none yet (signed in before zones existed).
  r.post('/account/time-zone/browser', signedIn, async (req, res) => {
    await adoptBrowserTimeZone(ctx, req.user!.id, req.body?.timeZone);
    res.status(204).end();
  });

  r.post(
    '/account/password',
    signedIn,
    action(async (req) => {
      const form = z.object({ current: z.string().max(1000), next: z.string().max(1000) }).parse(req.body);
      await changeOwnPassword(ctx, req.user!, form.current, form.next, req.sessionID);
      return 'Your password is changed.';
    }),
  );

  r.post(
    '/account/signature',
    signedIn,
    action(async (req) => {
      await updateUser(ctx, req.user!.id, { signature: z.object({ signature: z.string().max(2000) }).parse(req.body).signature }, req.user!.id);
      return 'Your signature is saved; it goes under every reply you send.';
    }),
  );

  r.post('/account/signout-everywhere', signedIn, async (req, res) => {
    await signOutEverywhere(ctx, req.user!.id);
    req.session.destroy(() => res.redirect(303, '/signin'));
  });

  r.post(
    '/account/tokens',
    signedIn,
    action(async (req) => {
      const name = z.object({ name: z.string().trim().min(1).max(100) }).parse(req.body).name;
      // Shown once, on the next page, then forgotten: only its hash is kept.
      req.session.newToken = { name, token: await createToken(ctx, req.user!.id, name) };
      return `Your new token "${name}" is below. Copy it now: it will not be shown again.`;
    }),
  );

  r.post(
    '/account/tokens/:id/revoke',
    signedIn,
    action(async (req) => {
      await revokeToken(ctx, idParam.parse(req.params.id), req.user!);
      return 'The token is revoked; it stops working at once.';
    }),
  );

  return r;
}
