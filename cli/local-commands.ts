import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { LonghandError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

/**
 * The embedded database allows one process, so a one-off command (`longhand user add`, `export`, ...) beside a
 * running `longhand start` cannot open it. The running process serves its commands instead, on a Unix socket
 * in the data folder: the folder is its owner's alone (0700), so the socket's credential is the file system's.
 *
 * The protocol is one JSON object a line each way. The command sends {argv, cwd}; the server answers with
 * {out} and {err} text, {stdin: true} when the command reads standard input (the command answers {stdin}),
 * and last {exit}.
 */

export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
  readStdin(): Promise<string>;
  /** The folder relative paths on the command line are read from: the caller's, not the server's. */
  cwd: string;
}

export const processIo: CommandIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  },
};

export function commandSocketPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'longhand.sock');
}

/** Runs a command line against this process's runtime and returns its exit code. */
export type LocalCommand = (argv: string[], io: CommandIo) => Promise<number>;

export interface CommandServer {
  close(): Promise<void>;
}

/** Serves `run` on the data folder's socket; a socket left by a process that died is replaced (we hold the database lock). */
export async function serveLocalCommands(dataDir: string, run: LocalCommand, log: Logger): Promise<CommandServer> {
  const socketPath = commandSocketPath(dataDir);
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((socket) => handle(socket, run, log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  fs.chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(socketPath, { force: true });
      }),
  };
}

function lines(socket: net.Socket, onLine: (message: Record<string, unknown>) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line) onLine(JSON.parse(line) as Record<string, unknown>);
    }
  });
}

function send(socket: net.Socket, message: Record<string, unknown>): boolean {
  return socket.write(`${JSON.stringify(message)}\n`);
}

/** A stream that forwards what a command writes as {out} or {err} lines, waiting when the socket is full. */
function forwarding(socket: net.Socket, key: 'out' | 'err'): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (socket.destroyed) return done(new Error('the command was disconnected'));
      if (send(socket, { [key]: chunk.toString() })) done();
      else socket.once('drain', () => done());
    },
  });
}

function handle(socket: net.Socket, run: LocalCommand, log: Logger): void {
  let stdinWanted: ((text: string) => void) | null = null;
  let started = false;
  socket.on('error', () => socket.destroy());
  lines(socket, (message) => {
    if (typeof message.stdin === 'string' && stdinWanted) {
      stdinWanted(message.stdin);
      stdinWanted = null;
      return;
    }
    if (started || !Array.isArray(message.argv) || typeof message.cwd !== 'string') return;
    started = true;
    const io: CommandIo = {
      stdout: forwarding(socket, 'out'),
      stderr: forwarding(socket, 'err'),
      cwd: message.cwd,
      readStdin: () =>
        new Promise<string>((resolve) => {
          stdinWanted = resolve;
          send(socket, { stdin: true });
        }),
    };
    const argv = message.argv.map(String);
    log.info({ command: argv.slice(0, 2).join(' ') }, 'running a command for the local CLI');
    run(argv, io).then((code) => socket.end(`${JSON.stringify({ exit: code })}\n`));
  });
}

export class InstanceUnreachableError extends LonghandError {
  constructor(socketPath: string, pid: number, why: string) {
    super(
      'instance_unreachable',
      `The embedded database is in use by Longhand process ${pid}, and that process does not answer commands on ${socketPath} (${why}). Run this command again once it is up, stop it first, or use DATABASE_URL (PostgreSQL) to run commands beside it.`,
    );
  }
}

/** Runs a command line in the Longhand process that holds the embedded database; resolves with its exit code. */
export function runInRunningInstance(dataDir: string, pid: number, argv: string[], io: CommandIo): Promise<number> {
  const socketPath = commandSocketPath(dataDir);
  return new Promise<number>((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let exit: number | null = null;
    socket.once('error', (err: NodeJS.ErrnoException) => reject(new InstanceUnreachableError(socketPath, pid, err.code ?? err.message)));
    socket.once('connect', () => send(socket, { argv, cwd: io.cwd }));
    lines(socket, (message) => {
      if (typeof message.out === 'string') {
        if (!io.stdout.write(message.out)) {
          socket.pause();
          io.stdout.once('drain', () => socket.resume());
        }
      } else if (typeof message.err === 'string') io.stderr.write(message.err);
      else if (message.stdin === true) io.readStdin().then((text) => send(socket, { stdin: text }));
      else if (typeof message.exit === 'number') exit = message.exit;
    });
    socket.once('close', () => (exit === null ? reject(new InstanceUnreachableError(socketPath, pid, 'it closed the connection before the command finished')) : resolve(exit)));
  });
}
