import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { parseServerUrl, type ServerSettings } from './mail/server-url.ts';

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LONGHAND_HOST: z.string().min(1).default('127.0.0.1'),
  LONGHAND_DATA_DIR: z.string().min(1).default('./data'),
  LONGHAND_SECRET: z.string().min(32, 'must be at least 32 characters (try: openssl rand -hex 32)').optional(),
  LONGHAND_IMAP_URL: z.string().optional(),
  LONGHAND_SMTP_URL: z.string().optional(),
  LONGHAND_FROM: z.string().regex(ADDRESS, 'must be an email address, e.g. support@example.com').optional(),
  LONGHAND_UNDO_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  LONGHAND_TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  LONGHAND_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'may hold letters, digits, dot, dash and underscore')
    .default('longhand'),
  LONGHAND_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LONGHAND_HISTORY_DAYS: z.coerce.number().int().min(0).max(3650).default(14),
  LONGHAND_THREAD_WINDOW_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  LONGHAND_MAILBOX_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).default(15),
  // One core stays for the web app, IMAP and the embedded database.
  LONGHAND_PARSE_THREADS: z.coerce
    .number()
    .int()
    .min(0)
    .max(64)
    .default(Math.max(1, os.availableParallelism() - 1)),
  // What most providers accept in one message is 25 to 35 MB once encoded; past 100 a reply would not arrive anywhere.
  LONGHAND_REPLY_ATTACHMENTS_MB: z.coerce.number().int().min(1).max(100).default(25),
  LONGHAND_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  LONGHAND_GOOGLE_CLIENT_ID: z.string().max(500).optional(),
  LONGHAND_GOOGLE_CLIENT_SECRET: z.string().max(500).optional(),
  LONGHAND_GOOGLE_AUTH_URL: z.url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  LONGHAND_GOOGLE_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  LONGHAND_MICROSOFT_CLIENT_ID: z.string().max(500).optional(),
  LONGHAND_MICROSOFT_CLIENT_SECRET: z.string().max(500).optional(),
  LONGHAND_MICROSOFT_TENANT: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, 'is a tenant id or domain, or common / organizations')
    .default('common'),
  LONGHAND_MICROSOFT_AUTH_URL: z.url().optional(),
  LONGHAND_MICROSOFT_TOKEN_URL: z.url().optional(),
  LONGHAND_PLUS_TAG_DOMAINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((d) => d.trim().toLowerCase())
        .filter(Boolean),
    ),
});

/** Every environment variable Longhand reads: deployment files (docker-compose.yml) are checked against it for typos. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export interface MailboxFromEnv {
  imap: ServerSettings;
  smtp: ServerSettings;
  from: string;
}

/** Where a provider's consent screen and token endpoint are, and the team's app registration if set in the environment. */
export interface OAuthProviderConfig {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string | null;
  clientSecret: string | null;
}

export interface Config {
  databaseUrl: string | null;
  redisUrl: string;
  port: number;
  host: string;
  dataDir: string;
  secret: string | null;
  mailbox: MailboxFromEnv | null;
  undoSeconds: number;
  trustProxy: boolean;
  queuePrefix: string;
  logLevel: string;
  historyDays: number;
  threadWindowDays: number;
  plusTagDomains: string[];
  /** How long a dead worker keeps its mailboxes before another takes them over. */
  mailboxLeaseMs: number;
  /** Worker threads that parse mail for large batches (a first sync, an import); 0 parses in the main thread. */
  parseThreads: number;
  /** The most a reply's attachments may add up to, in bytes. */
  replyAttachmentsBytes: number;
  /** The address people reach Longhand at (OAuth redirect URIs); unset, the request's own. */
  publicUrl: string | null;
  oauth: { google: OAuthProviderConfig; microsoft: OAuthProviderConfig };
}

/** Reads and validates the environment; throws one ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  const problems: string[] = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
  const e = parsed.success ? parsed.data : null;

  const mailboxVars = ['LONGHAND_IMAP_URL', 'LONGHAND_SMTP_URL', 'LONGHAND_FROM'] as const;
  const present = mailboxVars.filter((k) => cleaned[k]);
  if (present.length > 0 && present.length < mailboxVars.length) {
    const missing = mailboxVars.filter((k) => !cleaned[k]);
    problems.push(`${missing.join(' and ')} must be set too: a mailbox needs LONGHAND_IMAP_URL, LONGHAND_SMTP_URL and LONGHAND_FROM together`);
  }
  const imap = cleaned.LONGHAND_IMAP_URL ? parseServerUrl(cleaned.LONGHAND_IMAP_URL, 'imap') : null;
  if (typeof imap === 'string') problems.push(`LONGHAND_IMAP_URL ${imap}`);
  const smtp = cleaned.LONGHAND_SMTP_URL ? parseServerUrl(cleaned.LONGHAND_SMTP_URL, 'smtp') : null;
  if (typeof smtp === 'string') problems.push(`LONGHAND_SMTP_URL ${smtp}`);
  if (cleaned.DATABASE_URL && !cleaned.LONGHAND_SECRET) {
    problems.push('LONGHAND_SECRET must be set when DATABASE_URL is: every process must share the key that encrypts mailbox passwords');
  }
  if (problems.length > 0 || !e) throw new ConfigError(problems);

  return {
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    host: e.LONGHAND_HOST,
    dataDir: path.resolve(e.LONGHAND_DATA_DIR),
    secret: e.LONGHAND_SECRET ?? null,
    mailbox: imap && smtp && typeof imap !== 'string' && typeof smtp !== 'string' && e.LONGHAND_FROM ? { imap, smtp, from: e.LONGHAND_FROM.toLowerCase() } : null,
    undoSeconds: e.LONGHAND_UNDO_SECONDS,
    trustProxy: e.LONGHAND_TRUST_PROXY,
    queuePrefix: e.LONGHAND_QUEUE_PREFIX,
    logLevel: e.LONGHAND_LOG_LEVEL,
    historyDays: e.LONGHAND_HISTORY_DAYS,
    threadWindowDays: e.LONGHAND_THREAD_WINDOW_DAYS,
    plusTagDomains: e.LONGHAND_PLUS_TAG_DOMAINS,
    mailboxLeaseMs: e.LONGHAND_MAILBOX_LEASE_SECONDS * 1000,
    parseThreads: e.LONGHAND_PARSE_THREADS,
    replyAttachmentsBytes: e.LONGHAND_REPLY_ATTACHMENTS_MB * 1024 * 1024,
    publicUrl: e.LONGHAND_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    oauth: {
      google: {
        authorizeUrl: e.LONGHAND_GOOGLE_AUTH_URL,
        tokenUrl: e.LONGHAND_GOOGLE_TOKEN_URL,
        clientId: e.LONGHAND_GOOGLE_CLIENT_ID ?? null,
        clientSecret: e.LONGHAND_GOOGLE_CLIENT_SECRET ?? null,
      },
      microsoft: {
        authorizeUrl: e.LONGHAND_MICROSOFT_AUTH_URL ?? `https://login.microsoftonline.com/${e.LONGHAND_MICROSOFT_TENANT}/oauth2/v2.0/authorize`,
        tokenUrl: e.LONGHAND_MICROSOFT_TOKEN_URL ?? `https://login.microsoftonline.com/${e.LONGHAND_MICROSOFT_TENANT}/oauth2/v2.0/token`,
        clientId: e.LONGHAND_MICROSOFT_CLIENT_ID ?? null,
        clientSecret: e.LONGHAND_MICROSOFT_CLIENT_SECRET ?? null,
      },
    },
  };
}
