import type { Server } from 'node:http';
import { loadConfig } from '../core/config.ts';
import { PortInUseError } from '../core/errors.ts';
import { listMailboxes } from '../core/mailboxes/mailboxes.ts';
import { setupNeeded } from '../core/users/users.ts';
import { createApp } from '../server/app.ts';
import { type RunningWorkers, startWorkers } from '../workers/index.ts';
import { type DemoCapture, demoConfig, setUpDemo, startCapture } from './demo.ts';
import type { CommandServer } from './local-commands.ts';
import { openRuntime, type Runtime } from './runtime.ts';

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject((err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? new PortInUseError(host, port) : err) : resolve(s)));
  });
}

/** web, workers or both in one process; stops cleanly on SIGINT/SIGTERM. `serveCommands` answers the local CLI meanwhile. */
export async function serve(parts: { web: boolean; workers: boolean; demo: boolean }, serveCommands: (rt: Runtime) => Promise<CommandServer | null>): Promise<void> {
  const rt = await openRuntime({ queues: true, ...(parts.demo ? { config: demoConfig(loadConfig()) } : {}) });
  const { ctx } = rt;
  const commands = await serveCommands(rt);
  let capture: DemoCapture | null = null;
  let workers: RunningWorkers | null = null;
  let server: Server | null = null;
  let upUrl: string | null = null;
  let upLines: string[] = [];
  if (parts.demo) {
    capture = await startCapture();
    const { imported } = await setUpDemo(ctx, capture.port);
    ctx.log.info({ imported }, 'demo data ready; replies go to the built-in capture server, nothing leaves this machine');
  }
  if (parts.web) {
    const app = createApp(ctx, {
      sessionSecret: rt.sessionSecret,
      queues: rt.queues!.all,
      queueProblem: rt.queueProblem,
      ...(capture ? { capturedMail: () => capture!.mails } : {}),
    });
    // Listen before any worker starts: on a busy port the process stops without touching the queues.
    try {
      server = await listen(app, ctx.config.port, ctx.config.host);
    } catch (err) {
      await capture?.close();
      await commands?.close();
      await rt.close();
      throw err;
    }
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : ctx.config.port;
    const url = `http://${ctx.config.host === '0.0.0.0' ? 'localhost' : ctx.config.host}:${port}`;
    const mailboxes = await listMailboxes(ctx);
    upUrl = url;
    upLines = [`Longhand is up at ${url}`];
    if (parts.demo) upLines.push(`The demo keeps its data apart, in ${ctx.config.dataDir}: delete that folder to start it over; a real \`longhand start\` never sees it.`);
    if (await setupNeeded(ctx)) {
      upLines.push(`Open ${url}/setup to create your owner account.`);
    }
    if (mailboxes.length === 0) {
      upLines.push('No mailbox yet: set LONGHAND_IMAP_URL, LONGHAND_SMTP_URL and LONGHAND_FROM (see README), or try `npm run demo`.');
    }
  }
  if (parts.workers) {
    workers = await startWorkers(ctx, {
      connection: rt.redis!,
      redis: rt.redis!,
      queues: rt.queues!,
      prefix: ctx.config.queuePrefix,
      ownership: { leaseMs: ctx.config.mailboxLeaseMs },
    });
    if (!parts.web) process.stderr.write(`Longhand workers are up (worker ${workers.owners.workerId})\n`);
  }
  // "Up" once everything is: the web app listening and the workers running.
  if (upUrl) {
    ctx.log.info({ url: upUrl }, 'Longhand is up');
    process.stderr.write(`\n${upLines.join('\n')}\n\n`);
  }
  const stop = async () => {
    ctx.log.info('stopping');
    // Live pages hold their event streams open: end them, or close would wait for them forever.
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    await closed;
    await commands?.close();
    await workers?.close();
    await capture?.close();
    await rt.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
