// Everything the commands in longhand.ts run, in one module that is imported only when a command runs.
export { Presets, SingleBar } from 'cli-progress';
export { loadConfig } from '../core/config.ts';
export { exportThreads } from '../core/conversations/export.ts';
export { importMail } from '../core/mail/import.ts';
export { addMailbox, listMailboxes, requestResync } from '../core/mailboxes/mailboxes.ts';
export { addOAuthMailbox } from '../core/mailboxes/oauth-connect.ts';
export { createToken } from '../core/users/tokens.ts';
export { createUser, findUserByEmail, setPassword } from '../core/users/users.ts';
export { parseNow, runFollowups } from './followups.ts';
export { openRuntime } from './runtime.ts';
export { serve } from './serve.ts';
