/**
 * The bench's output: one JSON object with stable keys (bench/README.md explains each), or the
 * same as a table. Targets are marked, never enforced: nothing here fails on a number.
 */
import { cpus, loadavg } from 'node:os';
import { AUTHORIZER_MEMORY_MB } from '../lib/config/lambda-sizing';
import type { BundleCheck } from '../fixtures/bundle-check';
import type { Plan } from './plan';
import { pairedDifference, type Summary } from './stats';
import type { Bundle } from './tasks/bundle';
import { ALONE, WITH_REVOCATION, type ColdInit, type FirstDecision } from './tasks/cold-start';
import type { CommandRun } from './tasks/commands';
import type { GatewayRun } from './tasks/gateway';
import type { FullReloadRun } from './tasks/full-reload';
import type { MemoryRun } from './tasks/memory';
import type { PolicySizes } from './tasks/policy-size';
import type { RevocationRun } from './tasks/revocation';
import { reviewRows, type ReviewsRun } from './tasks/reviews';
import type { VerificationResults, VerificationTask } from './tasks/verification';

export interface Measurements {
  readonly plan: Plan;
  readonly verification: VerificationResults;
  readonly revocation: RevocationRun;
  readonly bundle: Bundle;
  readonly bundleCheck: BundleCheck;
  readonly coldInit: Record<string, ColdInit>;
  readonly firstDecision: Record<string, FirstDecision>;
  /** The first decision in millions of instructions per bundle (valgrind), null when not counted. */
  readonly firstDecisionInstructions: Record<string, Summary> | null;
  readonly memory: MemoryRun;
  /** `node --version` of the cold-start children (the Lambda runtime's major). */
  readonly coldStartNode: string;
  readonly policySizes: PolicySizes;
  readonly fullReload: FullReloadRun;
  readonly gateway: {
    readonly options: { readonly connections: number; readonly tokens: number };
    readonly cacheOn: GatewayRun;
    readonly cacheOff: GatewayRun;
  };
  readonly reviews: { readonly post: ReviewsRun; readonly get: ReviewsRun };
  readonly synth: CommandRun | null;
  readonly tests: CommandRun | null;
}

/** Lambda gives one full vCPU at this memory size, and a proportional share below it. */
const FULL_VCPU_MB = 1769;
const FULL_RUN_DECISIONS = 100_000;

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const quartiles = (summary: Summary, digits = 2): [number, number] => [
  round(summary.p25, digits),
  round(summary.p75, digits),
];
const byName = <T, R>(record: Record<string, T>, value: (item: T) => R): Record<string, R> =>
  Object.fromEntries(Object.entries(record).map(([name, item]) => [name, value(item)]));

function verificationKeys(verification: VerificationResults) {
  const ratio = (task: VerificationTask) => round(verification.vsFloor[task].median);
  return {
    floor_ns: Math.round(verification.ns.floor.median),
    authorizer_vs_floor: ratio('authorizer'),
    aws_jwt_verify_raw_vs_floor: ratio('awsJwtVerifyRaw'),
    aws_jwt_verify_decompose_ns: Math.round(verification.ns.awsJwtVerifyDecompose.median),
    authorizer_vs_aws_jwt_verify_raw: round(verification.authorizerVsRaw.median),
    authorizer_500_routes_vs_aws_jwt_verify_raw: round(verification.authorizer500RoutesVsRaw.median),
    authorizer_without_revocation_vs_floor: ratio('authorizerWithoutRevocation'),
    revocation_check_ns: Math.round(verification.revocationCheckNs.median),
    authorizer_verify_vs_aws_jwt_verify_raw: round(verification.authorizerVerifyVsRaw.median),
    decision_line_ns: Math.round(verification.ns.decisionLine.median),
    jose_vs_floor: ratio('jose'),
    jsonwebtoken_vs_floor: ratio('jsonwebtoken'),
    jsonwebtoken_keyobject_vs_floor: ratio('jsonwebtokenKeyObject'),
    authorizer_speedup_vs_jose: round(verification.speedupVsJose.median),
    aws_jwt_verify_raw_speedup_vs_jose: round(verification.rawSpeedupVsJose.median),
  };
}

