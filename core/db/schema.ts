import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** jsonb: written as a JSON string, read back parsed. */
type Json<T> = ColumnType<T, string | Extract<T, null>, string | Extract<T, null>>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export type Role = 'owner' | 'approver' | 'agent';
export type ConversationStatus = 'waiting_on_us' | 'waiting_on_them' | 'done';
export type DraftStatus = 'pending' | 'approved' | 'sending' | 'sent' | 'failed' | 'uncertain' | 'discarded';
export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed' | 'uncertain' | 'cancelled';
export type Direction = 'in' | 'out';
export interface AddressJson {
  address: string;
  name: string;
}
/** `plaintext` only when the owner chose no encryption (`?tls=off`); otherwise STARTTLS is required without `secure`. */
export interface ServerJson {
  host: string;
  port: number;
  secure: boolean;
  plaintext?: boolean;
  user: string;
}
export type OAuthProviderName = 'google' | 'microsoft' | 'custom';
/** What is public about a mailbox's OAuth2 grant: who consented and when, never a token or secret. */
export interface OAuthJson {
  provider: OAuthProviderName;
  clientId: string;
  tokenUrl: string;
  scope: string;
  consentedBy: number | null;
  consentedAt: string;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  signature: string;
  /** IANA name; null until their browser (at sign-in) or they themselves say which. */
  time_zone: string | null;
  created_at: CreatedAt;
  disabled_at: Timestamp | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface SessionsTable {
  sid: string;
  user_id: number | null;
  data: Json<Record<string, unknown>>;
  expires_at: Timestamp;
}

export interface MailboxesTable {
  id: Generated<number>;
  name: string;
  email: string;
  imap: Json<ServerJson>;
  imap_password: string;
  smtp: Json<ServerJson>;
  smtp_password: string;
  source: 'env' | 'ui' | 'demo';
  enabled: Generated<boolean>;
  state: Generated<string>;
  last_error: string | null;
  last_error_at: Timestamp | null;
  last_synced_at: Timestamp | null;
  initial_sync_done: Generated<boolean>;
  created_at: CreatedAt;
  sync_generation: Generated<number>;
  owner_worker: string | null;
  heartbeat_at: Timestamp | null;
  extra_folders: Generated<string[]>;
  auth: Generated<'password' | 'oauth2'>;
  oauth: ColumnType<OAuthJson | null, string | null, string | null>;
  /** Sealed, like the passwords. */
  oauth_refresh_token: string | null;
  /** Sealed; only for a client given with the mailbox (a custom provider), else the provider's settings hold it. */
  oauth_client_secret: string | null;
  oauth_access_token: string | null;
  /** When the current access token should be replaced (before it expires). */
  oauth_refresh_at: Timestamp | null;
  /** The provider refused the grant, or a fresh token: nothing is retried until an owner reconnects. */
  needs_reconnect: Generated<boolean>;
  /** The provider files what is sent through its SMTP in Sent itself (Gmail, Microsoft 365): we only look for it. */
  files_sent_copy: Generated<boolean>;
}

export interface FoldersTable {
  id: Generated<number>;
  mailbox_id: number;
  path: string;
  role: 'inbox' | 'sent' | 'other';
  uidvalidity: string | null;
  uidnext: number | null;
  highestmodseq: string | null;
  /** Highest UID stored; the sync resumes after it. */
  synced_uid: Generated<number>;
  messages_on_server: Generated<number>;
  state: Generated<string>;
  last_error: string | null;
  last_synced_at: Timestamp | null;
  last_progress_at: Timestamp | null;
}

export interface OrganizationsTable {
  id: Generated<number>;
  domain: string;
  name: string;
}

export interface CustomersTable {
  id: Generated<number>;
  name: string | null;
  organization_id: number | null;
  person_user_id: number | null;
  notes: Generated<string>;
  tags: Generated<string[]>;
  do_not_follow_up: Generated<boolean>;
  first_contact_at: Timestamp | null;
  last_inbound_at: Timestamp | null;
  last_outbound_at: Timestamp | null;
  last_outbound_user_id: number | null;
  utc_offset_minutes: number | null;
  created_at: CreatedAt;
}

export interface CustomerAddressesTable {
  address: string;
  customer_id: number;
  names_seen: Generated<string[]>;
  created_at: CreatedAt;
}

export interface ConversationsTable {
  id: Generated<number>;
  mailbox_id: number | null;
  customer_id: number | null;
  subject: string;
  normalized_subject: string;
  status: ConversationStatus;
  assignee_id: number | null;
  priority: Generated<number>;
  intent: string | null;
  first_message_at: Timestamp;
  last_message_at: Timestamp;
  last_inbound_at: Timestamp | null;
  last_outbound_at: Timestamp | null;
  /** The inbound message that still wants a draft: the durable to-do the drafter and the sweep read. */
  draft_wanted_for: number | null;
  /** Bumped on every change a person must see before approving (new message, note, reply). */
  version: Generated<number>;
  snoozed_until: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ThreadKeysTable {
  key: string;
  conversation_id: number;
}

export interface MessagesTable {
  id: Generated<number>;
  conversation_id: number;
  customer_id: number | null;
  mailbox_id: number | null;
  message_id: string;
  synthetic_message_id: boolean;
  in_reply_to: string | null;
  references: string[];
  subject: string;
  from_address: string | null;
  from_name: string | null;
  to: Json<AddressJson[]>;
  cc: Json<AddressJson[]>;
  reply_to: Json<AddressJson[]>;
  date: Timestamp;
  utc_offset_minutes: number | null;
  direction: Direction;
  origin: 'imap' | 'import' | 'outbox';
  text: string;
  new_text: string;
  html: string | null;
  automated_reason: string | null;
  historical: boolean;
  warnings: string[];
  size_bytes: number;
  source_sha256: string;
  sent_by_user_id: number | null;
  /** The subject this message threads by: Outlook's Thread-Topic when present, else the Subject, normalized. */
  normalized_subject: Generated<string>;
  /** Outlook's Thread-Index as received. */
  thread_index: string | null;
  created_at: CreatedAt;
}

export interface MessageLocationsTable {
  id: Generated<number>;
  message_id: number;
  mailbox_id: number;
  folder_id: number;
  uidvalidity: string;
  uid: number;
  flags: string[];
  modseq: string | null;
  /** The server's id for this message (EMAILID / X-GM-MSGID), the same in every folder it shows in. */
  email_id: string | null;
  expunged_at: Timestamp | null;
}

export interface MessageSourcesTable {
  message_id: number;
  /** The message's bytes as they came; gzip-compressed when `gzip` (everything stored since migration 0017). */
  source: Bytes;
  gzip: Generated<boolean>;
}

export interface BlobsTable {
  sha256: string;
  size: number;
  content: Bytes;
}

export interface AttachmentsTable {
  id: Generated<number>;
  message_id: number;
  blob_sha256: string;
  filename: string;
  content_type: string;
  size: number;
  content_id: string | null;
  inline: boolean;
}

/** A file attached to a draft: sent as a MIME part of the reply. */
export interface DraftAttachmentsTable {
  id: Generated<number>;
  draft_id: number;
  blob_sha256: string;
  filename: string;
  content_type: string;
  size: number;
  added_by: number | null;
  /** The received attachment it forwards back (same blob), or null for an upload. */
  from_attachment_id: number | null;
  created_at: Timestamp;
}

export interface DraftsTable {
  id: Generated<number>;
  conversation_id: number;
  kind: 'reply' | 'followup';
  status: DraftStatus;
  subject: string;
  body: string;
  template_name: string | null;
  template_body: string | null;
  to: Json<AddressJson[]>;
  cc: Json<AddressJson[]>;
  author_id: number | null;
  answers_message_id: number | null;
  customer_wrote_again: Generated<boolean>;
  touch_score: number | null;
  version: Generated<number>;
  approved_by: number | null;
  approved_at: Timestamp | null;
  send_after: Timestamp | null;
  sent_at: Timestamp | null;
  discarded_by: number | null;
  discard_reason: string | null;
  failure: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  review_requested_by: number | null;
  review_requested_at: Timestamp | null;
  /** The follow-up rule that made this draft and why (core/followups); null when no rule did. */
  followup_rule: string | null;
  followup_reason: string | null;
  /** The mailbox it goes out from, chosen on the draft; null: the conversation's own. */
  mailbox_id: number | null;
}

export interface DraftRevisionsTable {
  id: Generated<number>;
  draft_id: number;
  author_id: number | null;
  subject: string;
  body: string;
  /** Null for versions saved before recipients were kept. */
  to: Json<AddressJson[] | null>;
  cc: Json<AddressJson[] | null>;
  created_at: CreatedAt;
}

export interface OutboxTable {
  id: Generated<number>;
  draft_id: number;
  mailbox_id: number;
  message_id: string;
  state: OutboxState;
  attempts: Generated<number>;
  send_after: Timestamp;
  raw: Bytes | null;
  envelope_from: string | null;
  envelope_to: string[] | null;
  smtp_response: string | null;
  last_error: string | null;
  filed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  bounce_message_id: number | null;
  bounce_reason: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_user_id: number | null;
  action: string;
  subject_type: string | null;
  subject_id: number | null;
  details: Json<Record<string, unknown>>;
}

export interface SettingsTable {
  key: string;
  value: Json<unknown>;
}

export interface TemplatesTable {
  name: string;
  body: string;
  updated_by: number | null;
  updated_at: Timestamp;
}

/** A saved text a person inserts at the cursor; its body is rendered like a template (variables and slots). */
export interface SnippetsTable {
  id: Generated<number>;
  name: string;
  body: string;
  shortcut: string | null;
  keywords: Generated<string[]>;
  use_count: Generated<number>;
  last_used_at: Timestamp | null;
  created_by: number | null;
  updated_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConversationNotesTable {
  id: Generated<number>;
  conversation_id: number;
  author_id: number | null;
  body: string;
  created_at: CreatedAt;
  edited_at: Timestamp | null;
}

/** A staff member named in a team note; one row per (note, person), read or not by them. */
export interface MentionsTable {
  id: Generated<number>;
  note_id: number;
  user_id: number;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

/** A pair of conversations staff split apart; stored once, the smaller id first. */
export interface ConversationSplitsTable {
  conversation_id: number;
  other_id: number;
  created_by: number | null;
  created_at: CreatedAt;
}

/** What staff know of a customer apart from their addresses and mail. */
export interface CustomerProfile {
  name: string | null;
  notes: string;
  tags: string[];
  personUserId: number | null;
  doNotFollowUp: boolean;
  organizationId: number | null;
}

/** The merged customer as it was, and the kept one before the merge. */
export interface CustomerMergeRecord {
  merged: CustomerProfile;
  kept: CustomerProfile;
}

export interface CustomerMergesTable {
  id: Generated<number>;
  customer_id: number;
  /** The id the merged customer had; its row is gone. */
  merged_customer_id: number;
  addresses: string[];
  profile: Json<CustomerMergeRecord>;
  merged_by: number | null;
  merged_at: Timestamp;
  split_at: Timestamp | null;
}

/*
 * Not listed here: the generated tsvector columns messages.search, customers.search,
 * customer_addresses.search and organizations.search, which only core/search reads, in SQL.
 */
export interface DraftPresenceTable {
  draft_id: number;
  user_id: number;
  editing: boolean;
  seen_at: Timestamp;
}

export type FollowupState = 'scheduled' | 'drafted' | 'noted' | 'skipped' | 'withdrawn' | 'cancelled';

/** A follow-up a rule made or will make; `key` (rule, conversation or customer, period) makes it one. */
export interface FollowupsTable {
  id: Generated<number>;
  rule: 'check_in' | 'keep_in_touch' | 'first_contact' | 'waiting_on_them' | 'promise' | 'remind_me' | 'close_the_loop';
  key: string;
  customer_id: number | null;
  conversation_id: number | null;
  state: FollowupState;
  due_at: Timestamp;
  reason: string;
  /** Why it was skipped, withdrawn or cancelled. */
  outcome: string | null;
  /** A reminder's note to self, or the customer's own words for a request. */
  note: string | null;
  draft_id: number | null;
  promise_id: number | null;
  request_id: number | null;
  created_by: number | null;
  created_at: Timestamp;
  /** When the draft (or the reminder's note) was made. */
  fired_at: Timestamp | null;
}

export interface PromisesTable {
  id: Generated<number>;
  message_id: number;
  customer_id: number | null;
  sentence: string;
  when_text: string;
  detected_due_at: Timestamp;
  due_at: Timestamp;
  state: 'open' | 'dismissed';
  corrected_by: number | null;
  corrected_at: Timestamp | null;
  created_at: Timestamp;
}

export interface CustomerRequestsTable {
  id: Generated<number>;
  label: string;
  state: 'open' | 'shipped';
  created_by: number | null;
  created_at: Timestamp;
  shipped_by: number | null;
  shipped_at: Timestamp | null;
}

export interface CustomerRequestAskersTable {
  id: Generated<number>;
  request_id: number;
  conversation_id: number | null;
  customer_id: number | null;
  words: string;
  tagged_by: number | null;
  created_at: Timestamp;
}

export interface SigninFailuresTable {
  id: Generated<number>;
  key: string;
  at: Timestamp;
}

export interface DB {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  mailboxes: MailboxesTable;
  folders: FoldersTable;
  organizations: OrganizationsTable;
  customers: CustomersTable;
  customer_addresses: CustomerAddressesTable;
  conversations: ConversationsTable;
  thread_keys: ThreadKeysTable;
  messages: MessagesTable;
  message_locations: MessageLocationsTable;
  message_sources: MessageSourcesTable;
  blobs: BlobsTable;
  attachments: AttachmentsTable;
  draft_attachments: DraftAttachmentsTable;
  drafts: DraftsTable;
  draft_revisions: DraftRevisionsTable;
  outbox: OutboxTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  draft_presence: DraftPresenceTable;
  signin_failures: SigninFailuresTable;
  templates: TemplatesTable;
  snippets: SnippetsTable;
  conversation_notes: ConversationNotesTable;
  mentions: MentionsTable;
  conversation_splits: ConversationSplitsTable;
  customer_merges: CustomerMergesTable;
  followups: FollowupsTable;
  promises: PromisesTable;
  customer_requests: CustomerRequestsTable;
  customer_request_askers: CustomerRequestAskersTable;
}

export type User = Selectable<UsersTable>;
export type Mailbox = Selectable<MailboxesTable>;
export type Folder = Selectable<FoldersTable>;
export type Customer = Selectable<CustomersTable>;
export type Conversation = Selectable<ConversationsTable>;
export type Message = Selectable<MessagesTable>;
export type ConversationNote = Selectable<ConversationNotesTable>;
export type Snippet = Selectable<SnippetsTable>;
export type NewMessage = Insertable<MessagesTable>;
export type Draft = Selectable<DraftsTable>;
export type DraftUpdate = Updateable<DraftsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type Followup = Selectable<FollowupsTable>;
export type PromiseRow = Selectable<PromisesTable>;
