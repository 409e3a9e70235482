import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line, wherever they appear in a logged object. */
const REDACT = [
  'password', '*.password', '*.*.password', 'pass', '*.pass', 'auth.pass', '*.auth.pass',
  'secret', '*.secret', 'token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization',
  'req.headers.cookie', 'cookie', '*.cookie', 'passwordHash', '*.passwordHash', 'imapUrl', 'smtpUrl', '*.imapUrl', '*.smtpUrl',
  'accessToken', '*.accessToken', 'refreshToken', '*.refreshToken', 'access_token', '*.access_token', 'refresh_token', '*.refresh_token',
  'clientSecret', '*.clientSecret', 'client_secret', '*.client_secret', 'codeVerifier', '*.codeVerifier',
];

/** The one logger. `destination` lets tests capture output to check what never appears in it. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'longhand' } }, destination ?? process.stdout);
}