/** The two budgeted differences, each taken round by round (the bundles of a round ran side by side). */
function pairedColdDifferences(m: Measurements) {
  return {
    overAlone: pairedDifference(m.firstDecision.authorizer.totalsMs, m.firstDecision[ALONE].totalsMs),
    checkOnOverOff: pairedDifference(m.firstDecision[WITH_REVOCATION].totalsMs, m.firstDecision.authorizer.totalsMs),
  };
}

/** Instructions the authorizer's first decision adds to aws-jwt-verify alone's, and that in ms at the latter's CPU rate. */
function addedInstructions(m: Measurements) {
  const counts = m.firstDecisionInstructions;
  if (!counts) return null;
  const authorizer = counts.authorizer.median;
  const alone = counts[ALONE].median;
  const msPerMillion = m.firstDecision[ALONE].cpuMs.median / alone;
  return {
    authorizer_millions: round(authorizer, 1),
    aws_jwt_verify_only_millions: round(alone, 1),
    authorizer_min_max_millions: [round(counts.authorizer.min, 1), round(counts.authorizer.max, 1)],
    aws_jwt_verify_only_min_max_millions: [round(counts[ALONE].min, 1), round(counts[ALONE].max, 1)],
    added_millions: round(authorizer - alone, 1),
    added_ms_at_cpu_rate: round((authorizer - alone) * msPerMillion, 1),
  };
}

function coldKeys(m: Measurements) {
  const first = m.firstDecision.authorizer;
  const paired = pairedColdDifferences(m);
  const fullRun = m.plan.memory.decisions >= FULL_RUN_DECISIONS;
  return {
    cold_start_node_version: m.coldStartNode,
    bundle_bytes: m.bundle.bytes,
    bundle_gzip_bytes: m.bundle.gzipBytes,
    cold_init_ms: round(m.coldInit.authorizer.added.median, 1),
    cold_init_aws_jwt_verify_only_ms: round(m.coldInit['aws-jwt-verify only'].added.median, 1),
    cold_first_decision_ms: round(first.totalMs.median, 1),
    cold_first_decision_aws_jwt_verify_only_ms: round(m.firstDecision[ALONE].totalMs.median, 1),
    cold_first_decision_with_revocation_ms: round(m.firstDecision[WITH_REVOCATION].totalMs.median, 1),
    cold_first_decision_added_ms: round(paired.overAlone.median, 1),
    cold_first_decision_revocation_added_ms: round(paired.checkOnOverOff.median, 1),
    heap_after_warmup_mb: m.memory.afterWarmup.heapUsedMb,
    heap_after_100k_decisions_mb: fullRun ? m.memory.atEnd.heapUsedMb : null,
    rss_after_100k_decisions_mb: fullRun ? m.memory.atEnd.rssMb : null,
    authorizer_memory_mb: AUTHORIZER_MEMORY_MB,
  };
}

function gatewayKeys(gateway: Measurements['gateway']) {
  const { cacheOn, cacheOff } = gateway;
  return {
    gateway_rps: cacheOn.rps,
    gateway_rps_cache_on: cacheOn.rps,
    gateway_rps_cache_off: cacheOff.rps,
    gateway_errors: cacheOn.errors + cacheOff.errors,
    gateway_unexpected_status:
      cacheOn.unexpectedStatus + cacheOff.unexpectedStatus + cacheOn.unauthorized401 + cacheOff.unauthorized401,
    gateway_403: cacheOn.forbidden403 + cacheOff.forbidden403,
  };
}

