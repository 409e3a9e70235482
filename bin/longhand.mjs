#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (`npm run build`; `npm install` builds it): starting is parsing, not compiling.
import fs from 'node:fs';

const entry = new URL('../dist/cli/longhand.js', import.meta.url);
if (!fs.existsSync(entry)) {
  process.stderr.write('longhand: Longhand is not built yet: run `npm install` (or `npm run build`) in its folder first.\n');
  process.exit(1);
}
process.setSourceMapsEnabled(true);
const { main } = await import(entry.href);
await main(process.argv);
