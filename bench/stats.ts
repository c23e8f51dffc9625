/** Interleaved measurement: every round runs every task for one batch, in a shuffled order. */

export type Task = () => unknown | Promise<unknown>;

export interface Summary {
  /** Median ns per operation across rounds. */
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
  return { median: at(0.5), p25: at(0.25), p75: at(0.75) };
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Runs `rounds` rounds of `batch` operations per task; returns ns/op samples per task. */
export async function interleave(tasks: Record<string, Task>, rounds: number, batch: number): Promise<Record<string, Summary>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
  for (const [, task] of Object.entries(tasks)) for (let i = 0; i < batch; i++) await task(); // warm up
  for (let round = 0; round < rounds; round++) {
    for (const name of shuffled(Object.keys(tasks))) {
      const task = tasks[name];
      const started = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) await task();
      samples[name].push(Number(process.hrtime.bigint() - started) / batch);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values)]));
}