function details(m: Measurements) {
  const { verification: v } = m;
  const first = m.firstDecision.authorizer;
  const paired = pairedColdDifferences(m);
  return {
    // Load averages (1, 5, 15 min) at the end of the run: above ≈ 1 on this 2-CPU machine, other work competed.
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      load_average_at_end: loadavg().map((load) => round(load)),
    },
    plan: { ...m.plan, token_bytes: v.tokenBytes, log_sink: 'line built in full, then discarded' },
    ns_median: byName(v.ns, (summary) => Math.round(summary.median)),
    vs_floor_median: byName(v.vsFloor, (summary) => round(summary.median)),
    vs_floor_p25_p75: byName(v.vsFloor, (summary) => quartiles(summary)),
    vs_floor_min_max: byName(v.vsFloor, (summary) => [round(summary.min), round(summary.max)]),
    authorizer_vs_aws_jwt_verify_raw_p25_p75: quartiles(v.authorizerVsRaw),
    authorizer_vs_aws_jwt_verify_raw_min_max: [round(v.authorizerVsRaw.min), round(v.authorizerVsRaw.max)],
    authorizer_vs_aws_jwt_verify_raw_cpu_time: round(v.authorizerVsRawCpu.median),
    authorizer_vs_aws_jwt_verify_raw_cpu_time_p25_p75: quartiles(v.authorizerVsRawCpu),
    authorizer_speedup_vs_jose_p25_p75: quartiles(v.speedupVsJose),
    aws_jwt_verify_raw_speedup_vs_jose_p25_p75: quartiles(v.rawSpeedupVsJose),
    cold_init_ms_p25_p75: byName(m.coldInit, (cold) => quartiles(cold.added, 1)),
    cold_require_only_ms: byName(m.coldInit, (cold) => round(cold.requireMs.median, 1)),
    node_empty_start_ms: round(m.coldInit.authorizer.emptyNodeMs.median, 1),
    cold_runs_pinned_to_one_cpu_per_round: m.coldInit.authorizer.pinned,
    cold_first_decision_paired_p25_p75_ms: {
      added: quartiles(paired.overAlone, 1),
      revocation_added: quartiles(paired.checkOnOverOff, 1),
    },
    cold_first_decision_instructions: addedInstructions(m),
    cold_first_decision: byName(m.firstDecision, (run) => ({
      total_ms: round(run.totalMs.median, 1),
      total_ms_p25_p75: quartiles(run.totalMs, 1),
      init_ms: round(run.initMs.median, 1),
      first_invoke_ms: round(run.invokeMs.median, 1),
      cpu_ms: round(run.cpuMs.median, 1),
      wall_minus_empty_node_ms: round(run.wallAddedMs.median, 1),
    })),
    revocation: {
      pull_decision_ms_p25_p75: quartiles(m.revocation.pullDecisionMs),
      warm_decision_ms: round(m.revocation.warmDecisionMs.median, 3),
      reads_counted_at_decisions_per_second: m.revocation.ratePerInstance,
      refresh_seconds: m.revocation.refreshSeconds,
      get_item_per_decision_would_read: 1000,
      revocation_check_ns_p25_p75: quartiles(m.verification.revocationCheckNs, 0),
      stored: { sessions: m.plan.revocation.storedSessions, users: m.plan.revocation.storedUsers },
      full_reload: m.fullReload,
    },
    policy: m.policySizes,
    authorizer_500_routes_vs_aws_jwt_verify_raw_p25_p75: quartiles(v.authorizer500RoutesVsRaw),
    // CPU-bound work stretches by 1,769 MB ÷ memory below one vCPU: the first decision at the default size.
    cold_first_decision_cpu_at_default_memory_ms: round((first.cpuMs.median * FULL_VCPU_MB) / AUTHORIZER_MEMORY_MB, 0),
    memory: m.memory,
    bundle_check: m.bundleCheck,
    synth_exit_code: m.synth?.exitCode ?? null,
    test_exit_code: m.tests?.exitCode ?? null,
    gateway: {
      cache_on: m.gateway.cacheOn,
      cache_off: m.gateway.cacheOff,
      connections: m.gateway.options.connections,
      tokens: m.gateway.options.tokens,
    },
    reviews: m.reviews,
  };
}

function policyKeys(sizes: PolicySizes) {
  return {
    policy_bytes_50_routes: sizes.largestBytes[50],
    policy_bytes_200_routes: sizes.largestBytes[200],
    policy_bytes_500_routes: sizes.largestBytes[500],
  };
}

function revocationKeys(run: RevocationRun, fullReload: FullReloadRun) {
  return {
    revocation_full_reload_items: fullReload.items,
    revocation_full_reload_rru: fullReload.rru,
    revocation_full_reload_heap_mb: fullReload.heapMb,
    revocation_pull_decision_ms: round(run.pullDecisionMs.median),
    revocation_reads_per_1000_decisions: run.warmReadsPer1000,
    revocation_reads_per_1000_decisions_with_cold_start: run.readsPer1000,
  };
}

