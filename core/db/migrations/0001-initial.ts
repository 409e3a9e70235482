import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.ts';

/** The first schema: every table the pipeline needs, with the uniqueness rules that keep it honest. */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table users (
      id integer generated always as identity primary key,
      email text not null unique,
      name text not null,
      role text not null check (role in ('owner', 'approver', 'agent')),
      password_hash text,
      signature text not null default '',
      created_at timestamptz not null default now(),
      disabled_at timestamptz
    );

    create table api_tokens (
      id integer generated always as identity primary key,
      user_id integer not null references users(id) on delete cascade,
      name text not null,
      token_hash text not null unique,
      prefix text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );

    create table sessions (
      sid text primary key,
      user_id integer references users(id) on delete cascade,
      data jsonb not null,
      expires_at timestamptz not null
    );
    create index sessions_expires on sessions (expires_at);

    create table mailboxes (
      id integer generated always as identity primary key,
      name text not null,
      email text not null unique,
      imap jsonb not null,
      imap_password text not null,
      smtp jsonb not null,
      smtp_password text not null,
      source text not null check (source in ('env', 'ui', 'demo')),
      enabled boolean not null default true,
      state text not null default 'new',
      last_error text,
      last_error_at timestamptz,
      last_synced_at timestamptz,
      initial_sync_done boolean not null default false,
      created_at timestamptz not null default now()
    );

    create table folders (
      id integer generated always as identity primary key,
      mailbox_id integer not null references mailboxes(id) on delete cascade,
      path text not null,
      role text not null check (role in ('inbox', 'sent', 'other')),
      uidvalidity text,
      uidnext integer,
      highestmodseq text,
      synced_uid integer not null default 0,
      messages_on_server integer not null default 0,
      state text not null default 'new',
      last_error text,
      last_synced_at timestamptz,
      unique (mailbox_id, path)
    );

    create table organizations (
      id integer generated always as identity primary key,
      domain text not null unique,
      name text not null
    );

    create table customers (
      id integer generated always as identity primary key,
      name text,
      organization_id integer references organizations(id),
      person_user_id integer references users(id) on delete set null,
      notes text not null default '',
      tags text[] not null default '{}',
      do_not_follow_up boolean not null default false,
      first_contact_at timestamptz,
      last_inbound_at timestamptz,
      last_outbound_at timestamptz,
      last_outbound_user_id integer references users(id) on delete set null,
      utc_offset_minutes integer,
      created_at timestamptz not null default now()
    );

    create table customer_addresses (
      address text primary key,
      customer_id integer not null references customers(id) on delete cascade,
      names_seen text[] not null default '{}',
      created_at timestamptz not null default now()
    );
    create index customer_addresses_customer on customer_addresses (customer_id);

    create table conversations (
      id integer generated always as identity primary key,
      mailbox_id integer references mailboxes(id) on delete set null,
      customer_id integer references customers(id) on delete set null,
      subject text not null,
      normalized_subject text not null,
      status text not null check (status in ('waiting_on_us', 'waiting_on_them', 'done')),
      assignee_id integer references users(id) on delete set null,
      priority integer not null default 0,
      intent text,
      first_message_at timestamptz not null,
      last_message_at timestamptz not null,
      last_inbound_at timestamptz,
      last_outbound_at timestamptz,
      draft_wanted_for integer,
      version integer not null default 1,
      snoozed_until timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index conversations_customer on conversations (customer_id, last_message_at desc);
    create index conversations_subject on conversations (customer_id, normalized_subject, last_message_at desc);
    create index conversations_draft_wanted on conversations (draft_wanted_for) where draft_wanted_for is not null;

    -- Every Message-ID a conversation holds or references: the union of these sets is the thread.
    create table thread_keys (
      key text primary key,
      conversation_id integer not null references conversations(id) on delete cascade
    );
    create index thread_keys_conversation on thread_keys (conversation_id);

    create table messages (
      id integer generated always as identity primary key,
      conversation_id integer not null references conversations(id),
      customer_id integer references customers(id) on delete set null,
      mailbox_id integer references mailboxes(id) on delete set null,
      message_id text not null,
      synthetic_message_id boolean not null default false,
      in_reply_to text,
      "references" text[] not null default '{}',
      subject text not null,
      from_address text,
      from_name text,
      "to" jsonb not null,
      cc jsonb not null,
      reply_to jsonb not null,
      date timestamptz not null,
      utc_offset_minutes integer,
      direction text not null check (direction in ('in', 'out')),
      origin text not null check (origin in ('imap', 'import', 'outbox')),
      text text not null,
      new_text text not null,
      html text,
      automated_reason text,
      historical boolean not null default false,
      warnings text[] not null default '{}',
      size_bytes integer not null,
      source_sha256 text not null,
      sent_by_user_id integer references users(id) on delete set null,
      created_at timestamptz not null default now(),
      -- The same message seen twice (another folder, a UIDVALIDITY reset, an import) is one message.
      unique (message_id, source_sha256)
    );
    create index messages_conversation on messages (conversation_id, date);
    create index messages_message_id on messages (message_id);
    create index messages_customer on messages (customer_id, date desc);

    -- Where a message lives on an IMAP server. The database, not the code, forbids storing a UID twice.
    create table message_locations (
      id integer generated always as identity primary key,
      message_id integer not null references messages(id) on delete cascade,
      mailbox_id integer not null references mailboxes(id) on delete cascade,
      folder_id integer not null references folders(id) on delete cascade,
      uidvalidity text not null,
      uid integer not null,
      flags text[] not null default '{}',
      modseq text,
      expunged_at timestamptz,
      unique (mailbox_id, folder_id, uidvalidity, uid)
    );
    create index message_locations_message on message_locations (message_id);

    create table message_sources (
      message_id integer primary key references messages(id) on delete cascade,
      source bytea not null
    );

    create table blobs (
      sha256 text primary key,
      size integer not null,
      content bytea not null
    );

    create table attachments (
      id integer generated always as identity primary key,
      message_id integer not null references messages(id) on delete cascade,
      blob_sha256 text not null references blobs(sha256),
      filename text not null,
      content_type text not null,
      size integer not null,
      content_id text,
      inline boolean not null default false
    );
    create index attachments_message on attachments (message_id);

    create table drafts (
      id integer generated always as identity primary key,
      conversation_id integer not null references conversations(id) on delete cascade,
      kind text not null check (kind in ('reply', 'followup')),
      status text not null check (status in ('pending', 'approved', 'sending', 'sent', 'failed', 'uncertain', 'discarded')),
      subject text not null,
      body text not null,
      template_name text,
      template_body text,
      "to" jsonb not null,
      cc jsonb not null,
      author_id integer references users(id) on delete set null,
      answers_message_id integer references messages(id) on delete set null,
      customer_wrote_again boolean not null default false,
      touch_score integer,
      version integer not null default 1,
      approved_by integer references users(id) on delete set null,
      approved_at timestamptz,
      send_after timestamptz,
      sent_at timestamptz,
      discarded_by integer references users(id) on delete set null,
      discard_reason text,
      failure text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- One open draft per conversation, whoever races to make it.
    create unique index drafts_one_open on drafts (conversation_id) where status in ('pending', 'approved', 'sending');
    create index drafts_status on drafts (status, created_at);

    create table draft_revisions (
      id integer generated always as identity primary key,
      draft_id integer not null references drafts(id) on delete cascade,
      author_id integer references users(id) on delete set null,
      subject text not null,
      body text not null,
      created_at timestamptz not null default now()
    );
    create index draft_revisions_draft on draft_revisions (draft_id, id);

    create table outbox (
      id integer generated always as identity primary key,
      draft_id integer not null references drafts(id) on delete cascade,
      mailbox_id integer not null references mailboxes(id),
      message_id text not null unique,
      state text not null check (state in ('queued', 'sending', 'sent', 'failed', 'uncertain', 'cancelled')),
      attempts integer not null default 0,
      send_after timestamptz not null,
      raw bytea,
      envelope_from text,
      envelope_to text[],
      smtp_response text,
      last_error text,
      filed_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- A draft has at most one live send; an undone one is cancelled, not deleted.
    create unique index outbox_one_live on outbox (draft_id) where state <> 'cancelled';
    create index outbox_pending on outbox (state) where state in ('queued', 'sending');

    create table audit_log (
      id integer generated always as identity primary key,
      at timestamptz not null,
      actor_user_id integer references users(id) on delete set null,
      action text not null,
      subject_type text,
      subject_id integer,
      details jsonb not null
    );
    create index audit_log_at on audit_log (at desc);

    create table settings (
      key text primary key,
      value jsonb not null
    );

    create table templates (
      name text primary key,
      body text not null,
      updated_by integer references users(id) on delete set null,
      updated_at timestamptz not null
    );
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema public cascade; create schema public;`.execute(db);
}
