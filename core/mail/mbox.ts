/**
 * Streaming readers for mail exports: mbox files (mboxo and mboxrd) and folders of .eml files.
 * Memory stays flat: one read buffer plus the message being assembled, whatever the file size.
 */
import fs from 'node:fs';
import path from 'node:path';

const LF = 0x0a;
const CR = 0x0d;
const FROM_ = Buffer.from('From ');
/** An envelope line as mbox writers produce it: "From sender Mon Nov  3 10:02:00 2026" (Thunderbird: "From - …"). */
const ENVELOPE = /^From \S+ +(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? +)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} /;

/**
 * Splits an mbox byte stream into messages. A line starting with "From " separates messages when it
 * is the first line of the file, follows an empty line, or looks like an envelope line; other
 * "From " lines are body text. ">From " (any number of ">") loses one ">" (mboxrd; for mboxo this
 * restores the escaped lines too). The separator line is dropped, and so is the empty line the
 * format puts before the next separator; line endings are kept as they are in the file.
 */
class MboxSplitter {
  /** Pieces of a line split across read chunks. */
  private pending: Buffer[] = [];
  /** Lines of the message being assembled (only when collecting). */
  private parts: Buffer[] = [];
  private open = false;
  private hasContent = false;
  private previousBlank = true;
  private atStart = true;
  /** Finished messages, waiting to be taken. */
  readonly done: Buffer[] = [];
  count = 0;

  constructor(private readonly collect: boolean) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl + 1);
      if (this.pending.length) {
        this.pending.push(piece);
        this.line(Buffer.concat(this.pending));
        this.pending = [];
      } else this.line(piece);
      start = nl + 1;
    }
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
  }

  end(): void {
    if (this.pending.length) {
      this.line(Buffer.concat(this.pending));
      this.pending = [];
    }
    this.close();
  }

  private line(line: Buffer): void {
    const blank = isBlank(line);
    if (startsWith(line, FROM_) && (this.atStart || this.previousBlank || ENVELOPE.test(line.subarray(0, 200).toString('latin1')))) {
      this.close();
      this.open = true;
    } else if (this.open || !blank) {
      // text before the first separator is a message of its own (a lone .eml given as mbox)
      this.open = true;
      if (!blank) this.hasContent = true;
      if (this.collect) this.parts.push(unescapeFrom(line));
    }
    this.atStart = false;
    this.previousBlank = blank;
  }

  /** Ends the message being assembled; one without any text is dropped. */
  private close(): void {
    if (this.open && this.hasContent) {
      this.count++;
      if (this.collect) {
        const parts = this.parts;
        // the empty line before the next separator (or at the end of the file) belongs to the format
        if (parts.length && isBlank(parts[parts.length - 1]!)) parts.pop();
        this.done.push(Buffer.concat(parts));
      }
    }
    this.parts = [];
    this.open = false;
    this.hasContent = false;
  }
}

function isBlank(line: Buffer): boolean {
  return line.length === 0 || (line.length === 1 && line[0] === LF) || (line.length === 2 && line[0] === CR && line[1] === LF);
}

function startsWith(line: Buffer, prefix: Buffer): boolean {
  return line.length >= prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/** ">From ", ">>From " … lose one ">". */
function unescapeFrom(line: Buffer): Buffer {
  if (line[0] !== 0x3e) return line;
  let i = 0;
  while (line[i] === 0x3e) i++;
  return startsWith(line.subarray(i), FROM_) ? line.subarray(1) : line;
}

/** Every message of an mbox file, one at a time, as raw bytes. */
export async function* readMbox(file: string): AsyncGenerator<Buffer> {
  const splitter = new MboxSplitter(true);
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 256 * 1024 })) {
    splitter.push(chunk as Buffer);
    while (splitter.done.length) yield splitter.done.shift()!;
  }
  splitter.end();
  while (splitter.done.length) yield splitter.done.shift()!;
}

/** How many messages readMbox will yield, reading the file once without keeping messages. */
export async function countMboxMessages(file: string): Promise<number> {
  const splitter = new MboxSplitter(false);
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 256 * 1024 })) splitter.push(chunk as Buffer);
  splitter.end();
  return splitter.count;
}

/** The .eml files of a folder, sorted by name (numbers in names in numeric order), read one at a time. */
export async function* readEmlFolder(dir: string): AsyncGenerator<{ name: string; source: Buffer }> {
  const entries = await fs.promises.readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.name.toLowerCase().endsWith('.eml') && (e.isFile() || e.isSymbolicLink()))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const full = path.join(dir, name);
    const stat = await fs.promises.stat(full).catch(() => null);
    if (!stat?.isFile()) continue;
    yield { name, source: await fs.promises.readFile(full) };
  }
}