export function toResults(m: Measurements) {
  return {
    ...verificationKeys(m.verification),
    ...revocationKeys(m.revocation, m.fullReload),
    ...policyKeys(m.policySizes),
    ...coldKeys(m),
    ...gatewayKeys(m.gateway),
    reviews_post_rps: m.reviews.post.rps,
    reviews_get_rps: m.reviews.get.rps,
    synth_s: m.synth === null ? null : round(m.synth.seconds, 1),
    test_s: m.tests === null ? null : round(m.tests.seconds, 1),
    details: details(m),
  };
}

export type Results = ReturnType<typeof toResults>;

type Row = [measure: string, value: string, spread: string, target: string];

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
const ms = (value: number | null) => (value === null ? 'not run' : `${value} ms`);

function verificationRows(r: Results): Row[] {
  const d = r.details;
  const ns = (task: VerificationTask) => `${d.ns_median[task].toLocaleString('en-US')} ns`;
  const vs = (task: VerificationTask) => {
    const [p25, p75] = d.vs_floor_p25_p75[task];
    return `${d.vs_floor_median[task].toFixed(2)}× (p25–p75 ${p25.toFixed(2)}–${p75.toFixed(2)})`;
  };
  return [
    ['RS256 crypto.verify (floor)', ns('floor'), '1.00×', ''],
    [
      'authorizer handler (revocation check on)',
      ns('authorizer'),
      vs('authorizer'),
      `≤ 2.0: ${mark(r.authorizer_vs_floor <= 2)}`,
    ],
    ['  revocation check off', ns('authorizerWithoutRevocation'), vs('authorizerWithoutRevocation'), ''],
    [
      '  the check, warm (on − off)',
      `${r.revocation_check_ns} ns`,
      `p25–p75 ${d.revocation.revocation_check_ns_p25_p75.join('–')} ns`,
      '',
    ],
    ['aws-jwt-verify verifySync', ns('awsJwtVerifyRaw'), vs('awsJwtVerifyRaw'), ''],
    [
      '  its decomposeUnverifiedJwt (parse, before the signature)',
      ns('awsJwtVerifyDecompose'),
      vs('awsJwtVerifyDecompose'),
      '',
    ],
    [
      'authorizer ÷ aws-jwt-verify',
      '',
      `${r.authorizer_vs_aws_jwt_verify_raw.toFixed(2)}× (p25–p75 ${d.authorizer_vs_aws_jwt_verify_raw_p25_p75.join('–')})`,
      '',
    ],
    [
      '  the same in process CPU time (the budget)',
      '',
      `${d.authorizer_vs_aws_jwt_verify_raw_cpu_time.toFixed(2)}× (p25–p75 ${d.authorizer_vs_aws_jwt_verify_raw_cpu_time_p25_p75.join('–')})`,
      `≤ ${PER_CALL_BUDGET}: ${mark(d.authorizer_vs_aws_jwt_verify_raw_cpu_time <= PER_CALL_BUDGET)}`,
    ],
    [
      '  with a generated 500-route access map (check off)',
      ns('authorizer500Routes'),
      `${r.authorizer_500_routes_vs_aws_jwt_verify_raw.toFixed(2)}× aws-jwt-verify (p25–p75 ${d.authorizer_500_routes_vs_aws_jwt_verify_raw_p25_p75.join('–')})`,
      '',
    ],
    [
      '  our verify + Cognito checks ÷ aws-jwt-verify',
      ns('authorizerVerify'),
      `${r.authorizer_verify_vs_aws_jwt_verify_raw.toFixed(2)}×`,
      '',
    ],
    ['  decision log line (built, not written)', ns('decisionLine'), '', ''],
    ['jose jwtVerify (imported JWK)', ns('jose'), vs('jose'), ''],
    [
      'authorizer speed-up vs jose',
      '',
      `${r.authorizer_speedup_vs_jose.toFixed(2)}× (p25–p75 ${d.authorizer_speedup_vs_jose_p25_p75.join('–')})`,
      '',
    ],
    [
      '  aws-jwt-verify alone vs jose (the ceiling)',
      '',
      `${r.aws_jwt_verify_raw_speedup_vs_jose.toFixed(2)}× (p25–p75 ${d.aws_jwt_verify_raw_speedup_vs_jose_p25_p75.join('–')})`,
      '',
    ],
    ['jsonwebtoken verify (PEM)', ns('jsonwebtoken'), vs('jsonwebtoken'), ''],
    ['jsonwebtoken verify (KeyObject)', ns('jsonwebtokenKeyObject'), vs('jsonwebtokenKeyObject'), ''],
  ];
}

