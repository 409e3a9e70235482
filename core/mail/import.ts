import fs from 'node:fs';
import type { Ctx } from '../context.ts';
import { ValidationError } from '../errors.ts';
import { ourAddresses } from '../mailboxes/mailboxes.ts';
import { ingestMessage } from './ingest.ts';
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
  withWarnings: number;
}

/** Imports an mbox file or a folder of .eml files through the same ingest path as IMAP. */
export async function importMail(ctx: Ctx, path: string, options: ImportOptions): Promise<ImportResult> {
  const stat = fs.statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new ValidationError(`${path} does not exist.`, 'path');
  const sources = stat.isDirectory() ? emlSources(path) : readMbox(path);
  const total = stat.isDirectory() ? fs.readdirSync(path).filter((f) => f.endsWith('.eml')).length : await countMboxMessages(path);
  const ours = await ourAddresses(ctx);
  const result: ImportResult = { imported: 0, duplicates: 0, withWarnings: 0 };
  let done = 0;
  for await (const source of sources) {
    const r = await ingestMessage(ctx, { source, origin: 'import', mailboxId: options.mailboxId, historical: options.historical }, ours);
    if (r.duplicate) result.duplicates++;
    else result.imported++;
    options.onProgress?.(++done, total);
  }
  return result;
}

async function* emlSources(path: string): AsyncGenerator<Buffer> {
  for await (const { source } of readEmlFolder(path)) yield source;
}
