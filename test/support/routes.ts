import type { Express } from 'express';
import type { Role } from '../../core/db/schema.ts';

export interface RouteEntry {
  method: string;
  path: string;
  /** The least role its handlers (or the routers around it) ask for; null when none does. */
  leastRole: Role | null;
}

interface Handle {
  stack?: LayerLike[];
  leastRole?: Role;
}

interface LayerLike {
  route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: Handle }> };
  handle: Handle;
  rawPath?: unknown;
}

const RANK: Record<Role, number> = { agent: 1, approver: 2, owner: 3 };
const higher = (a: Role | null, b: Role | null): Role | null => (!a ? b : !b ? a : RANK[a] >= RANK[b] ? a : b);

/**
 * Every route the app answers, with its full path and the role it asks for: walks Express's router,
 * nested routers included, noting role checks made in front of a router as well as on a route.
 */
export function routeTable(app: Express): RouteEntry[] {
  const out: RouteEntry[] = [];
  const walk = (stack: LayerLike[], prefix: string, inherited: Role | null) => {
    let around = inherited;
    for (const layer of stack) {
      if (layer.route) {
        const own = layer.route.stack.reduce<Role | null>((role, l) => higher(role, l.handle.leastRole ?? null), null);
        for (const method of Object.keys(layer.route.methods))
          if (method !== '_all') out.push({ method: method.toUpperCase(), path: `${prefix}${layer.route.path}`, leastRole: higher(around, own) });
      } else if (layer.handle.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, `${prefix}${mount}`, around);
      } else if (layer.handle.leastRole) {
        around = higher(around, layer.handle.leastRole);
      }
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '', null);
  return out;
}