function coldRows(r: Results): Row[] {
  const d = r.details;
  const first = (name: string) => d.cold_first_decision[name];
  const variants = Object.keys(d.cold_first_decision).filter(
    (name) => name !== 'authorizer' && name !== ALONE && name !== WITH_REVOCATION,
  );
  const paired = d.cold_first_decision_paired_p25_p75_ms;
  const instructions = d.cold_first_decision_instructions;
  return [
    [
      'bundle, minified',
      `${r.bundle_bytes.toLocaleString('en-US')} B`,
      `${r.bundle_gzip_bytes.toLocaleString('en-US')} B gzip`,
      `≤ 48 KB: ${mark(r.bundle_bytes <= 48 * 1024)}`,
    ],
    [
      'cold init added',
      ms(r.cold_init_ms),
      `p25–p75 ${d.cold_init_ms_p25_p75.authorizer.join('–')} ms (Init starts the JWKS download)`,
      '',
    ],
    [
      'cold init, aws-jwt-verify alone',
      ms(r.cold_init_aws_jwt_verify_only_ms),
      `p25–p75 ${d.cold_init_ms_p25_p75['aws-jwt-verify only'].join('–')} ms`,
      '',
    ],
    [
      'cold first decision (load + 1st answer, https)',
      ms(r.cold_first_decision_ms),
      `init ${first('authorizer').init_ms} + invoke ${first('authorizer').first_invoke_ms} ms, CPU ${first('authorizer').cpu_ms} ms; Node ${r.cold_start_node_version}`,
      '',
    ],
    [
      'cold first decision, aws-jwt-verify alone',
      ms(r.cold_first_decision_aws_jwt_verify_only_ms),
      `init ${first(ALONE).init_ms} + invoke ${first(ALONE).first_invoke_ms} ms`,
      '',
    ],
    [
      '  added, paired by round',
      `${signed(r.cold_first_decision_added_ms)} ms`,
      `p25–p75 ${paired.added.join(' … ')} ms` +
        (instructions
          ? `; instructions ${instructions.authorizer_millions} M vs ${instructions.aws_jwt_verify_only_millions} M alone (${signed(instructions.added_ms_at_cpu_rate)} ms of CPU)`
          : '; instructions not counted (no valgrind)'),
      `≤ +${COLD_BUDGET_MS} ms: ${mark(r.cold_first_decision_added_ms <= COLD_BUDGET_MS)}`,
    ],
    ...variants.map((name): Row => [
      `  ${name}`,
      ms(first(name).total_ms),
      `init ${first(name).init_ms} + invoke ${first(name).first_invoke_ms} ms`,
      '',
    ]),
    [
      'cold first decision, revocation check on',
      ms(r.cold_first_decision_with_revocation_ms),
      `init ${first(WITH_REVOCATION).init_ms} + invoke ${first(WITH_REVOCATION).first_invoke_ms} ms, CPU ${first(WITH_REVOCATION).cpu_ms} ms (a point read of the token's own items, local DynamoDB)`,
      '',
    ],
    [
      '  added by the check, paired by round',
      `${signed(r.cold_first_decision_revocation_added_ms)} ms`,
      `p25–p75 ${paired.revocation_added.join(' … ')} ms`,
      `≤ +${CHECK_COLD_BUDGET_MS} ms: ${mark(r.cold_first_decision_revocation_added_ms <= CHECK_COLD_BUDGET_MS)}`,
    ],
  ];
}

const signed = (value: number): string => (value >= 0 ? `+${value}` : `${value}`);

const PER_CALL_BUDGET = 1.25;
const COLD_BUDGET_MS = 3;
const CHECK_COLD_BUDGET_MS = 15;

