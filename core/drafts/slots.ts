/**
 * Personal slots: the holes a template leaves for a person to fill, written in a draft body as
 * `[[hint]]`. This module is the one definition the rest of the app uses (templates, approval, UI).
 * A hint has no newline and no square brackets and is at most 200 characters; an empty `[[]]` still
 * counts, because it would otherwise reach the customer as a stray placeholder.
 */

export interface Slot {
  /** The hint with surrounding spaces trimmed. */
  hint: string;
  /** Offset of the opening `[[` in the text. */
  start: number;
  /** Offset just after the closing `]]`. */
  end: number;
}

/** One slot; group 1 is the hint. Not global, so `SLOT_PATTERN.test(body)` is safe to share. */
export const SLOT_PATTERN = /\[\[([^[\]\r\n]{0,200})\]\]/;

const ALL_SLOTS = new RegExp(SLOT_PATTERN.source, 'g');

/** Every unfilled slot in the text, in order. */
export function findSlots(text: string): Slot[] {
  // matchAll works on a copy of the regex, so the shared global one keeps no state between calls.
  return Array.from(text.matchAll(ALL_SLOTS), (m) => ({ hint: (m[1] ?? '').trim(), start: m.index, end: m.index + m[0].length }));
}
