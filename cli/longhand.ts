import fs from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { OAuthProviderName, Role } from '../core/db/schema.ts';
import { ConfigError, DatabaseLockedError, LonghandError, ValidationError } from '../core/errors.ts';
import { ROLES } from '../core/users/roles.ts';
import { type CommandIo, type CommandServer, processIo, runInRunningInstance, serveLocalCommands } from './local-commands.ts';
import type { Runtime } from './runtime.ts';

/** What the commands do, loaded when one runs: `--help` and a mistyped option answer without loading the app. */
const load = () => import('./actions.ts');

/** How commands reach the database and the outside: in this process, or in the running instance that holds the embedded database. */
export interface Runner {
  io: CommandIo;
  /** Runs a one-off command with the database (and the queues when asked). */
  withRuntime<T>(fn: (rt: Runtime) => Promise<T>, queues?: boolean): Promise<T>;
  serve(parts: { web: boolean; workers: boolean; demo: boolean }): Promise<void>;
}

/** The embedded database is held by a live Longhand process: the command goes to that process instead. */
class HeldByRunningInstance extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the embedded database is held by process ${pid}`);
  }
}

const inThisProcess: Runner = {
  io: processIo,
  async withRuntime(fn, queues = false) {
    const { loadConfig, openRuntime } = await load();
    const config = loadConfig();
    let rt: Runtime;
    try {
      rt = await openRuntime({ queues, config, logDestination: process.stderr });
    } catch (err) {
      if (err instanceof DatabaseLockedError) throw new HeldByRunningInstance(config.dataDir, err.pid);
      throw err;
    }
    try {
      return await fn(rt);
    } finally {
      await rt.close();
    }
  },
  serve: async (parts) => (await load()).serve(parts, serveCommandsFor),
};

/** Commands run on behalf of the local CLI inside a running instance: its runtime, the caller's streams. */
function inRunningInstance(rt: Runtime, io: CommandIo): Runner {
  return {
    io,
    withRuntime: (fn) => fn(rt),
    serve: async () => {
      throw new LonghandError('already_running', `Longhand is already running here (process ${process.pid}) on the data folder ${rt.ctx.config.dataDir}.`);
    },
  };
}

/** What a person is told when a command fails: our own errors by their message, anything else with its stack. */
function describeError(err: unknown): string {
  return err instanceof ConfigError || err instanceof LonghandError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** Serves the local CLI's commands while this process holds the embedded database. */
function serveCommandsFor(rt: Runtime): Promise<CommandServer | null> {
  if (rt.database.kind !== 'pglite') return Promise.resolve(null);
  return serveLocalCommands(
    rt.ctx.config.dataDir,
    async (argv, io) => {
      const program = buildCli(inRunningInstance(rt, io), { exitOverride: true });
      try {
        await program.parseAsync(argv, { from: 'user' });
        return 0;
      } catch (err) {
        if (err instanceof CommanderError) return err.exitCode;
        io.stderr.write(`longhand: ${describeError(err)}\n`);
        return 1;
      }
    },
    rt.ctx.log,
  );
}

export function buildCli(run: Runner = inThisProcess, options: { exitOverride?: boolean } = {}): Command {
  const { io } = run;
  const program = new Command('longhand').description('Answer customers personally.').showHelpAfterError();
  // Settings made before the subcommands are added are inherited by them.
  program.configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  if (options.exitOverride) program.exitOverride();

  program
    .command('start')
    .description('web and all workers in one process (the embedded default)')
    .option('--demo', 'import sample conversations and capture outgoing mail locally')
    .action((o: { demo?: boolean }) => run.serve({ web: true, workers: true, demo: Boolean(o.demo) }));
  program
    .command('web')
    .description('the web server alone (needs DATABASE_URL to run beside workers)')
    .action(() => run.serve({ web: true, workers: false, demo: false }));
  program
    .command('worker')
    .description('the queue workers and mailbox sync alone (needs DATABASE_URL to run beside web)')
    .action(() => run.serve({ web: false, workers: true, demo: false }));

  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(() =>
      run.withRuntime(async () => {
        io.stdout.write('database is up to date\n');
      }),
    );

  const user = program.command('user').description('manage staff accounts');
  user
    .command('add')
    .requiredOption('--email <email>')
    .requiredOption('--name <name>')
    .addOption(new Option('--role <role>').choices(ROLES).default('agent'))
    .option('--password-stdin', 'read the password from standard input')
    .action((o: { email: string; name: string; role: Role; passwordStdin?: boolean }) =>
      run.withRuntime(async ({ ctx }) => {
        const { createUser } = await load();
        const password = o.passwordStdin ? await io.readStdin() : null;
        const created = await createUser(ctx, { email: o.email, name: o.name, role: o.role, password });
        io.stdout.write(`added ${created.email} as ${created.role}${password ? '' : ' (no password yet: set one with `longhand user password`)'}\n`);
      }),
    );
  user
    .command('password')
    .description('set or reset a password (read from standard input)')
    .requiredOption('--email <email>')
    .action((o: { email: string }) =>
      run.withRuntime(async ({ ctx }) => {
        const { setPassword } = await load();
        await setPassword(ctx, o.email, await io.readStdin(), null);
        io.stdout.write(`password set for ${o.email}\n`);
      }),
    );

  const mailbox = program.command('mailbox').description('mailboxes Longhand reads and sends from');
  mailbox
    .command('add')
    .description('add or update a mailbox (passwords and tokens are encrypted before they are stored)')
    .requiredOption('--email <address>', 'the address replies come from')
    .option('--imap-url <url>', 'imap://user:pass@host:143 or imaps://...:993 (with OAuth2: no password; Google and Microsoft have defaults)')
    .option('--smtp-url <url>', 'smtp://user:pass@host:587 or smtps://...:465 (with OAuth2: no password)')
    .option('--name <name>', 'shown to customers after the person\'s name, e.g. "Dana at NAME"')
    .option('--folder <path...>', 'more folders to read besides INBOX and Sent')
    .addOption(new Option('--oauth-provider <provider>', 'sign in with OAuth2 instead of a password').choices(['google', 'microsoft', 'custom']))
    .option('--oauth-token-url <url>', "the provider's token endpoint (custom providers; Google's and Microsoft's are known)")
    .option('--oauth-client-id <id>', "the app registration the refresh token belongs to (else the team's, from the environment or Settings)")
    .option('--oauth-client-secret <secret>', 'its secret, if it has one')
    .option('--oauth-refresh-token-stdin', 'read the refresh token from standard input')
    .action(
      (o: {
        email: string;
        imapUrl?: string;
        smtpUrl?: string;
        name?: string;
        folder?: string[];
        oauthProvider?: OAuthProviderName;
        oauthTokenUrl?: string;
        oauthClientId?: string;
        oauthClientSecret?: string;
        oauthRefreshTokenStdin?: boolean;
      }) =>
        run.withRuntime(async ({ ctx }) => {
          const { addOAuthMailbox, addMailbox } = await load();
          if (o.oauthProvider) {
            if (!o.oauthRefreshTokenStdin)
              throw new ValidationError(
                '--oauth-provider needs --oauth-refresh-token-stdin: the refresh token is read from standard input, never from the command line.',
                'oauthRefreshToken',
              );
            const refreshToken = await io.readStdin();
            const saved = await addOAuthMailbox(
              ctx,
              {
                email: o.email,
                name: o.name,
                imapUrl: o.imapUrl,
                smtpUrl: o.smtpUrl,
                extraFolders: o.folder,
                provider: o.oauthProvider,
                tokenUrl: o.oauthTokenUrl,
                clientId: o.oauthClientId,
                clientSecret: o.oauthClientSecret,
                refreshToken,
              },
              null,
            );
            io.stdout.write(`saved mailbox ${saved.name} <${saved.email}>, signing in with OAuth2 (${o.oauthProvider})\n`);
            return;
          }
          if (!o.imapUrl || !o.smtpUrl) throw new ValidationError('A mailbox that signs in with a password needs --imap-url and --smtp-url.', o.imapUrl ? 'smtpUrl' : 'imapUrl');
          const saved = await addMailbox(ctx, { email: o.email, name: o.name, imapUrl: o.imapUrl, smtpUrl: o.smtpUrl, extraFolders: o.folder }, null);
          io.stdout.write(`saved mailbox ${saved.name} <${saved.email}>\n`);
        }),
    );
  mailbox
    .command('resync')
    .description('sync a mailbox again from the start (backfills without duplicating)')
    .requiredOption('--email <address>')
    .action((o: { email: string }) =>
      run.withRuntime(async ({ ctx }) => {
        const { listMailboxes, requestResync } = await load();
        const found = (await listMailboxes(ctx)).find((m) => m.email === o.email.toLowerCase());
        if (!found) throw new LonghandError('not_found', `No mailbox ${o.email}.`);
        await requestResync(ctx, found.id, null);
        io.stdout.write(`${found.email} will sync again from the start\n`);
      }),
    );

  program
    .command('token')
    .description('API tokens')
    .command('create')
    .requiredOption('--user <email>')
    .option('--name <name>', 'what the token is for', 'cli')
    .action((o: { user: string; name: string }) =>
      run.withRuntime(async ({ ctx }) => {
        const { findUserByEmail, createToken } = await load();
        const found = await findUserByEmail(ctx, o.user);
        if (!found) throw new LonghandError('not_found', `No user has the address ${o.user}.`);
        io.stdout.write(`${await createToken(ctx, found.id, o.name)}\n`);
      }),
    );

  program
    .command('import')
    .description('import an mbox file or a folder of .eml files (the same path as IMAP)')
    .argument('<path>')
    .option('--mailbox <email>', 'the mailbox these messages belong to')
    .action((path: string, o: { mailbox?: string }) =>
      run.withRuntime(async ({ ctx }) => {
        const { listMailboxes, SingleBar, Presets, importMail } = await load();
        const mailboxes = await listMailboxes(ctx);
        const wanted = o.mailbox?.toLowerCase();
        const mailbox = wanted ? mailboxes.find((m) => m.email === wanted) : mailboxes[0];
        if (o.mailbox && !mailbox) throw new LonghandError('not_found', `No mailbox ${o.mailbox}.`);
        // Without a terminal the bar still reports now and then and at the end, for logs and scripts.
        const bar = new SingleBar({ format: 'importing [{bar}] {value}/{total} messages', stream: io.stderr, noTTYOutput: true, notTTYSchedule: 2_000 }, Presets.shades_classic);
        let started = false;
        const result = await importMail(ctx, resolvePath(io.cwd, path), {
          mailboxId: mailbox?.id ?? null,
          historical: true,
          onProgress: (done, total) => {
            if (!started) bar.start(total, 0);
            started = true;
            bar.update(done);
          },
        });
        if (started) bar.stop();
        for (const r of result.refused) io.stderr.write(`refused ${r.name}: ${r.reason}\n`);
        io.stdout.write(
          `imported ${result.imported} messages (${result.duplicates} already there${result.withWarnings ? `, ${result.withWarnings} with warnings saying what could not be read` : ''})\n`,
        );
      }, true),
    );

  program
    .command('export')
    .description('export data')
    .command('threads')
    .description('one conversation a line (JSON Lines): id, customer, subject, and the Message-ID of every message')
    .action(() =>
      run.withRuntime(async ({ ctx }) => {
        const { exportThreads } = await load();
        for await (const line of exportThreads(ctx)) {
          if (!io.stdout.write(`${JSON.stringify(line)}\n`)) await new Promise((r) => io.stdout.once('drain', r));
        }
      }),
    );

  program
    .command('followups')
    .description('follow-ups: drafts that keep relationships alive, never sent without a person')
    .command('run')
    .description('evaluate every follow-up rule once, as of now or --now')
    .option('--now <time>', 'evaluate as of this ISO 8601 time, e.g. 2026-12-01T09:00:00Z')
    .action(async (o: { now?: string }) => {
      const { parseNow, runFollowups } = await load();
      const asOf = parseNow(o.now);
      return run.withRuntime(async ({ ctx }) => {
        io.stdout.write(await runFollowups(ctx, asOf));
      });
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    try {
      await buildCli().parseAsync(argv);
    } catch (err) {
      if (!(err instanceof HeldByRunningInstance)) throw err;
      process.exitCode = await runInRunningInstance(err.dataDir, err.pid, argv.slice(2), processIo);
    }
  } catch (err) {
    fs.writeSync(2, `longhand: ${describeError(err)}\n`);
    process.exit(1);
  }
}
