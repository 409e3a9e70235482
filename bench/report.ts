import os from 'node:os';

/** The p-th percentile (0..100) of the values, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Prints a benchmark's results with the machine they were measured on, ready to paste into docs/benchmarks.md. */
export function report(name: string, lines: string[]): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\n${name} on ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  for (const line of lines) console.log(`  ${line}`);
}
