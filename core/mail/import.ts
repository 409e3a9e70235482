import fs from 'node:fs';
import type { Ctx } from '../context.ts';
import { ValidationError } from '../errors.ts';
import { type IntakeInput, IntakePipeline } from '../intake/intake.ts';
import { ourAddresses } from '../mailboxes/mailboxes.ts';
import { whyNotMail } from './mail-check.ts';
import { countMboxMessages, readEmlFolder, readMbox } from './mbox.ts';

export interface ImportOptions {
  mailboxId: number | null;
  /** Imported mail is old mail: threaded and stored, drafted only where still waiting on us recently. */
  historical: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportResult {
  imported: number;
  duplicates: number;
  /** Stored, with warnings saying what could not be read (on each message). */
  withWarnings: number;
  /** Files (or mbox messages) that are not mail, by name, with why. */
  refused: { name: string; reason: string }[];
}

/** A batch of an import: as a folder sync's (see folder-sync.ts). */
const BATCH_MESSAGES = 250;
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Imports an mbox file or a folder of .eml files through the same ingest path as IMAP. What is not mail
 * is refused by name; a ValidationError when nothing at all was mail, or there was nothing to read.
 */
export async function importMail(ctx: Ctx, path: string, options: ImportOptions): Promise<ImportResult> {
  const stat = fs.statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new ValidationError(`${path} does not exist.`, 'path');
  const folder = stat.isDirectory();
  const total = folder ? fs.readdirSync(path).filter((f) => f.toLowerCase().endsWith('.eml')).length : await countMboxMessages(path);
  if (total === 0) throw new ValidationError(folder ? `${path} has no .eml files.` : `${path} holds no messages.`, 'path');
  const sources = folder ? readEmlFolder(path) : mboxSources(path, total);
  const ours = await ourAddresses(ctx);
  const result: ImportResult = { imported: 0, duplicates: 0, withWarnings: 0, refused: [] };
  const pipeline = new IntakePipeline(ctx, ours);
  let done = 0;
  let batch: IntakeInput[] = [];
  let bytes = 0;
  const store = async () => {
    const size = batch.length;
    await pipeline.add(batch, {}, (results) => {
      for (const r of results) {
        result[r.duplicate ? 'duplicates' : 'imported']++;
        if (r.warnings > 0) result.withWarnings++;
      }
      done += size;
      options.onProgress?.(done, total);
    });
    batch = [];
    bytes = 0;
  };
  for await (const { name, source } of sources) {
    const reason = whyNotMail(source);
    if (reason) {
      result.refused.push({ name, reason });
      options.onProgress?.(++done, total);
      continue;
    }
    batch.push({ source, origin: 'import', mailboxId: options.mailboxId, historical: options.historical });
    bytes += source.length;
    if (batch.length >= BATCH_MESSAGES || bytes >= BATCH_BYTES) await store();
  }
  await store();
  await pipeline.drain();
  if (result.imported + result.duplicates === 0) {
    throw new ValidationError(`Nothing imported from ${path}, it is not mail:\n${result.refused.map((r) => `  - ${r.name}: ${r.reason}`).join('\n')}`, 'path', {
      refused: result.refused,
    });
  }
  return result;
}

/** An mbox's messages, named by their place in the file (the file itself when it holds one). */
async function* mboxSources(path: string, total: number): AsyncGenerator<{ name: string; source: Buffer }> {
  let n = 0;
  for await (const source of readMbox(path)) {
    n++;
    yield { name: total === 1 ? path : `${path} message ${n}`, source };
  }
}
