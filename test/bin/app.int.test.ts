/**
 * bin/app.ts as the CDK CLI runs it (`cdk synth` starts it with the context in CDK_CONTEXT_JSON and
 * the output directory in CDK_OUTDIR): a configuration problem is one line on stderr and exit code 1.
 * (A successful synth is test/lib/app.test.ts's, in process: a child doing it costs ~15 s of CPU.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnScript } from '../support/local-process';
import { PROD_CONTEXT } from '../support/cdk';

jest.setTimeout(60_000);

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function synth(context: Record<string, unknown>) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'synth-'));
  dirs.push(outdir);
  const env = { CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir };
  return spawnScript('bin/app.ts', [], env).result;
}

it.each([
  [
    'prod without its URLs',
    { stage: 'prod' },
    /^cdk: Context "callbackUrls" is required for stage "prod": .*; Context "allowedOrigins" is required/,
  ],
  [
    'a reserved word in the domain prefix',
    { ...PROD_CONTEXT, domainPrefix: 'my-cognito-app' },
    /^cdk: Context "domainPrefix" \("my-cognito-app"\) must not contain the reserved word "cognito"/,
  ],
])('fails with one line on stderr and exit code 1: %s', async (_name, context, message) => {
  const result = await synth(context);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stdout).toBe('');
});
