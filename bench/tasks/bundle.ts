/** The authorizer bundle as deployed (the CDK construct's esbuild options), and its load cost. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync, type BuildOptions } from 'esbuild';
import { AUTHORIZER_BUNDLING, type FunctionBundling } from '../../lib/config/bundling';
import { AUTHORIZER_ENV } from '../../fixtures/bundle-check';
import { summarize, type Summary } from '../stats';

export const PROJECT_ROOT = path.resolve(__dirname, '../..');
export const AUTHORIZER_ENTRY = path.join(PROJECT_ROOT, 'lambda/authorizer/index.ts');
export const AWS_JWT_VERIFY_ONLY_ENTRY = path.join(PROJECT_ROOT, 'bench/fixtures/aws-jwt-verify-only.ts');

export interface Bundle {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * CDK's `esbuildArgs` in esbuild's API form. Only what lib/config/bundling.ts uses is understood;
 * anything else fails, so the benchmark cannot silently build something other than what is deployed.
 */
function esbuildArgsAsOptions(args: FunctionBundling['esbuildArgs']): Pick<BuildOptions, 'alias'> {
  const options: Pick<BuildOptions, 'alias'> = {};
  for (const [flag, value] of Object.entries(args ?? {})) {
    if (flag !== '--alias') throw new Error(`bench: esbuild argument ${flag} is not mirrored by the benchmark`);
    const entries = (Array.isArray(value) ? value : [String(value)]).map((entry) => entry.split('=', 2) as [string, string]);
    options.alias = { ...options.alias, ...Object.fromEntries(entries) };
  }
  return options;
}

/** Bundles like NodejsFunction does (everything but the function's `externalModules`), minus the source map file. */
export function buildBundle(entry: string, bundling: FunctionBundling = AUTHORIZER_BUNDLING): Bundle {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'lambda-bundle-')), 'index.js');
  buildSync({
    entryPoints: [entry],
    outfile: file,
    absWorkingDir: PROJECT_ROOT, // NodejsFunction runs esbuild in the project root too
    bundle: true,
    platform: 'node',
    minify: bundling.minify,
    keepNames: bundling.keepNames,
    target: bundling.target,
    format: bundling.format,
    external: bundling.externalModules,
    ...esbuildArgsAsOptions(bundling.esbuildArgs),
    logLevel: 'silent',
  });
  const code = readFileSync(file);
  return { file, bytes: code.length, gzipBytes: gzipSync(code).length };
}

export interface ColdInit {
  /** Median of (node requiring the bundle) − (empty node) over paired runs, ms. */
  readonly addedMs: number;
  readonly addedP25Ms: number;
  readonly addedP75Ms: number;
  /** The `require` alone, timed inside the child: the same cost without process start-up noise. */
  readonly requireMs: Summary;
  readonly withBundle: Summary;
  readonly empty: Summary;
  /** Whether each round's runs were pinned to one CPU. */
  readonly pinned: boolean;
}

/** CPU ids to pin child processes to, one per round in turn; none when `taskset` is unavailable. */
function pinnableCpus(): number[] {
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? cpus().map((_, index) => index) : [];
}

/**
 * Added start-up time of fresh `node` processes that require each bundle, against an empty
 * `node -e ""`. All bundles and the empty run are interleaved (order rotated per round), so they
 * share the machine's drift; each run's cost is paired with the empty run of its own round.
 * The runs of one round are pinned to one CPU (the next CPU each round): on the benchmark machine
 * one vCPU starts Node ≈ 40 % slower than the other, and a pair split across them measures that.
 */
export function measureColdInit(bundleFiles: readonly string[], runs: number): ColdInit[] {
  const env = { ...process.env, ...AUTHORIZER_ENV };
  const cpuIds = pinnableCpus();
  let cpu: number | undefined;
  const run = (script: string): { wallMs: number; output: string } => {
    const [command, args] =
      cpu === undefined ? [process.execPath, ['-e', script]] : ['taskset', ['-c', String(cpu), process.execPath, '-e', script]];
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { env, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`bench: node -e ${JSON.stringify(script)} exited with ${result.status}`);
    return { wallMs, output: result.stdout };
  };
  const loadScript = (file: string) =>
    `const t = process.hrtime.bigint(); const h = require(${JSON.stringify(file)}).handler; ` +
    // fs.writeSync to fd 1: process.stdout on a pipe would load `net` and add ≈ 9 ms to every run.
    `const ms = Number(process.hrtime.bigint() - t) / 1e6; if (typeof h !== 'function') process.exit(1); require('fs').writeSync(1, String(ms));`;
  const scripts = ['', ...bundleFiles.map(loadScript)];
  const wall = scripts.map(() => [] as number[]);
  const required = scripts.map(() => [] as number[]);
  for (let round = 0; round < runs; round++) {
    cpu = cpuIds.length > 0 ? cpuIds[round % cpuIds.length] : undefined;
    for (let k = 0; k < scripts.length; k++) {
      const index = (k + round) % scripts.length;
      const { wallMs, output } = run(scripts[index]);
      wall[index].push(wallMs);
      if (index > 0) required[index].push(Number(output));
    }
  }
  const [empty, ...loaded] = wall;
  return loaded.map((withBundle, i) => {
    const added = summarize(withBundle.map((ms, round) => ms - empty[round]));
    return {
      addedMs: added.median,
      addedP25Ms: added.p25,
      addedP75Ms: added.p75,
      requireMs: summarize(required[i + 1]),
      withBundle: summarize(withBundle),
      empty: summarize(empty),
      pinned: cpuIds.length > 0,
    };
  });
}
