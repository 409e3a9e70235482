import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/**
 * Staff memory and threading that staff can steer: internal notes, splits that later mail must respect,
 * customer merges that can be split again, and full-text search.
 *
 * Search uses the 'simple' configuration: the inbox is multilingual, and an English stemmer would mangle
 * German, French or Dutch words and names alike; prefix queries ("refund:*") cover the plurals and
 * inflections a stemmer would have caught.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    -- Staff talking to staff about a conversation. Nothing reads this table when mail is written.
    create table conversation_notes (
      id integer generated always as identity primary key,
      conversation_id integer not null references conversations(id) on delete cascade,
      author_id integer references users(id) on delete set null,
      body text not null,
      mentioned_user_ids integer[] not null default '{}',
      created_at timestamptz not null default now()
    );
    create index conversation_notes_conversation on conversation_notes (conversation_id, id);

    -- Two conversations staff split apart: threading never joins them again, whatever mail links them.
    create table conversation_splits (
      conversation_id integer not null references conversations(id) on delete cascade,
      other_id integer not null references conversations(id) on delete cascade,
      created_by integer references users(id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (conversation_id, other_id),
      check (conversation_id < other_id)
    );
    create index conversation_splits_other on conversation_splits (other_id);

    -- A customer merged into another, with what it was, so the merge can be split again.
    create table customer_merges (
      id integer generated always as identity primary key,
      customer_id integer not null references customers(id) on delete cascade,
      merged_customer_id integer not null,
      addresses text[] not null,
      profile jsonb not null,
      merged_by integer references users(id) on delete set null,
      merged_at timestamptz not null,
      split_at timestamptz
    );
    create index customer_merges_customer on customer_merges (customer_id) where split_at is null;

    -- The subject a message threads by (Thread-Topic when Outlook sent one) and Outlook's Thread-Index.
    alter table messages add column normalized_subject text not null default '';
    alter table messages add column thread_index text;
    update messages set normalized_subject = c.normalized_subject from conversations c where c.id = messages.conversation_id;
    create index messages_thread_subject on messages (customer_id, normalized_subject, date) where customer_id is not null;
    -- Subjects now link messages, not conversations.
    drop index conversations_subject;

    -- What a message added, not the history it quotes: a quoted line must not rank a reply above the original.
    alter table messages add column search tsvector generated always as (
      setweight(to_tsvector('simple'::regconfig, subject), 'A') ||
      setweight(to_tsvector('simple'::regconfig, left(new_text, 100000)), 'B')
    ) stored;
    create index messages_search on messages using gin (search);

    alter table customers add column search tsvector generated always as (
      setweight(to_tsvector('simple'::regconfig, coalesce(name, '')), 'A') ||
      setweight(to_tsvector('simple'::regconfig, left(notes, 100000)), 'C')
    ) stored;
    create index customers_search on customers using gin (search);

    -- The whole address and its parts, so "bakery" finds maria@bakery.example.
    alter table customer_addresses add column search tsvector generated always as (
      to_tsvector('simple'::regconfig, address || ' ' || translate(address, '@.+_-', '     '))
    ) stored;
    create index customer_addresses_search on customer_addresses using gin (search);

    alter table organizations add column search tsvector generated always as (
      to_tsvector('simple'::regconfig, name || ' ' || domain || ' ' || translate(domain, '.-', '  '))
    ) stored;
    create index organizations_search on organizations using gin (search);
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    drop index organizations_search;
    alter table organizations drop column search;
    drop index customer_addresses_search;
    alter table customer_addresses drop column search;
    drop index customers_search;
    alter table customers drop column search;
    drop index messages_search;
    alter table messages drop column search;
    create index conversations_subject on conversations (customer_id, normalized_subject, last_message_at desc);
    drop index messages_thread_subject;
    alter table messages drop column thread_index;
    alter table messages drop column normalized_subject;
    drop table customer_merges;
    drop table conversation_splits;
    drop table conversation_notes;
  `,
  );
}
