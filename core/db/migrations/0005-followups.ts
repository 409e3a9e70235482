import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/**
 * Follow-ups: what the rules decided (and when, and why), promises found in what we sent, and the
 * requests customers made that staff can mark shipped. A follow-up is only ever a draft: these tables
 * hold the schedule and the record, the drafts table holds what a person approves.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    -- "I'll get back to you by Friday", found in a message we sent; staff can correct the time or dismiss it.
    create table promises (
      id integer generated always as identity primary key,
      message_id integer not null unique references messages(id) on delete cascade,
      customer_id integer references customers(id) on delete set null,
      sentence text not null,
      when_text text not null,
      detected_due_at timestamptz not null,
      due_at timestamptz not null,
      state text not null check (state in ('open', 'dismissed')),
      corrected_by integer references users(id) on delete set null,
      corrected_at timestamptz,
      created_at timestamptz not null
    );

    -- "wants: CSV export": one open request per label; shipping it drafts a note to everyone who asked.
    create table customer_requests (
      id integer generated always as identity primary key,
      label text not null,
      state text not null check (state in ('open', 'shipped')),
      created_by integer references users(id) on delete set null,
      created_at timestamptz not null,
      shipped_by integer references users(id) on delete set null,
      shipped_at timestamptz
    );
    create unique index customer_requests_open_label on customer_requests (lower(label)) where state = 'open';

    create table customer_request_askers (
      id integer generated always as identity primary key,
      request_id integer not null references customer_requests(id) on delete cascade,
      conversation_id integer references conversations(id) on delete set null,
      customer_id integer references customers(id) on delete set null,
      words text not null,
      tagged_by integer references users(id) on delete set null,
      created_at timestamptz not null,
      unique (request_id, conversation_id)
    );

    -- One row per follow-up a rule made or will make. The key names the rule, the conversation or customer
    -- and the period, so two workers or a re-run can never make the same follow-up twice.
    create table followups (
      id integer generated always as identity primary key,
      rule text not null check (rule in ('check_in', 'keep_in_touch', 'first_contact', 'waiting_on_them', 'promise', 'remind_me', 'close_the_loop')),
      key text not null unique,
      customer_id integer references customers(id) on delete set null,
      conversation_id integer references conversations(id) on delete set null,
      state text not null check (state in ('scheduled', 'drafted', 'noted', 'skipped', 'withdrawn', 'cancelled')),
      due_at timestamptz not null,
      reason text not null,
      outcome text,
      note text,
      draft_id integer references drafts(id) on delete set null,
      promise_id integer references promises(id) on delete cascade,
      request_id integer references customer_requests(id) on delete cascade,
      created_by integer references users(id) on delete set null,
      created_at timestamptz not null,
      fired_at timestamptz
    );
    create index followups_due on followups (due_at) where state = 'scheduled';
    create index followups_customer on followups (customer_id, rule);
    create index followups_conversation on followups (conversation_id, rule);
    create index followups_draft on followups (draft_id) where draft_id is not null;

    -- The rule that made a draft and why, shown beside it; null for replies no rule made.
    alter table drafts add column followup_rule text;
    alter table drafts add column followup_reason text;
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table drafts drop column followup_reason;
    alter table drafts drop column followup_rule;
    drop table followups;
    drop table customer_request_askers;
    drop table customer_requests;
    drop table promises;
  `,
  );
}
