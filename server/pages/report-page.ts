import { Router } from 'express';
import { z } from 'zod';
import { listMailboxes } from '../../core/mailboxes/mailboxes.ts';
import { teamReport } from '../../core/reports/report.ts';
import { listUsers } from '../../core/users/users.ts';
import { barChart, lineChart } from '../charts.ts';
import { rowId } from '../row-id.ts';
import { zoneOf } from '../views.ts';
import type { PageKit } from './kit.ts';

const reportQuery = z.object({
  person: rowId.optional().catch(undefined),
  mailbox: rowId.optional().catch(undefined),
  days: z.coerce.number().int().min(7).max(730).catch(90).default(90),
});

const hours = (h: number | null) => (h === null ? 'none yet' : h < 1 ? `${Math.round(h * 60)} min` : h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`);

/** The report: waiting times, how personal the replies were, follow-ups, customers gone quiet. */
export function reportPages({ ctx, page, signedIn }: PageKit): Router {
  const r = Router();
  r.get('/reports', signedIn, async (req, res) => {
    const q = reportQuery.parse(req.query);
    const [report, users, mailboxes] = await Promise.all([
      teamReport(ctx, { userId: q.person ?? null, mailboxId: q.mailbox ?? null, days: q.days, timeZone: zoneOf(req.user) }),
      listUsers(ctx),
      listMailboxes(ctx),
    ]);
    page(req, res, 'report', {
      title: 'Report',
      report,
      q,
      users: users.map((u) => ({ id: u.id, name: u.name, selected: u.id === q.person })),
      mailboxes: mailboxes.map((m) => ({ id: m.id, name: m.name, selected: m.id === q.mailbox })),
      periods: [30, 90, 365].map((d) => ({ days: d, selected: d === q.days })),
      firstMedian: hours(report.firstAnswer.medianHours),
      firstSlowest: hours(report.firstAnswer.slowestHours),
      everyMedian: hours(report.everyAnswer.medianHours),
      everySlowest: hours(report.everyAnswer.slowestHours),
      waitChart: barChart(
        'How long customers waited for a first answer',
        report.firstAnswer.buckets.map((b) => ({ label: b.label, value: b.count })),
      ),
      editChart: barChart('How much replies were changed from their template', [
        { label: 'Barely', value: report.edits.barelyTouched },
        { label: 'Edited', value: report.edits.edited },
        { label: 'Rewritten', value: report.edits.rewritten },
      ]),
      touchChart: lineChart(
        'Average touch score of sent replies, by week',
        report.touchByWeek.map((w) => ({ label: w.week.slice(5), value: w.average })),
      ),
    });
  });
  return r;
}
