/**
 * `npm run bench [-- --json] [--with-synth] [--with-tests] [--quick]`
 * Side-by-side measurements in one run; ratios are to the RS256 floor measured in the same run.
 */
import { execSync } from 'node:child_process';
import { cpus } from 'node:os';
import { AUTHORIZER_ENTRY, AWS_JWT_VERIFY_ONLY_ENTRY, buildBundle, measureColdInit } from './tasks/bundle';
import { measureGateway } from './tasks/gateway';
import { measureVerification } from './tasks/verification';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const log = (line: string) => {
  if (!args.has('--json')) process.stdout.write(`${line}\n`);
};

function timed(command: string): number {
  const started = Date.now();
  execSync(command, { stdio: 'ignore', env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });
  return (Date.now() - started) / 1000;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  log('Measuring verification (interleaved rounds)…');
  const verification = await measureVerification({ tokens: 4000, rounds: quick ? 5 : 21, batch: quick ? 100 : 400 });
  const floor = verification.floor.median;
  const ratio = (name: keyof typeof verification) => round(verification[name].median / floor);

  log('Building the authorizer bundle and measuring cold load…');
  const bundle = buildBundle(AUTHORIZER_ENTRY);
  const cold = measureColdInit(bundle.file, quick ? 10 : 40);
  const coldBaseline = measureColdInit(buildBundle(AWS_JWT_VERIFY_ONLY_ENTRY).file, quick ? 10 : 40);

  log('Measuring the local gateway (autocannon, 127.0.0.1)…');
  const duration = quick ? 2 : 5;
  const cacheOn = await measureGateway(300, duration);
  const cacheOff = await measureGateway(0, duration);

  const results = {
    floor_ns: Math.round(floor),
    authorizer_vs_floor: ratio('authorizer'),
    aws_jwt_verify_raw_vs_floor: ratio('awsJwtVerifyRaw'),
    authorizer_vs_aws_jwt_verify_raw: round(verification.authorizer.median / verification.awsJwtVerifyRaw.median),
    jose_vs_floor: ratio('jose'),
    jsonwebtoken_vs_floor: ratio('jsonwebtoken'),
    authorizer_speedup_vs_jose: round(verification.jose.median / verification.authorizer.median),
    spread_p25_p75_vs_floor: Object.fromEntries(
      Object.entries(verification).map(([name, summary]) => [name, [round(summary.p25 / floor), round(summary.p75 / floor)]]),
    ),
    bundle_bytes: bundle.bytes,
    bundle_gzip_bytes: bundle.gzipBytes,
    cold_init_ms: round(cold.addedMs, 1),
    cold_init_aws_jwt_verify_only_ms: round(coldBaseline.addedMs, 1),
    gateway_rps_cache_on: Math.round(cacheOn.rps),
    gateway_rps_cache_off: Math.round(cacheOff.rps),
    gateway_runs: { cache_on: cacheOn, cache_off: cacheOff },
    synth_s: args.has('--with-synth') ? round(timed('npm run synth'), 1) : null,
    test_s: args.has('--with-tests') ? round(timed('npm test'), 1) : null,
  };

  if (args.has('--json')) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  const rows: Array<[string, string, string]> = [
    ['RS256 verify (floor)', `${results.floor_ns} ns`, '1.00×'],
    ['authorizer handler', `${Math.round(verification.authorizer.median)} ns`, `${results.authorizer_vs_floor}× (target ≤ 2.0)`],
    ['aws-jwt-verify verifySync', `${Math.round(verification.awsJwtVerifyRaw.median)} ns`, `${results.aws_jwt_verify_raw_vs_floor}×`],
    ['authorizer / aws-jwt-verify', '', `${results.authorizer_vs_aws_jwt_verify_raw}× (target ≤ 1.10)`],
    ['jose jwtVerify', `${Math.round(verification.jose.median)} ns`, `${results.jose_vs_floor}× (ours ${results.authorizer_speedup_vs_jose}× faster; target ≥ 3)`],
    ['jsonwebtoken verify (PEM)', `${Math.round(verification.jsonwebtoken.median)} ns`, `${results.jsonwebtoken_vs_floor}×`],
    ['bundle (minified)', `${results.bundle_bytes} B`, `${results.bundle_gzip_bytes} B gzip (target ≤ 40 KB)`],
    ['cold init added', `${results.cold_init_ms} ms`, `(target ≤ 12 ms; aws-jwt-verify alone: ${results.cold_init_aws_jwt_verify_only_ms} ms)`],
    ['gateway, cache on', `${results.gateway_rps_cache_on} req/s`, `${cacheOn.errors5xx} 5xx, ${cacheOn.socketErrors} errors (target ≥ 2000)`],
    ['gateway, cache off', `${results.gateway_rps_cache_off} req/s`, `${cacheOff.errors5xx} 5xx, ${cacheOff.socketErrors} errors`],
  ];
  if (results.synth_s !== null) rows.push(['npm run synth', `${results.synth_s} s`, '']);
  if (results.test_s !== null) rows.push(['npm test', `${results.test_s} s`, '']);
  for (const [name, value, note] of rows) log(`${name.padEnd(30)} ${value.padStart(14)}   ${note}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
