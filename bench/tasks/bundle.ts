/** The authorizer bundle as deployed (same esbuild options as the CDK construct), and its load cost. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { LAMBDA_BUNDLING } from '../../lib/config/bundling';
import { summarize, type Summary } from '../stats';

export const AUTHORIZER_ENTRY = path.resolve(__dirname, '../../lambda/authorizer/index.ts');
export const AWS_JWT_VERIFY_ONLY_ENTRY = path.resolve(__dirname, '../fixtures/aws-jwt-verify-only.ts');

export function buildBundle(entry: string): { file: string; bytes: number; gzipBytes: number } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'lambda-bundle-')), 'index.js');
  buildSync({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    minify: LAMBDA_BUNDLING.minify,
    keepNames: LAMBDA_BUNDLING.keepNames,
    target: LAMBDA_BUNDLING.target,
    format: LAMBDA_BUNDLING.format,
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  const code = readFileSync(file);
  return { file, bytes: code.length, gzipBytes: gzipSync(code).length };
}

/** Median of (fresh `node` requiring the bundle) − (fresh empty `node`), interleaved. */
export function measureColdInit(bundleFile: string, runs: number): { addedMs: number; withBundle: Summary; empty: Summary } {
  const env = { ...process.env, APP_STAGE: 'dev', AWS_REGION: 'us-east-1', USER_POOL_ID: 'us-east-1_Bench', USER_POOL_CLIENT_ID: 'bench-client' };
  const time = (script: string): number => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['-e', script], { env, stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`node -e ${script} failed`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const loadScript = `const h = require(${JSON.stringify(bundleFile)}).handler; if (typeof h !== 'function') process.exit(1);`;
  const withBundle: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      withBundle.push(time(loadScript));
      empty.push(time(''));
    } else {
      empty.push(time(''));
      withBundle.push(time(loadScript));
    }
  }
  const deltas = withBundle.map((ms, i) => ms - empty[i]);
  return { addedMs: summarize(deltas).median, withBundle: summarize(withBundle), empty: summarize(empty) };
}
