/**
 * The quote and signature fixture set (test/fixtures/quotes/*.txt) and how well extractNewText does
 * on it: shared by test/unit/quotes-corpus.test.ts and bench/quotes.ts so both count the same way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractNewText } from '../../core/mail/quotes.ts';

export interface QuoteCase {
  family: string;
  name: string;
  input: string;
  expected: string;
}

export interface QuoteMiss extends QuoteCase {
  got: string;
}

export interface QuoteScore {
  total: number;
  exact: number;
  rate: number;
  misses: QuoteMiss[];
}

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'quotes');
const CASE = '#### ';
const EXPECTED = '#### expected';

/** Reads every family file: "#### <name>", the input lines, "#### expected", the expected lines. */
export function loadQuoteCases(dir = DIR): QuoteCase[] {
  const cases: QuoteCase[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    const family = file.replace(/\.txt$/, '');
    let current: { name: string; input: string[]; expected: string[] | null } | null = null;
    const flush = () => {
      if (!current) return;
      if (current.expected === null) throw new Error(`${file}: case ${current.name} has no "${EXPECTED}" line`);
      cases.push({ family, name: current.name, input: `${trimBlankEnd(current.input)}\n`, expected: trimBlankEnd(current.expected) });
    };
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (line === EXPECTED && current) current.expected = [];
      else if (line.startsWith(CASE)) {
        flush();
        current = { name: line.slice(CASE.length).trim(), input: [], expected: null };
      } else if (current) (current.expected ?? current.input).push(line);
    }
    flush();
  }
  return cases;
}

function trimBlankEnd(lines: string[]): string {
  return lines.join('\n').replace(/\n+$/, '');
}

/** Exact match of what the customer added, case by case. */
export function scoreQuoteCases(cases: QuoteCase[]): QuoteScore {
  const misses: QuoteMiss[] = [];
  for (const c of cases) {
    const got = extractNewText(c.input).newText;
    if (got !== c.expected) misses.push({ ...c, got });
  }
  const exact = cases.length - misses.length;
  return { total: cases.length, exact, rate: cases.length === 0 ? 0 : exact / cases.length, misses };
}
