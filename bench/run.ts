/**
 * `npm run bench [-- --json] [--with-synth] [--with-tests] [--quick]`
 * Side-by-side measurements in one run; ratios are to the RS256 floor measured in the same rounds.
 * With --json, this program writes exactly one JSON object to stdout and its progress to stderr
 * (npm adds its own `> script` banner to stdout unless run as `npm run --silent bench -- --json`).
 */
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { AUTHORIZER_ENTRY, AWS_JWT_VERIFY_ONLY_ENTRY, buildBundle, measureColdInit } from './tasks/bundle';
import { checkBundle } from '../fixtures/bundle-check';
import { timeNpmScript } from './tasks/commands';
import { measureGateway } from './tasks/gateway';
import { measureReviews, reviewRows } from './tasks/reviews';
import { measureVerification, type VerificationTask } from './tasks/verification';
import { HANDLER_BUNDLING } from '../lib/config/bundling';
import type { Summary } from './stats';

const KNOWN_FLAGS = new Set(['--json', '--quick', '--with-synth', '--with-tests']);

interface Flags {
  readonly json: boolean;
  readonly quick: boolean;
  readonly withSynth: boolean;
  readonly withTests: boolean;
}

function parseFlags(argv: readonly string[]): Flags {
  const unknown = argv.filter((arg) => !KNOWN_FLAGS.has(arg));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')} (known: ${[...KNOWN_FLAGS].join(' ')})`);
  return { json: argv.includes('--json'), quick: argv.includes('--quick'), withSynth: argv.includes('--with-synth'), withTests: argv.includes('--with-tests') };
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const spread = (summary: Summary, digits = 2): [number, number] => [round(summary.p25, digits), round(summary.p75, digits)];

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const plan = flags.quick
    ? { rounds: 7, batch: 100, warmup: { rounds: 1, ms: 500 }, coldRuns: 10, gatewaySeconds: 2 }
    : { rounds: 41, batch: 300, warmup: { rounds: 3, ms: 3000 }, coldRuns: 60, gatewaySeconds: 5 };

  progress(`bench: verification, ${plan.rounds} interleaved rounds of ${plan.batch} calls per task…`);
  const verification = await measureVerification({ tokens: 4000, rounds: plan.rounds, batch: plan.batch, warmup: plan.warmup });
  const ratio = (task: VerificationTask) => round(verification.vsFloor[task].median);

  progress(`bench: bundle and cold load, ${plan.coldRuns} interleaved runs…`);
  const bundle = buildBundle(AUTHORIZER_ENTRY);
  const bundleCheck = await checkBundle(bundle.file);
  if (!bundleCheck.authorizes || !bundleCheck.rejectsForeignKey) throw new Error(`the authorizer bundle failed its check: ${JSON.stringify(bundleCheck)}`);
  // aws-jwt-verify alone, bundled with the common options and no alias: what its users start from.
  const baseline = buildBundle(AWS_JWT_VERIFY_ONLY_ENTRY, HANDLER_BUNDLING);
  const [cold, coldBaseline] = measureColdInit([bundle.file, baseline.file], plan.coldRuns);
  for (const built of [bundle, baseline]) rmSync(path.dirname(built.file), { recursive: true, force: true });

  progress(`bench: local gateway, ${plan.gatewaySeconds} s per run (autocannon, 127.0.0.1)…`);
  const gatewayOptions = { durationSeconds: plan.gatewaySeconds, connections: 50, tokens: 300 };
  const cacheOn = await measureGateway({ ...gatewayOptions, cacheTtlSeconds: 300 });
  const cacheOff = await measureGateway({ ...gatewayOptions, cacheTtlSeconds: 0 });
  progress(`bench: reviews through the local gateway and dynalite, ${plan.gatewaySeconds} s per route…`);
  const reviews = await measureReviews({ durationSeconds: plan.gatewaySeconds, connections: 10 });

  if (flags.withSynth) progress('bench: npm run synth…');
  const synth = flags.withSynth ? timeNpmScript('synth') : null;
  if (flags.withTests) progress('bench: npm test…');
  const tests = flags.withTests ? timeNpmScript('test') : null;

  const results = {
    floor_ns: Math.round(verification.ns.floor.median),
    authorizer_vs_floor: ratio('authorizer'),
    aws_jwt_verify_raw_vs_floor: ratio('awsJwtVerifyRaw'),
    authorizer_vs_aws_jwt_verify_raw: round(verification.authorizerVsRaw.median),
    jose_vs_floor: ratio('jose'),
    jsonwebtoken_vs_floor: ratio('jsonwebtoken'),
    jsonwebtoken_keyobject_vs_floor: ratio('jsonwebtokenKeyObject'),
    authorizer_speedup_vs_jose: round(verification.speedupVsJose.median),
    bundle_bytes: bundle.bytes,
    bundle_gzip_bytes: bundle.gzipBytes,
    cold_init_ms: round(cold.addedMs, 1),
    cold_init_aws_jwt_verify_only_ms: round(coldBaseline.addedMs, 1),
    gateway_rps_cache_on: cacheOn.rps,
    gateway_rps_cache_off: cacheOff.rps,
    gateway_errors: cacheOn.errors + cacheOff.errors,
    gateway_unexpected_status: cacheOn.unexpectedStatus + cacheOff.unexpectedStatus + cacheOn.unauthorized401 + cacheOff.unauthorized401,
    gateway_403: cacheOn.forbidden403 + cacheOff.forbidden403,
    reviews_post_rps: reviews.post.rps,
    reviews_get_rps: reviews.get.rps,
    synth_s: synth === null ? null : round(synth.seconds, 1),
    test_s: tests === null ? null : round(tests.seconds, 1),
    details: {
      machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version },
      plan: { ...plan, tokens: 4000, token_bytes: verification.tokenBytes, log_sink: 'line built in full (JSON.stringify), then discarded' },
      ns_median: Object.fromEntries(Object.entries(verification.ns).map(([name, summary]) => [name, Math.round(summary.median)])),
      vs_floor_p25_p75: Object.fromEntries(Object.entries(verification.vsFloor).map(([name, summary]) => [name, spread(summary)])),
      vs_floor_min_max: Object.fromEntries(Object.entries(verification.vsFloor).map(([name, summary]) => [name, [round(summary.min), round(summary.max)]])),
      authorizer_vs_aws_jwt_verify_raw_p25_p75: spread(verification.authorizerVsRaw),
      authorizer_speedup_vs_jose_p25_p75: spread(verification.speedupVsJose),
      cold_init_ms_p25_p75: [round(cold.addedP25Ms, 1), round(cold.addedP75Ms, 1)],
      cold_init_aws_jwt_verify_only_ms_p25_p75: [round(coldBaseline.addedP25Ms, 1), round(coldBaseline.addedP75Ms, 1)],
      cold_require_only_ms: round(cold.requireMs.median, 1),
      cold_require_only_aws_jwt_verify_only_ms: round(coldBaseline.requireMs.median, 1),
      node_empty_start_ms: round(cold.empty.median, 1),
      baseline_bundle_bytes: baseline.bytes,
      bundle_check: bundleCheck,
      cold_runs_pinned_to_one_cpu_per_round: cold.pinned,
      synth_exit_code: synth?.exitCode ?? null,
      test_exit_code: tests?.exitCode ?? null,
      gateway: { cache_on: cacheOn, cache_off: cacheOff, connections: gatewayOptions.connections, tokens: gatewayOptions.tokens },
      reviews,
    },
  };

  if (flags.json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  const ns = (task: VerificationTask) => `${Math.round(verification.ns[task].median).toLocaleString('en-US')} ns`;
  const vs = (task: VerificationTask) => {
    const [p25, p75] = spread(verification.vsFloor[task]);
    return `${ratio(task).toFixed(2)}× (p25–p75 ${p25.toFixed(2)}–${p75.toFixed(2)})`;
  };
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const gatewayNote = (run: typeof cacheOn) =>
    `${run.ok2xx} 2xx, ${run.forbidden403} 403 (expected), ${run.unauthorized401} 401, ${run.unexpectedStatus} other, ${run.errors} errors`;
  const rows: Array<[string, string, string, string]> = [
    ['RS256 crypto.verify (floor)', ns('floor'), '1.00×', ''],
    ['authorizer handler', ns('authorizer'), vs('authorizer'), `≤ 2.0: ${mark(results.authorizer_vs_floor <= 2)}`],
    ['aws-jwt-verify verifySync', ns('awsJwtVerifyRaw'), vs('awsJwtVerifyRaw'), ''],
    ['authorizer ÷ aws-jwt-verify', '', `${results.authorizer_vs_aws_jwt_verify_raw.toFixed(2)}×`, `≤ 1.10: ${mark(results.authorizer_vs_aws_jwt_verify_raw <= 1.1)}`],
    ['jose jwtVerify (imported JWK)', ns('jose'), vs('jose'), ''],
    ['authorizer speed-up vs jose', '', `${results.authorizer_speedup_vs_jose.toFixed(2)}×`, `≥ 3: ${mark(results.authorizer_speedup_vs_jose >= 3)}`],
    ['jsonwebtoken verify (PEM)', ns('jsonwebtoken'), vs('jsonwebtoken'), ''],
    ['jsonwebtoken verify (KeyObject)', ns('jsonwebtokenKeyObject'), vs('jsonwebtokenKeyObject'), ''],
    ['bundle, minified', `${results.bundle_bytes.toLocaleString('en-US')} B`, `${results.bundle_gzip_bytes.toLocaleString('en-US')} B gzip`, `≤ 40 KB: ${mark(results.bundle_bytes <= 40 * 1024)}`],
    ['cold init added', `${results.cold_init_ms} ms`, `p25–p75 ${results.details.cold_init_ms_p25_p75.join('–')} ms`, `≤ 12 ms: ${mark(results.cold_init_ms <= 12)}`],
    ['cold init, aws-jwt-verify alone', `${results.cold_init_aws_jwt_verify_only_ms} ms`, `p25–p75 ${results.details.cold_init_aws_jwt_verify_only_ms_p25_p75.join('–')} ms`, ''],
    ['  require() alone, in the child', `${results.details.cold_require_only_ms} ms`, `aws-jwt-verify alone: ${results.details.cold_require_only_aws_jwt_verify_only_ms} ms`, ''],
    ['gateway, cache on (TTL 300)', `${results.gateway_rps_cache_on.toLocaleString('en-US')} req/s`, gatewayNote(cacheOn), `≥ 2,000: ${mark(results.gateway_rps_cache_on >= 2000)}`],
    ['gateway, cache off (TTL 0)', `${results.gateway_rps_cache_off.toLocaleString('en-US')} req/s`, gatewayNote(cacheOff), ''],
  ];
  rows.push(...reviewRows(reviews));
  if (synth) rows.push(['npm run synth', `${results.synth_s} s`, synth.exitCode === 0 ? '' : `exit code ${synth.exitCode}`, '']);
  if (tests) rows.push(['npm test', `${results.test_s} s`, tests.exitCode === 0 ? '' : `exit code ${tests.exitCode}`, '']);
  const { machine } = results.details;
  process.stdout.write(`Machine: ${machine.cpus} × ${machine.cpu_model}, Node ${machine.node}\n\n`);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) {
    process.stdout.write(`${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2].padEnd(widths[2])}  ${row[3]}`.trimEnd() + '\n');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
