#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between a change and running it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/longhand.ts');
await main(process.argv);
