import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../core/db/schema.ts';
import { createApp } from '../../server/app.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';
import { type RouteEntry, routeTable } from '../support/routes.ts';

/** Routes anyone may call: health, first-run setup, signing in and out, the page assets. */
const PUBLIC = new Set(['GET /healthz', 'GET /setup', 'POST /setup', 'GET /signin', 'POST /signin', 'POST /signout']);
/** Routes a signature in the link authorizes, not a session: a sandboxed message frame's images come without the cookie. */
const SIGNED = new Set(['GET /attachments/:id/inline', 'GET /proxy/image']);
/** What only owners may do, written out so that a mistake in a route's own role shows here. */
const OWNER_ONLY = [
  /^GET \/settings$/,
  /^POST \/settings\/(people|team|phrases|oauth)/,
  /^(GET|POST) \/mailboxes\/(oauth\/|:id\/reconnect)/,
  /^GET \/settings\/audit/,
  /^(GET|POST) \/mailboxes\/(new|test)$/,
  /^POST \/mailboxes(\/:id\/resync)?$/,
  /^POST \/api\/mailboxes/,
  /^PUT \/api\/settings$/,
  /^\w+ \/admin\/queues/,
];
const ROLES: Role[] = ['agent', 'approver', 'owner'];
const RANK: Record<Role, number> = { agent: 1, approver: 2, owner: 3 };
/** Routes that end the caller's own session go last, so the walk keeps its sessions until then. */
const ENDS_SESSION = new Set(['POST /signout', 'POST /account/signout-everywhere']);

const key = (r: RouteEntry) => `${r.method} ${r.path}`;
/** Ids that name nothing: the role check comes first, and nothing real is touched by the walk. */
const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, '999999').replace(/\*\w*$/, 'x');

/**
 * Every route of the app against anonymous and each role: the table comes from the app itself, so a
 * route added without a role check fails here.
 */
describe('the route table by role', () => {
  let app: TestApp;
  let routes: RouteEntry[];
  const sessions = {} as Record<Role, { client: Browserish; csrf: string; token: string }>;

  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    routes = routeTable(createApp(app.rt.ctx, { sessionSecret: 'x'.repeat(64), queues: app.rt.queues!.all })).sort(
      (a, b) => Number(ENDS_SESSION.has(key(a))) - Number(ENDS_SESSION.has(key(b))),
    );
    const owner = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    const people = {
      owner: { email: owner.email, password: 'correct horse battery', token: app.token },
      approver: await app.addUser('approver'),
      agent: await app.addUser('agent'),
    };
    for (const role of ROLES) {
      const client = new Browserish(app.url, `10.9.0.${RANK[role]}`);
      expect((await client.signIn(people[role].email, people[role].password)).status).toBe(303);
      sessions[role] = { client, csrf: (await client.get('/account')).csrf, token: people[role].token };
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  it('knows the role of every route, and owners alone hold the sensitive ones', () => {
    expect(routes.length).toBeGreaterThan(80);
    const unchecked = routes.filter((r) => !r.leastRole && !PUBLIC.has(key(r)) && !SIGNED.has(key(r))).map(key);
    expect(unchecked, 'routes without a role check').toEqual([]);
    const notOwner = routes.filter((r) => OWNER_ONLY.some((re) => re.test(key(r))) && r.leastRole !== 'owner').map(key);
    expect(notOwner, 'sensitive routes open to more than owners').toEqual([]);
  });

  it("refuses anonymous callers and roles below the route's, and lets the others through", async () => {
    const problems: string[] = [];
    for (const route of routes.filter((r) => !PUBLIC.has(key(r)))) {
      const path = concrete(route.path);
      const api = route.path.startsWith('/api/');
      const anonymous = await fetch(`${app.url}${path}`, {
        method: route.method,
        redirect: 'manual',
        headers: { 'content-type': 'application/json' },
        body: ['GET', 'HEAD'].includes(route.method) ? undefined : '{}',
      });
      // Refused: 401, 403 (a form without a session has no CSRF token either), or sent to sign in.
      const refusedAnonymous =
        anonymous.status === 401 || anonymous.status === 403 || (anonymous.status === 303 && /\/(signin|setup)/.test(anonymous.headers.get('location') ?? ''));
      if (!refusedAnonymous) problems.push(`${key(route)}: anonymous got ${anonymous.status}`);
      for (const role of ROLES) {
        const { client, csrf, token } = sessions[role];
        const res = api
          ? await fetch(`${app.url}${path}`, {
              method: route.method,
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: ['GET', 'HEAD'].includes(route.method) ? undefined : '{}',
            })
          : route.method === 'GET'
            ? await client.get(path)
            : await client.post(path, { _csrf: csrf }, route.method);
        const allowed = RANK[role] >= RANK[route.leastRole!];
        const refused = res.status === 401 || res.status === 403;
        if (allowed === refused) problems.push(`${key(route)}: ${role} got ${res.status}, expected ${allowed ? 'through' : 'refused'}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
