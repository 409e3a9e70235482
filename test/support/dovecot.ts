import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DovecotInfo {
  port: number;
  dir: string;
  configFile: string;
  /** Every user of this instance logs in with it; a user exists as soon as it logs in. */
  password: string;
}

/** A throwaway Dovecot on loopback, from a config file of ours, under a temp folder. */
export class Dovecot implements DovecotInfo {
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly configFile: string,
    readonly password: string,
  ) {}

  /**
   * With `oauth2IntrospectionUrl`, logins by XOAUTH2 / OAUTHBEARER are checked against that RFC 7662
   * endpoint (see OAuthTestServer), while PLAIN / LOGIN keep taking the shared password.
   */
  /**
   * `maxConnectionsPerUser` is Dovecot's per user and IP limit (100 otherwise): one more login is refused with [LIMIT].
   * `mailFormat` mdbox keeps many messages a file: a mailbox of 100,000 is appended in minutes, not the hour maildir takes.
   */
  static async start(options: { oauth2IntrospectionUrl?: string; maxConnectionsPerUser?: number; mailFormat?: 'maildir' | 'mdbox' } = {}): Promise<Dovecot> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-dovecot-'));
    // mkdtemp makes 0700; the imap processes run as `mail` and must reach the maildirs.
    fs.chmodSync(dir, 0o755);
    const port = await freePort();
    const mail = path.join(dir, 'mail');
    fs.mkdirSync(mail);
    await run('chown', ['mail:mail', mail]);
    const password = randomBytes(12).toString('base64url');
    const configFile = path.join(dir, 'dovecot.conf');
    let oauth2ArgsFile: string | undefined;
    if (options.oauth2IntrospectionUrl) {
      oauth2ArgsFile = path.join(dir, 'dovecot-oauth2.conf.ext');
      fs.writeFileSync(oauth2ArgsFile, oauth2Args(options.oauth2IntrospectionUrl), { mode: 0o644 });
    }
    fs.writeFileSync(configFile, config(dir, port, password, mail, oauth2ArgsFile, options.maxConnectionsPerUser, options.mailFormat));
    const d = new Dovecot(dir, port, configFile, password);
    await d.resume();
    return d;
  }

  /** Attaches to an instance started elsewhere (the global setup's). */
  static attach(info: DovecotInfo): Dovecot {
    return new Dovecot(info.dir, info.port, info.configFile, info.password);
  }

  info(): DovecotInfo {
    return { port: this.port, dir: this.dir, configFile: this.configFile, password: this.password };
  }

  /** (Re)starts the server on the same port, with the same mail. */
  async resume(): Promise<void> {
    // Output to a file: a daemon holding our stdout would keep the test runner waiting.
    const log = fs.openSync(path.join(this.dir, 'start.log'), 'a');
    const child = spawn('dovecot', ['-c', this.configFile], { stdio: ['ignore', log, log] });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    fs.closeSync(log);
    if (code !== 0) throw new Error(`dovecot did not start (exit ${code}): ${fs.readFileSync(path.join(this.dir, 'start.log'), 'utf8')}`);
    await waitForPort(this.port, true);
  }

  /** Stops the server; connected clients are dropped. */
  /**
   * Stops the server hard, as a crash or a pulled cable would: connected clients are dropped at once.
   * (Dovecot's own orderly shutdown takes about six seconds.)
   */
  async pause(): Promise<void> {
    const pidFile = path.join(this.dir, 'run', 'master.pid');
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : 0;
    if (pid) {
      const children = await run('pgrep', ['-P', String(pid)]).then(
        (r) => r.stdout.split('\n').filter(Boolean).map(Number),
        () => [],
      );
      for (const p of [pid, ...children]) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      fs.rmSync(pidFile, { force: true });
    }
    await waitForPort(this.port, false);
  }

  async stop(): Promise<void> {
    await this.pause();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * One shared password and a static passdb: any user name logs in and gets a maildir of its own. (A
 * passwd-file would be re-read only when its mtime moves to another second, so users added by test files
 * in quick succession were refused now and then.)
 */
function config(dir: string, port: number, password: string, mail: string, oauth2ArgsFile?: string, maxConnectionsPerUser = 100, mailFormat = 'maildir'): string {
  return `
instance_name = longhand-test-${port}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login${oauth2ArgsFile ? ' xoauth2 oauthbearer' : ''}
auth_failure_delay = 0
first_valid_uid = 8
mail_fsync = never
mail_location = ${mailFormat}:${mail}/%u
mail_uid = mail
mail_gid = mail
default_login_user = mail
default_internal_user = mail
${
  oauth2ArgsFile
    ? oauth2Passdbs(password, oauth2ArgsFile)
    : `passdb {
  driver = static
  args = password=${password}
}`
}
userdb {
  driver = static
  args = uid=mail gid=mail home=${mail}/%u
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
  }
  mailbox Drafts {
    special_use = \\Drafts
  }
  # Gmail's layout, for the tests of a Gmail mailbox: a folder takes its flag once someone creates it.
  mailbox "[Gmail]/Sent Mail" {
    special_use = \\Sent
  }
  mailbox "[Gmail]/All Mail" {
    special_use = \\All
  }
  mailbox "[Gmail]/Important" {
    special_use = \\Important
  }
  mailbox "[Gmail]/Starred" {
    special_use = \\Flagged
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
protocol imap {
  mail_max_userip_connections = ${maxConnectionsPerUser}
  imap_idle_notify_interval = 1 secs
}
`;
}

/**
 * Two passdbs, each limited to its mechanisms: without the limit the static passdb would also accept the
 * shared password as an XOAUTH2 "token". No auth cache (size 0, Dovecot's default, said explicitly), so
 * every login asks the token server again and a revoked token fails at the next login. Anvil's auth penalty
 * (2, 4, 8 s delays per IP after failures) is switched off as Dovecot's wiki shows: these tests refuse
 * tokens on purpose, and every later login from 127.0.0.1 would otherwise wait seconds.
 */
function oauth2Passdbs(password: string, argsFile: string): string {
  return `auth_cache_size = 0
passdb {
  driver = static
  args = password=${password}
  mechanisms = plain login
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${argsFile}
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}`;
}

/** The oauth2 passdb's settings: RFC 7662 introspection by POST, the user name from `username`. */
function oauth2Args(introspectionUrl: string): string {
  return `introspection_mode = post
introspection_url = ${introspectionUrl}
username_attribute = username
active_attribute = active
active_value = true
`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, open: boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const isOpen = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (isOpen === open) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`port ${port} did not ${open ? 'open' : 'close'}`);
}
