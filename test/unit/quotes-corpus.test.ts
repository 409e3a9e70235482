import { describe, expect, it } from 'vitest';
import { loadQuoteCases, scoreQuoteCases } from '../support/quotes-corpus.ts';

describe('extractNewText on the fixture set of mail programs (test/fixtures/quotes)', () => {
  const cases = loadQuoteCases();

  it('has the families and at least 80 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    expect(new Set(cases.map((c) => c.family))).toEqual(new Set(['apple-mail', 'forwarded', 'gmail', 'inline-replies', 'outlook', 'signatures', 'thunderbird']));
  });

  it('gives exactly what the customer added in at least 95% of them', () => {
    const score = scoreQuoteCases(cases);
    console.log(`quotes corpus: ${score.exact} of ${score.total} exact (${(score.rate * 100).toFixed(1)}%)`);
    for (const m of score.misses) console.log(`  miss ${m.family}/${m.name}: ${JSON.stringify(m.got)}`);
    expect(score.rate).toBeGreaterThanOrEqual(0.95);
  });
});
