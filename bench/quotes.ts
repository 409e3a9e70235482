/**
 * npm run bench:quotes
 *
 * How often extractNewText gives exactly what the customer added (no quoted history, no signature)
 * on the fixture set in test/fixtures/quotes/, per family, and each miss with what it gave instead.
 */
import { loadQuoteCases, scoreQuoteCases } from '../test/support/quotes-corpus.ts';
import { report } from './report.ts';

const cases = loadQuoteCases();
const score = scoreQuoteCases(cases);
const families = [...new Set(cases.map((c) => c.family))];
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

const lines = [`exact: ${score.exact} of ${score.total} (${pct(score.rate)})`];
for (const family of families) {
  const total = cases.filter((c) => c.family === family).length;
  const missed = score.misses.filter((m) => m.family === family).length;
  lines.push(`  ${family}: ${total - missed} of ${total}`);
}
lines.push(score.misses.length === 0 ? 'misses: none' : `misses: ${score.misses.length}`);
for (const m of score.misses) lines.push(`  ${m.family}/${m.name}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.got)}`);
report('bench:quotes', lines);
