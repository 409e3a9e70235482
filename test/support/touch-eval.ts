/**
 * The touch check measured on the fixture set in test/fixtures/touch: recall over the canned items and
 * the share of personal replies flagged, by language and by split: the part the families were tuned on,
 * the part held out from tuning, and the lines collected verbatim after the patterns were frozen ("unseen").
 */
import { readFileSync } from 'node:fs';
import { touchCheck } from '../../core/drafts/touch-check.ts';

export type Split = 'tune' | 'held-out' | 'unseen';

interface Item {
  text: string;
  source: string;
  lang: string;
  split: Split;
  hard_negative?: boolean;
}

export interface TouchScores {
  canned: number;
  recall: number;
  personal: number;
  falseAlarms: number;
  hardNegatives: number;
  hardNegativesFlagged: number;
}

const fixture = (name: string): Item[] => JSON.parse(readFileSync(new URL(`../fixtures/touch/${name}.json`, import.meta.url), 'utf8'));

/** Whether the touch check marks the text, as a draft in `language`, as canned or dismissive anywhere. */
export function flagged(text: string, language = 'en'): boolean {
  return touchCheck({ text, language }).findings.some((f) => f.kind === 'canned-phrase' || f.kind === 'dismissive');
}

/** The canned items the check misses, for looking into. */
export function missed(filter: { split?: Split; lang?: string } = {}): Item[] {
  return fixture('canned').filter((i) => (!filter.split || i.split === filter.split) && (!filter.lang || i.lang === filter.lang) && !flagged(i.text, i.lang));
}

export function touchScores(filter: { split?: Split; lang?: string } = {}): TouchScores {
  const pick = (items: Item[]) => items.filter((i) => (!filter.split || i.split === filter.split) && (!filter.lang || i.lang === filter.lang));
  const canned = pick(fixture('canned'));
  const personal = pick(fixture('personal'));
  const hard = personal.filter((i) => i.hard_negative);
  const flaggedPersonal = personal.filter((i) => flagged(i.text, i.lang));
  return {
    canned: canned.length,
    recall: canned.length ? canned.filter((i) => flagged(i.text, i.lang)).length / canned.length : Number.NaN,
    personal: personal.length,
    falseAlarms: personal.length ? flaggedPersonal.length / personal.length : Number.NaN,
    hardNegatives: hard.length,
    hardNegativesFlagged: flaggedPersonal.filter((i) => i.hard_negative).length,
  };
}
