/** A worker thread of the prepare pool (preparer.ts): prepares a share of a batch. */
import { type Prepared, type PrepareRules, type PrepareTask, prepareMessage } from './prepare.ts';

export default async function prepareShare({ tasks, rules }: { tasks: PrepareTask[]; rules: PrepareRules }): Promise<Prepared[]> {
  const out: Prepared[] = [];
  for (const task of tasks) out.push(await prepareMessage(task, rules));
  return out;
}