function revocationRows(r: Results): Row[] {
  const { revocation } = r.details;
  return [
    [
      'decision that pulls a new revocation',
      `${r.revocation_pull_decision_ms} ms`,
      `p25–p75 ${revocation.pull_decision_ms_p25_p75.join('–')} ms; warm ${revocation.warm_decision_ms} ms`,
      '',
    ],
    [
      'store reads per 1,000 decisions',
      String(r.revocation_reads_per_1000_decisions),
      `at ${revocation.reads_counted_at_decisions_per_second}/s per warm instance, refresh ${revocation.refresh_seconds} s; ${r.revocation_reads_per_1000_decisions_with_cold_start} with the cold start's first read; a GetItem per decision: 1,000`,
      '',
    ],
    [
      'full reload, a month of sign-outs at 1/s',
      `${r.revocation_full_reload_items.toLocaleString('en-US')} items`,
      `${r.revocation_full_reload_rru} RRU in ${revocation.full_reload.pages} page(s); the copy holds ${r.revocation_full_reload_heap_mb} MB of heap${revocation.full_reload.complete ? '' : ' (lower bounds: the writing stopped at its cap)'}`,
      '',
    ],
    ...([50, 200, 500] as const).map((count): Row => {
      const bytes = r[`policy_bytes_${count}_routes`];
      const { policy } = r.details;
      return [
        `largest policy, ${count} routes, 10 groups`,
        `${bytes.toLocaleString('en-US')} B`,
        `synth allows ${policy.maxBytes.toLocaleString('en-US')} B; one resource per route ${policy.listedBoundBytes[count].toLocaleString('en-US')} B; no shared structure ${policy.unstructuredLargestBytes[count].toLocaleString('en-US')} B${count === 500 ? `; first policy of a cold start ${policy.firstPolicyMs500Routes} ms` : ''}`,
        bytes <= policy.maxBytes ? 'fits' : 'does not fit (synth refuses)',
      ];
    }),
  ];
}

function memoryAndGatewayRows(r: Results): Row[] {
  const { memory, gateway } = r.details;
  const note = (run: GatewayRun) =>
    `${run.ok2xx} 2xx, ${run.forbidden403} 403 (expected), ${run.unauthorized401} 401, ${run.unexpectedStatus} other, ${run.errors} errors`;
  const point = (label: string, at: MemoryRun['atEnd']) =>
    [
      label,
      `${at.heapUsedMb} MB heap`,
      `RSS ${at.rssMb} MB after ${at.decisions.toLocaleString('en-US')} decisions`,
      '',
    ] as Row;
  return [
    point('memory after warm-up', memory.afterWarmup),
    point('memory half-way', memory.halfway),
    point('memory at the end', memory.atEnd),
    [
      'authorizer memory size (construct default)',
      `${r.authorizer_memory_mb} MB`,
      `first decision's CPU at that size ≈ ${r.details.cold_first_decision_cpu_at_default_memory_ms} ms`,
      '',
    ],
    [
      'gateway, cache on (TTL 300)',
      `${r.gateway_rps_cache_on.toLocaleString('en-US')} req/s`,
      note(gateway.cache_on),
      `≥ 2,000: ${mark(r.gateway_rps_cache_on >= 2000)}`,
    ],
    [
      'gateway, cache off (TTL 0)',
      `${r.gateway_rps_cache_off.toLocaleString('en-US')} req/s`,
      note(gateway.cache_off),
      '',
    ],
  ];
}

export function printTable(r: Results): void {
  const rows = [
    ...verificationRows(r),
    ...revocationRows(r),
    ...coldRows(r),
    ...memoryAndGatewayRows(r),
    ...reviewRows(r.details.reviews),
  ];
  if (r.synth_s !== null)
    rows.push([
      'npm run synth',
      `${r.synth_s} s`,
      r.details.synth_exit_code === 0 ? '' : `exit code ${r.details.synth_exit_code}`,
      '',
    ]);
  if (r.test_s !== null)
    rows.push([
      'npm test',
      `${r.test_s} s`,
      r.details.test_exit_code === 0 ? '' : `exit code ${r.details.test_exit_code}`,
      '',
    ]);
  const { machine } = r.details;
  process.stdout.write(
    `Machine: ${machine.cpus} × ${machine.cpu_model}, Node ${machine.node}, load average ${machine.load_average_at_end.join(' ')}\n\n`,
  );
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) {
    process.stdout.write(
      `${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2].padEnd(widths[2])}  ${row[3]}`.trimEnd() +
        '\n',
    );
  }
}
