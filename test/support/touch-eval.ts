/**
 * The touch check measured on the fixture set in test/fixtures/touch: recall over the canned items and
 * the share of personal replies flagged, for the part the families were tuned on and the held-out part.
 */
import { readFileSync } from 'node:fs';
import { touchCheck } from '../../core/drafts/touch-check.ts';

interface Item {
  text: string;
  source: string;
  split: 'tune' | 'held-out';
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

/** Whether the touch check marks the text as canned or dismissive anywhere. */
export function flagged(text: string): boolean {
  return touchCheck({ text }).findings.some((f) => f.kind === 'canned-phrase' || f.kind === 'dismissive');
}

export function touchScores(split?: Item['split']): TouchScores {
  const pick = (items: Item[]) => items.filter((i) => !split || i.split === split);
  const canned = pick(fixture('canned'));
  const personal = pick(fixture('personal'));
  const hard = personal.filter((i) => i.hard_negative);
  const flaggedPersonal = personal.filter((i) => flagged(i.text));
  return {
    canned: canned.length,
    recall: canned.filter((i) => flagged(i.text)).length / canned.length,
    personal: personal.length,
    falseAlarms: flaggedPersonal.length / personal.length,
    hardNegatives: hard.length,
    hardNegativesFlagged: flaggedPersonal.filter((i) => i.hard_negative).length,
  };
}
