/** The authorizer bundle as deployed (the CDK construct's esbuild options), and its load cost. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync, type BuildOptions } from 'esbuild';
import { AUTHORIZER_BUNDLING, LAMBDA_BUNDLING } from '../../lib/config/bundling';
import { accessToken, makeSigningKey, startJwksServer } from '../../test/support/token-factory';
import { summarize, type Summary } from '../stats';

export const PROJECT_ROOT = path.resolve(__dirname, '../..');
export const AUTHORIZER_ENTRY = path.join(PROJECT_ROOT, 'lambda/authorizer/index.ts');
export const AWS_JWT_VERIFY_ONLY_ENTRY = path.join(PROJECT_ROOT, 'bench/fixtures/aws-jwt-verify-only.ts');

/** The environment the authorizer reads at load (lib/config/runtime-env.ts), with AWS-shaped values. */
export const AUTHORIZER_ENV = {
  APP_STAGE: 'dev',
  AWS_REGION: 'us-east-1',
  USER_POOL_ID: 'us-east-1_Bench',
  USER_POOL_CLIENT_ID: 'bench-client-id',
} as const;

type BundlingOptions = typeof LAMBDA_BUNDLING & { readonly esbuildArgs?: Record<string, string | boolean | string[]> };

export interface Bundle {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * CDK's `esbuildArgs` in esbuild's API form. Only what lib/config/bundling.ts uses is understood;
 * anything else fails, so the benchmark cannot silently build something other than what is deployed.
 */
function esbuildArgsAsOptions(args: BundlingOptions['esbuildArgs']): Pick<BuildOptions, 'alias'> {
  const options: Pick<BuildOptions, 'alias'> = {};
  for (const [flag, value] of Object.entries(args ?? {})) {
    if (flag !== '--alias') throw new Error(`bench: esbuild argument ${flag} is not mirrored by the benchmark`);
    const entries = (Array.isArray(value) ? value : [String(value)]).map((entry) => entry.split('=', 2) as [string, string]);
    options.alias = { ...options.alias, ...Object.fromEntries(entries) };
  }
  return options;
}

/** Bundles like NodejsFunction does (everything but the runtime's AWS SDK), minus the source map file. */
export function buildBundle(entry: string, bundling: BundlingOptions = AUTHORIZER_BUNDLING): Bundle {
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
    external: ['@aws-sdk/*'],
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

export interface BundleCheck {
  /** The bundle allowed a valid token on an allowed route, fetching the JWKS over loopback. */
  readonly authorizes: boolean;
  /** Builtins loaded by requiring the bundle that it should not need at load (`https`, `tls`, `net`). */
  readonly networkModulesAtLoad: string[];
}

/**
 * Runs the bundle once in a fresh Node: require it (recording which network modules that loads),
 * then authorize a real token against a JWKS served on 127.0.0.1 (the local-only issuer override).
 * Guards the aliases in lib/config/bundling.ts: a bundle that loads but cannot verify fails the run.
 */
export async function checkBundle(bundleFile: string): Promise<BundleCheck> {
  const key = makeSigningKey('bundle-check');
  const jwks = await startJwksServer([key]);
  const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:check/v1/GET/api/profile';
  // The result goes to fd 3, apart from the decision line the handler writes to stdout.
  const script = `
    const before = new Set(process.moduleLoadList);
    const { handler } = require(${JSON.stringify(bundleFile)});
    const loaded = process.moduleLoadList.filter((m) => !before.has(m) && /^NativeModule (https|tls|net)$/.test(m)).map((m) => m.split(' ')[1]);
    handler({ type: 'TOKEN', authorizationToken: 'Bearer ' + process.env.CHECK_TOKEN, methodArn: ${JSON.stringify(methodArn)} })
      .then((answer) => answer.policyDocument.Statement.some((s) => s.Effect === 'Allow'), () => false)
      .then((authorizes) => require('fs').writeSync(3, JSON.stringify({ authorizes, networkModulesAtLoad: loaded })));`;
  try {
    const token = accessToken({ issuer: jwks.issuer, clientId: AUTHORIZER_ENV.USER_POOL_CLIENT_ID, key, groups: ['user-group'] });
    const env = { ...process.env, ...AUTHORIZER_ENV, JWT_ISSUER: jwks.issuer, JWKS_URI: jwks.jwksUri, CHECK_TOKEN: token };
    const child = spawn(process.execPath, ['-e', script], { env, stdio: ['ignore', 'ignore', 'inherit', 'pipe'], timeout: 20_000 });
    let output = '';
    child.stdio[3]?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (exitCode !== 0 || output === '') throw new Error(`bench: the bundle check exited with ${exitCode}`);
    return JSON.parse(output) as BundleCheck;
  } finally {
    await jwks.close();
  }
}
