/**
 * npm run bench:touch [-- --runs 5000]
 *
 * The touch check runs on every keystroke pause in the editor, so it must cost next to nothing. In one
 * run: (a) the floor, the least any check must do: lower-case the draft once and look for each canned
 * phrase in it; (b) the whole touch check on the same 2,000-character draft (phrases with positions,
 * slots, greeting, their points, own words against the template, length, the score with its parts);
 * (c) how well it tells canned from personal on the fixture set in test/fixtures/touch, by language and by split.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CANNED_PHRASES } from '../core/drafts/canned-phrases.ts';
import { touchCheck } from '../core/drafts/touch-check.ts';
import { type TouchScores, touchScores } from '../test/support/touch-eval.ts';
import { percentile, report } from './report.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5000' } } });
const RUNS = Number(values.runs);

const customerText = 'Hi, my cast-iron pan arrived with a crack in the handle. Can I get a replacement before Friday? We cook for forty people on Saturdays. Anna';
const paragraphs = [
  'Hi Anna,',
  "I'm so sorry the pan arrived with that crack in the handle; it was our packing, not you.",
  'A replacement went out this morning by express, so it reaches you on Thursday, well before Friday.',
  'Thank you for reaching out. We apologize for any inconvenience. Please do not hesitate to contact us.',
  'Forty covers on a Saturday is a lot of pans on the go: the 32 cm one might suit you too.',
];
let draft = '';
for (let i = 0; draft.length < 2_000; i++) draft += `${paragraphs[i % paragraphs.length]}\n\n`;
draft = draft.slice(0, 2_000);
const template = 'Hi {{first name}},\n\n[[a line that shows you read what they wrote]]\n\n[[the answer to what they asked]]\n';
const input = { text: draft, templateText: template, customer: { firstName: 'Anna' }, customerText, usualLength: 800 };

function time(fn: () => unknown): number[] {
  for (let i = 0; i < 200; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    fn();
    out.push(performance.now() - start);
  }
  return out;
}

const floor = time(() => {
  const lower = draft.toLowerCase();
  return DEFAULT_CANNED_PHRASES.filter((p) => lower.includes(p.phrase)).length;
});
const check = time(() => touchCheck(input));
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const ratio = percentile(check, 50) / percentile(floor, 50);
const result = touchCheck(input);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const LANGUAGES = ['en', 'de', 'fr', 'es'];
const quality = (name: string, s: TouchScores) =>
  `(c) ${name}: recall ${pct(s.recall)} of ${s.canned} canned items; ${s.personal ? `${pct(s.falseAlarms)} of ${s.personal} personal replies flagged (${s.hardNegativesFlagged} of ${s.hardNegatives} hard negatives)` : 'no personal replies'}`;
report('bench:touch', [
  `draft of ${draft.length} characters, ${DEFAULT_CANNED_PHRASES.length} canned phrases, ${RUNS} runs each after 200 warm-up runs`,
  `(a) floor, lower-case once and look for each phrase: median ${us(percentile(floor, 50))}, p95 ${us(percentile(floor, 95))}`,
  `(b) touch check (score ${result.score}, ${result.findings.length} findings): median ${us(percentile(check, 50))}, p95 ${us(percentile(check, 95))}`,
  `ratio (b)/(a): ${ratio.toFixed(1)}x the floor`,
  quality('all', touchScores()),
  ...LANGUAGES.map((lang) => quality(lang, touchScores({ lang }))),
  quality('tuned on', touchScores({ split: 'tune' })),
  quality('held out (variants, kept from tuning)', touchScores({ split: 'held-out' })),
  quality('unseen (verbatim, collected after the patterns were frozen)', touchScores({ split: 'unseen' })),
  ...LANGUAGES.map((lang) => quality(`unseen, ${lang}`, touchScores({ split: 'unseen', lang }))),
]);
