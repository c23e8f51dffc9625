/**
 * Runs `npm start`'s program (lib/local/start.ts) as a child process on free ports in a temp
 * directory, the way a user runs it, and stops it again. Never leaves a process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '../..');
/**
 * How the package scripts run TypeScript: `node --import tsx` (one process). tsx's own CLI would put a
 * signal relay in between that SIGKILLs a child not confirming a signal within ≈ 30 ms — on a loaded
 * machine, in the middle of a graceful shutdown.
 */
export const RUN_TS = ['--import', 'tsx'];
const START_TIMEOUT_MS = 40_000;

/**
 * The kernel hands out ports from its ephemeral range both to `listen(0)` and to every outgoing
 * connection, so a port found free there and handed to a child can be taken, before the child binds
 * it, by any connection another test worker opens. Ports below that range are only ever taken on
 * purpose: pick one there at random (workers pick independently) and check it is free.
 */
const EPHEMERAL_LOW = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
})();
const PICK_LOW = 20_000;

function canListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50 && EPHEMERAL_LOW > PICK_LOW + 1_000; attempt++) {
    const port = await canListen(PICK_LOW + randomInt(EPHEMERAL_LOW - PICK_LOW));
    if (port) return port;
  }
  const port = await canListen(0);
  if (!port) throw new Error('no free port on 127.0.0.1');
  return port;
}

export interface LocalProcess {
  readonly dir: string;
  readonly apiPort: number;
  readonly cognitoPort: number;
  readonly dynamodbPort: number;
  readonly apiUrl: string;
  /** Outputs merged across stacks. */
  readonly outputs: Record<string, string>;
  readonly stdout: () => string;
  /**
   * Resolves with stdout once `done(stdout)` holds; rejects after `limitMs`. Log lines travel through a
   * pipe, so one may arrive after the HTTP answer that caused it: wait for it rather than read at once.
   */
  untilStdout(done: (stdout: string) => boolean, limitMs?: number): Promise<string>;
  /** SIGTERM, then resolves with how long the process took to exit. */
  stop(): Promise<{ exitCode: number | null; ms: number }>;
  /** Ctrl-C in a terminal: SIGINT to the whole process group; resolves when it has exited. */
  interrupt(): Promise<{ exitCode: number | null }>;
  /** SIGKILL to the whole process group (no shutdown code runs); resolves when it is gone. */
  kill(): Promise<void>;
  /**
   * A signal to the process that was started alone (with `viaNpm`: npm itself, as a supervisor or a
   * script stopping `npm start` by its pid would), then up to `graceMs` for the whole group to be gone.
   */
  signalLeader(signal: NodeJS.Signals, graceMs?: number): Promise<LeaderExit>;
}

/** How `signalLeader` ended: enough to tell where a lost signal went. */
export interface LeaderExit {
  /** The leader's exit code; null if a signal killed it or it was still running after the grace time. */
  readonly exitCode: number | null;
  /** The signal that killed the leader, if one did. */
  readonly exitSignal: NodeJS.Signals | null;
  /** `pid state command` of every process of the group still there after the grace time (killed afterwards). */
  readonly survivors: string[];
}

export interface StartOptions {
  dir?: string;
  apiPort?: number;
  cognitoPort?: number;
  dynamodbPort?: number;
  env?: Record<string, string>;
  /** Start it as users do, `npm start`, rather than the program directly. */
  viaNpm?: boolean;
}

const running = new Set<ChildProcess>();
/** The child leads its own process group, so the emulator it spawns goes down with it. */
const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
};
process.on('exit', () => running.forEach((child) => killGroup(child, 'SIGKILL')));

