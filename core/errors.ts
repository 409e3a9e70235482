/**
 * One error type per failure kind. `code` is stable (clients and tests rely on it);
 * the HTTP layer maps kinds to statuses, the domain never speaks HTTP.
 */
/** The codes a ConflictError carries: the request is valid, but the state it meets forbids it. */
export const CONFLICT_CODES = [
  'approval_required',
  'conversation_changed',
  'draft_changed',
  'draft_edited_elsewhere',
  'draft_not_discarded',
  'draft_not_editable',
  'draft_not_pending',
  'draft_open',
  'drafts_in_flight',
  'empty_draft',
  'followup_not_drafted',
  'last_owner',
  'mailbox_from_environment',
  'mailbox_sending',
  'no_mailbox',
  'no_recipient',
  'not_uncertain',
  'nothing_to_answer',
  'reminder_drafted',
  'request_shipped',
  'rule_off',
  'send_started',
  'setup_done',
  'snippet_exists',
  'split_everything',
  'too_many_attachments',
  'touch_score_too_low',
  'undo_too_late',
  'unfilled_slots',
  'user_exists',
] as const;
export type ConflictCode = (typeof CONFLICT_CODES)[number];

/** Every code an error of Longhand's can carry, listed once so that a misspelt code fails to compile. */
export const ERROR_CODES = [
  ...CONFLICT_CODES,
  'already_running',
  'config_invalid',
  'csrf_failed',
  'database_locked',
  'forbidden',
  'imap_auth_failed',
  'imap_failed',
  'instance_unreachable',
  'invalid_input',
  'not_found',
  'oauth_failed',
  'oauth_reconnect',
  'port_in_use',
  'queue_unavailable',
  'redis_unavailable',
  'remote_image_failed',
  'remote_image_refused',
  'retry_later',
  'secret_unreadable',
  'smtp_failed',
  'smtp_rejected',
  'template_error',
  'too_large',
  'too_many_attempts',
  'unauthenticated',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class LonghandError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** Configuration is wrong; `problems` lists every one of them. */
export class ConfigError extends LonghandError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      'config_invalid',
      `Longhand cannot start, the configuration has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** Input from a person or client is malformed; names the field. */
export class ValidationError extends LonghandError {
  constructor(
    message: string,
    readonly field?: string,
    details?: Record<string, unknown>,
  ) {
    super('invalid_input', message, { ...details, ...(field ? { field } : {}) });
  }
}

/** What was sent is bigger than Longhand takes (a file past the attachment limit); the message says the limit. */
export class TooLargeError extends LonghandError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('too_large', message, details);
  }
}

export class NotFoundError extends LonghandError {
  constructor(what: string, id: string | number) {
    super('not_found', `${what} ${id} does not exist`);
  }
}

/** The request is valid but the current state forbids it (unfilled slots, stale view, already sent...). */
export class ConflictError extends LonghandError {
  declare readonly code: ConflictCode;
  constructor(code: ConflictCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

export class AuthenticationError extends LonghandError {
  constructor(message = 'Sign in first, or send a valid API token as "Authorization: Bearer TOKEN".') {
    super('unauthenticated', message);
  }
}

export class PermissionError extends LonghandError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** An IMAP server refused or failed; names the mailbox and carries the server's own words. */
export class ImapError extends LonghandError {
  constructor(
    readonly mailbox: string,
    readonly serverResponse: string,
    readonly authFailed: boolean,
    options?: { cause?: unknown },
  ) {
    super(
      authFailed ? 'imap_auth_failed' : 'imap_failed',
      `Mailbox ${mailbox}: ${authFailed ? 'the IMAP server refused the login' : 'IMAP failed'}: ${serverResponse}`,
      { mailbox, serverResponse },
      options,
    );
  }
}

/** An SMTP server refused or failed. `permanent` is true for 5xx answers. */
export class SmtpError extends LonghandError {
  constructor(
    message: string,
    readonly responseCode: number | null,
    readonly permanent: boolean,
    readonly ambiguous: boolean,
    options?: { cause?: unknown },
  ) {
    super(permanent ? 'smtp_rejected' : 'smtp_failed', message, { responseCode }, options);
  }
}

/** The job queue (Redis) is not answering: what needed it did not happen now, and `message` says what follows. */
export class QueueUnavailableError extends LonghandError {
  constructor(message = 'The job queue (Redis) is not answering; try again once it is back.', options?: { cause?: unknown }) {
    super('queue_unavailable', message, undefined, options);
  }
}

/** The embedded database is in use by another process (PGlite allows one). */
export class DatabaseLockedError extends LonghandError {
  constructor(
    dir: string,
    readonly pid: number,
  ) {
    super(
      'database_locked',
      `The embedded database in ${dir} is in use by another Longhand process (pid ${pid}). PGlite allows one process: stop that one, or set DATABASE_URL to a PostgreSQL server to run web and workers as separate processes.`,
    );
  }
}

/** Sign-in refused for a while after too many failures (for the address or the client). */
export class TooManyAttemptsError extends LonghandError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_attempts', `Too many sign-in attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes, or ask an owner to reset your password.`, {
      retryAfterSeconds,
    });
  }
}

/** A remote image was not fetched for a reader: `refused` when it must not be (not a public address, not an image), else it failed. */
export class RemoteImageError extends LonghandError {
  constructor(
    message: string,
    readonly refused: boolean,
  ) {
    super(refused ? 'remote_image_refused' : 'remote_image_failed', message);
  }
}

/**
 * A mailbox's OAuth2 sign-in failed. `revoked`: the provider refused the grant (consent withdrawn, password
 * changed, app removed) or a fresh token, so only an owner reconnecting helps; otherwise it is retried.
 */
export class OAuthError extends LonghandError {
  constructor(
    readonly mailbox: string,
    message: string,
    readonly revoked: boolean,
    options?: { cause?: unknown },
  ) {
    super(revoked ? 'oauth_reconnect' : 'oauth_failed', `Mailbox ${mailbox}: ${message}`, { mailbox }, options);
  }
}

/** The web app cannot listen: another process holds its port. */
export class PortInUseError extends LonghandError {
  constructor(host: string, port: number) {
    super('port_in_use', `Port ${port} on ${host} is already in use (another Longhand, or another program). Stop that one, or set PORT to a free port.`);
  }
}
