import type { Server } from 'node:http';
import type { Ctx } from '../../core/context.ts';
import { createApp } from '../../server/app.ts';

export interface ServedApp {
  url: string;
  /** Calls the JSON API with a bearer token (or none with `null`); the body is parsed, empty is null. */
  call(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** The web app alone (no workers) on a free port, for tests of its routes against a test database. */
export async function serveApp(ctx: Ctx, defaultToken: string | null = null): Promise<ServedApp> {
  const app = createApp(ctx, { sessionSecret: 's'.repeat(64) });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    async call(method, path, body, token = defaultToken) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Live pages hold their event streams open: end them, or close would wait for them.
        server.closeAllConnections();
      }),
  };
}
