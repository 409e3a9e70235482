import { defineConfig } from 'vitest/config';

// Unit tests of pure logic: no servers, no global setup, seconds to run.
export default defineConfig({ test: { include: ['test/unit/**/*.test.ts'] } });