/** `pid state command` of every process in process group `pgid` (read from /proc). */
export function groupMembers(pgid: number): string[] {
  const members: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (Number(fields[2]) !== pgid) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      members.push(`${entry} ${fields[0]} ${command}`);
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

/**
 * Resolves true once no process of the child's group is left (so its ports and files are free again),
 * false if some are still there after `limitMs`.
 */
async function groupGone(child: ChildProcess, limitMs = Infinity): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      process.kill(-child.pid!, 0);
    } catch {
      return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Starts the local system; a port this helper picked that something else took before the system
 * bound it (see `freePort`) is picked again, up to three tries. A port the caller gave is never retried.
 */
export async function startLocalProcess(options: StartOptions = {}): Promise<LocalProcess> {
  for (let attempt = 1; ; attempt++) {
    const picked = {
      apiPort: options.apiPort ?? (await freePort()),
      cognitoPort: options.cognitoPort ?? (await freePort()),
      dynamodbPort: options.dynamodbPort ?? (await freePort()),
    };
    try {
      return await startOnce({ ...options, ...picked });
    } catch (error) {
      const taken = /Port (\d+) is already in use/.exec(String(error))?.[1];
      const given = [options.apiPort, options.cognitoPort, options.dynamodbPort];
      if (attempt >= 3 || !taken || given.includes(Number(taken))) throw error;
    }
  }
}

async function startOnce(
  options: StartOptions & { apiPort: number; cognitoPort: number; dynamodbPort: number },
): Promise<LocalProcess> {
  const { apiPort, cognitoPort, dynamodbPort } = options;
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'local-system-'));
  const [command, args] = options.viaNpm ? ['npm', ['start']] : [process.execPath, [...RUN_TS, 'lib/local/start.ts']];
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      API_PORT: String(apiPort),
      COGNITO_PORT: String(cognitoPort),
      DYNAMODB_PORT: String(dynamodbPort),
      LOCAL_DIR: dir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`local system did not start in time:\n${stdout}\n${stderr}`)),
      START_TIMEOUT_MS,
    );
    const check = (): void => {
      if (stdout.includes('Local system is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`local system exited with ${code}: ${stderr.trim()}`));
    });
  });

  const byStack = JSON.parse(readFileSync(path.join(dir, 'outputs.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  const outputs = Object.assign({}, ...Object.values(byStack)) as Record<string, string>;
  return {
    dir,
    apiPort,
    cognitoPort,
    dynamodbPort,
    apiUrl: outputs.ApiUrl,
    outputs,
    stdout: () => stdout,
    untilStdout(done, limitMs = 10_000) {
      return new Promise((resolve, reject) => {
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          child.stdout.off('data', check);
          if (error) reject(error);
          else resolve(stdout);
        };
        const check = (): void => {
          if (done(stdout)) finish();
        };
        const timer = setTimeout(
          () => finish(new Error(`expected output did not appear within ${limitMs} ms:\n${stdout.slice(-2000)}`)),
          limitMs,
        );
        child.stdout.on('data', check);
        check();
      });
    },
    async stop() {
      const started = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const exitCode = await exited;
      killGroup(child, 'SIGKILL'); // anything the system failed to stop
      return { exitCode, ms: Date.now() - started };
    },
    async interrupt() {
      killGroup(child, 'SIGINT');
      const exitCode = await exited;
      killGroup(child, 'SIGKILL');
      await groupGone(child);
      return { exitCode };
    },
    async kill() {
      killGroup(child, 'SIGKILL');
      await exited;
      await groupGone(child);
    },
    async signalLeader(signal, graceMs = 10_000) {
      child.kill(signal);
      const started = Date.now();
      const exitCode = await Promise.race([
        exited,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), graceMs).unref()),
      ]);
      const gone = await groupGone(child, Math.max(0, graceMs - (Date.now() - started)));
      const survivors = gone ? [] : groupMembers(child.pid!);
      killGroup(child, 'SIGKILL');
      await groupGone(child);
      return { exitCode, exitSignal: child.signalCode, survivors };
    },
  };
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const SCRIPT_TIMEOUT_MS = 30_000;

export interface RunningScript {
  readonly child: ChildProcess;
  /** What it wrote to stdout so far. */
  readonly stdout: () => string;
  /** Resolves when it has exited (killed after 30 s). */
  readonly result: Promise<CliResult>;
}

/**
 * Starts one of the project's TypeScript programs (e.g. `lib/cli/main.ts`) in a child process, the
 * way `npm run` does. Asynchronous: the test's event loop keeps running (servers in this process
 * answer, sockets are looked after).
 */
export function spawnScript(entry: string, args: string[], env: Record<string, string>): RunningScript {
  const child = spawn(process.execPath, [...RUN_TS, entry, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const result = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), SCRIPT_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, result };
}

/** Runs a command of the CLI (`npm run cli -- ...`) to completion in a child process. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return spawnScript('lib/cli/main.ts', args, env).result;
}
