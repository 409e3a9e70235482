import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import { calendarDay } from '../wall-clock.ts';

export interface ReportFilter {
  /** The staff member who wrote the replies (their author); null for everyone. */
  userId?: number | null;
  mailboxId?: number | null;
  /** How far back, in days. */
  days?: number;
  /** Whose weeks: they start on Monday at midnight in this IANA zone (the reader's); UTC when not given. */
  timeZone?: string;
}

export interface WaitStats {
  count: number;
  medianHours: number | null;
  slowestHours: number | null;
  /** How many waits fell in each bucket, for the chart. */
  buckets: Array<{ label: string; count: number }>;
}

export interface Report {
  since: Date;
  firstAnswer: WaitStats;
  everyAnswer: WaitStats;
  edits: { barelyTouched: number; edited: number; rewritten: number };
  /** `week`: the Monday it starts on, "2026-11-30", in the report's time zone. */
  touchByWeek: Array<{ week: string; average: number; replies: number }>;
  followups: { suggested: number; sent: number; withdrawn: number };
  goneQuiet: number;
}

const BUCKETS: Array<[string, number]> = [
  ['< 1 h', 1],
  ['1–4 h', 4],
  ['4–24 h', 24],
  ['1–3 days', 72],
  ['> 3 days', Infinity],
];
/** A customer we have not written to for this long, after writing before, has gone quiet. */
const QUIET_DAYS = 90;

/**
 * What the team's work looks like from the customer's side: how long they waited, how personal the
 * replies were, what the follow-ups did. One pass of SQL per figure, on indexed columns.
 */
export async function teamReport(ctx: Ctx, f: ReportFilter = {}): Promise<Report> {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - (f.days ?? 90) * 86_400_000);
  const mailbox = f.mailboxId ? sql`and c.mailbox_id = ${f.mailboxId}` : sql``;
  const author = f.userId ? sql`and o.sent_by_user_id = ${f.userId}` : sql``;

  // An answer is our first message after one or more of theirs; the wait runs from the first of theirs.
  // Messages are numbered by how many of ours came before them in the conversation: the customer's
  // messages numbered k were answered by our message numbered k. Hash joins, no per-row subqueries, and
  // the figures are summed up in SQL, so only two rows come back however many answers there were.
  const bucketColumns = BUCKETS.map(([, upper], i) => {
    const lower = i === 0 ? 0 : BUCKETS[i - 1]![1];
    return sql`count(*) filter (where hours >= ${lower}${upper === Infinity ? sql`` : sql` and hours < ${upper}`})::int as ${sql.ref(`b${i}`)}`;
  });
  const waits = await sql<{ total: number; first: boolean | null; n: number; median: number | null; slowest: number | null; [bucket: `b${number}`]: number }>`
    with numbered as (
      select m.conversation_id, m.direction, m.date, m.sent_by_user_id,
             coalesce(sum(case when m.direction = 'out' then 1 else 0 end) over (partition by m.conversation_id order by m.date, m.id rows between unbounded preceding and 1 preceding), 0) as ours_before
      from messages m join conversations c on c.id = m.conversation_id
      where m.automated_reason is null and m.date >= ${since} ${mailbox}
    ),
    asked as (
      select conversation_id, ours_before, min(date) as at from numbered where direction = 'in' group by conversation_id, ours_before
    ),
    waits as (
      select extract(epoch from (o.date - a.at)) / 3600.0 as hours, a.ours_before = 0 as first
      from asked a
      join numbered o on o.conversation_id = a.conversation_id and o.direction = 'out' and o.ours_before = a.ours_before
      where true ${author}
    )
    select first, grouping(first) as total, count(*)::int as n, percentile_cont(0.5) within group (order by hours)::float8 as median, max(hours)::float8 as slowest, ${sql.join(bucketColumns)}
    from waits group by grouping sets ((first), ())
  `.execute(ctx.db);
  const stats = (row: (typeof waits.rows)[number] | undefined): WaitStats => ({
    count: row?.n ?? 0,
    medianHours: row?.median ?? null,
    slowestHours: row?.slowest ?? null,
    buckets: BUCKETS.map(([label], i) => ({ label, count: row?.[`b${i}`] ?? 0 })),
  });

  const sent = await ctx.db
    .selectFrom('drafts as d')
    .innerJoin('conversations as c', 'c.id', 'd.conversation_id')
    .select(['d.body', 'd.template_body', 'd.touch_score', 'd.sent_at', 'd.kind', 'd.status'])
    .where('d.updated_at', '>=', since)
    .$if(Boolean(f.mailboxId), (q) => q.where('c.mailbox_id', '=', f.mailboxId!))
    .$if(Boolean(f.userId), (q) => q.where('d.author_id', '=', f.userId!))
    .execute();
  const replies = sent.filter((d) => d.status === 'sent');

  const quiet = await ctx.db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('last_outbound_at', '<', new Date(now.getTime() - QUIET_DAYS * 86_400_000))
    .where((eb) => eb.or([eb('last_inbound_at', 'is', null), eb('last_inbound_at', '<', new Date(now.getTime() - QUIET_DAYS * 86_400_000))]))
    .executeTakeFirstOrThrow();

  return {
    since,
    firstAnswer: stats(waits.rows.find((r) => Number(r.total) === 0 && r.first === true)),
    everyAnswer: stats(waits.rows.find((r) => Number(r.total) === 1)),
    edits: editCounts(replies),
    touchByWeek: touchByWeek(replies, f.timeZone ?? 'UTC'),
    followups: {
      suggested: sent.filter((d) => d.kind === 'followup').length,
      sent: sent.filter((d) => d.kind === 'followup' && d.status === 'sent').length,
      withdrawn: sent.filter((d) => d.kind === 'followup' && d.status === 'discarded').length,
    },
    goneQuiet: Number(quiet.n),
  };
}

/** How far a sent reply moved from its template, in words the person added. */
export function ownWords(body: string, template: string | null): number {
  const words = (t: string) => t.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  const had = new Set(words(template ?? ''));
  return words(body).filter((w) => !had.has(w)).length;
}

function editCounts(replies: Array<{ body: string; template_body: string | null }>) {
  const counts = { barelyTouched: 0, edited: 0, rewritten: 0 };
  for (const r of replies) {
    const n = ownWords(r.body, r.template_body);
    if (n < 8) counts.barelyTouched++;
    else if (n < 40) counts.edited++;
    else counts.rewritten++;
  }
  return counts;
}

function touchByWeek(replies: Array<{ touch_score: number | null; sent_at: Date | null }>, timeZone: string) {
  const weeks = new Map<string, { sum: number; n: number }>();
  for (const r of replies) {
    if (r.touch_score === null || !r.sent_at) continue;
    // The day it was sent where the reader is, as a date at UTC midnight, so whole days can be counted back.
    const day = new Date(`${calendarDay(r.sent_at, timeZone)}T00:00:00Z`);
    const monday = new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    const w = weeks.get(monday) ?? { sum: 0, n: 0 };
    w.sum += r.touch_score;
    w.n++;
    weeks.set(monday, w);
  }
  return [...weeks].sort((a, b) => a[0].localeCompare(b[0])).map(([week, w]) => ({ week, average: Math.round(w.sum / w.n), replies: w.n }));
}
