import fs from 'node:fs';
import path from 'node:path';

/**
 * The data folder holds the whole database and the secret key: only its owner may read it. Makes it 0700
 * and everything in it 0700 (folders) or 0600 (files); returns what it could not fix, for a warning.
 */
export function restrictDataFolder(dir: string): string[] {
  const problems: string[] = [];
  const fix = (p: string, mode: number) => {
    try {
      if ((fs.statSync(p).mode & 0o777) !== mode) fs.chmodSync(p, mode);
    } catch (err) {
      problems.push(`${p}: ${(err as Error).message}`);
    }
  };
  const walk = (d: string) => {
    fix(d, 0o700);
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) fix(p, 0o600);
    }
  };
  walk(dir);
  return problems;
}
