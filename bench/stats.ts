/**
 * Interleaved measurement: every round runs every task for one batch, in a shuffled order, so all
 * tasks share the machine's drift. Ratios are taken per round (task ÷ reference of the same round)
 * and then summarized, which cancels most of the slow swings of a noisy machine.
 */

export type Task = () => unknown;

export interface Summary {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('bench: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
  return { median: at(0.5), p25: at(0.25), p75: at(0.75), min: sorted[0], max: sorted[sorted.length - 1] };
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** ns per operation of each task, one sample per round. */
export type RoundSamples<Name extends string> = Record<Name, number[]>;

export interface InterleavedSamples<Name extends string> {
  /** Wall time: the measure. */
  readonly wall: RoundSamples<Name>;
  /**
   * Process CPU time (user + system, all threads, so GC and compiler threads count) over the same
   * batches: a check on the wall times, not a replacement. When the two ratios disagree, the machine
   * took the CPU away mid-batch (another process), and the wall ratios of that run are noise.
   */
  readonly cpu: RoundSamples<Name>;
}

export interface InterleaveOptions {
  readonly rounds: number;
  /** Operations per task per round. */
  readonly batch: number;
  /**
   * Untimed rounds before the first timed one, until both counts are reached: JIT tiers, caches and
   * the garbage of the set-up settle (on the benchmark machine the first second runs up to 2× slower).
   */
  readonly warmup?: { readonly rounds: number; readonly ms: number };
}

/**
 * Runs the tasks in interleaved rounds. A task may return a promise (awaited before the next
 * call) or a plain value (no await, so synchronous tasks pay no microtask per call).
 */
export async function interleave<Name extends string>(
  tasks: Record<Name, Task>,
  options: InterleaveOptions,
): Promise<InterleavedSamples<Name>> {
  const names = Object.keys(tasks) as Name[];
  const empty = () => Object.fromEntries(names.map((name) => [name, [] as number[]])) as RoundSamples<Name>;
  const samples = { wall: empty(), cpu: empty() };
  const runBatch = async (task: Task): Promise<void> => {
    for (let i = 0; i < options.batch; i++) {
      const result = task();
      if (result instanceof Promise) await result;
    }
  };
  const warmup = options.warmup ?? { rounds: 1, ms: 0 };
  const warmupStarted = Date.now();
  for (let round = 0; round < warmup.rounds || Date.now() - warmupStarted < warmup.ms; round++) {
    for (const name of names) await runBatch(tasks[name]);
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const name of shuffled(names)) {
      const cpuStarted = process.cpuUsage();
      const started = process.hrtime.bigint();
      await runBatch(tasks[name]);
      samples.wall[name].push(Number(process.hrtime.bigint() - started) / options.batch);
      const cpu = process.cpuUsage(cpuStarted);
      samples.cpu[name].push(((cpu.user + cpu.system) * 1000) / options.batch);
    }
  }
  return samples;
}

/** Summary of per-round ratios `numerator[r] / denominator[r]`. */
export function pairedRatio(numerator: readonly number[], denominator: readonly number[]): Summary {
  if (numerator.length !== denominator.length) throw new Error('bench: ratio of unpaired samples');
  return summarize(numerator.map((value, round) => value / denominator[round]));
}

/** Summary of per-round differences `minuend[r] - subtrahend[r]` (what one task adds to another). */
export function pairedDifference(minuend: readonly number[], subtrahend: readonly number[]): Summary {
  if (minuend.length !== subtrahend.length) throw new Error('bench: difference of unpaired samples');
  return summarize(minuend.map((value, round) => value - subtrahend[round]));
}
