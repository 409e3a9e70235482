import { type Logger, pino } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line, wherever they appear in a logged object. */
const REDACT = [
  'password',
  '*.password',
  '*.*.password',
  'pass',
  '*.pass',
  'auth.pass',
  '*.auth.pass',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'cookie',
  '*.cookie',
  'passwordHash',
  '*.passwordHash',
  'imapUrl',
  'smtpUrl',
  '*.imapUrl',
  '*.smtpUrl',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'codeVerifier',
  '*.codeVerifier',
];

/**
 * For a failure that repeats many times a second while something is down (Redis reconnecting, a worker's
 * blocked command): the first occurrence is logged, then at most one line per `everyMs` with how many
 * were held back, so an outage is visible without flooding the log.
 */
export function repeatingFailureLog(log: Logger, now: () => number, everyMs = 60_000): (msg: string, fields: Record<string, unknown>) => void {
  const seen = new Map<string, { at: number; held: number }>();
  return (msg, fields) => {
    const last = seen.get(msg);
    if (last && now() - last.at < everyMs) {
      last.held++;
      return;
    }
    log.warn({ ...fields, ...(last?.held ? { heldBack: last.held } : {}) }, msg);
    seen.set(msg, { at: now(), held: 0 });
  };
}

/** The one logger. `destination` lets tests capture output to check what never appears in it. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'longhand' } }, destination ?? process.stdout);
}
