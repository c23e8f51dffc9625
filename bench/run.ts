/**
 * `npm run bench [-- --json] [--with-synth] [--with-tests] [--quick]`
 * Side-by-side measurements in one run; ratios are to the RS256 floor measured in the same rounds.
 * With --json, this program writes exactly one JSON object to stdout and its progress to stderr
 * (npm adds its own `> script` banner to stdout unless run as `npm run --silent bench -- --json`).
 */
import { isDeepStrictEqual } from 'node:util';
import {
  AUTHORIZER_ENV,
  AUTHORIZER_ENV_WITHOUT_REVOCATION,
  BUNDLE_CHECK_PASSED,
  DEPLOYED_AUTHORIZER_ENV,
  checkBundle,
  revocationStoreEnv,
} from '../fixtures/bundle-check';
import { authorizerConfigInCode } from '../lib/constructs/lambda-environment';
import { seedRevocations, startLocalStore, type LocalStore } from '../fixtures/local-dynamo';
import { AUTHORIZER_BUNDLING, nodeOptionsFor, type FunctionBundling } from '../lib/config/bundling';
import { printTable, toResults, type Measurements } from './report';
import {
  AUTHORIZER_ENTRY,
  AUTHORIZER_FIRST_USE_ENTRY,
  AWS_JWT_VERIFY_ONLY_ENTRY,
  buildBundle,
  type Bundle,
} from './tasks/bundle';
import { childNodeVersion } from './tasks/child-runs';
import {
  measureColdInit,
  measureFirstDecision,
  allowingSlowJwks,
  ALONE,
  measureFirstDecisionInstructions,
  WITH_REVOCATION,
  startHttpsIssuer,
  type ColdBundle,
  type HttpsIssuer,
} from './tasks/cold-start';
import { measureFullReload } from './tasks/full-reload';
import { measurePolicySizes } from './tasks/policy-size';
import { timeNpmScript } from './tasks/commands';
import { measureGateway } from './tasks/gateway';
import { measureMemory } from './tasks/memory';
import { measureRevocation } from './tasks/revocation';
import { measureReviews } from './tasks/reviews';
import { measureVerification } from './tasks/verification';
import { parseFlags, planFor, type Flags, type Plan } from './plan';

const progress = (line: string) => process.stderr.write(`${line}\n`);

/** The previous entry's `https` stand-in (bench/fixtures/deferred-https.ts), for the comparison. */
const withHttpsDeferred = (bundling: FunctionBundling): FunctionBundling => ({
  ...bundling,
  esbuildArgs: { '--alias': ['https=./bench/fixtures/deferred-https.ts'] },
});

/**
 * A bundle of an authorizer entry as the API construct builds it: its config (AUTHORIZER_CONFIG of
 * `environment`) in its code, checked and defined by the construct's own function.
 */
function deployedBundle(
  entry: string,
  bundling: FunctionBundling,
  environment: Readonly<Record<string, string>>,
): Bundle {
  const { define } = authorizerConfigInCode('Authorizer', environment);
  return buildBundle(entry, bundling, { sourceMap: bundling.sourceMap, define });
}

/**
 * The authorizer as deployed and what it is compared with: aws-jwt-verify alone (bundled and run
 * like the authorizer), and the alternatives the README's decisions rest on. Each variant runs
 * with the source map and NODE_OPTIONS its bundling implies, and the authorizer's with its config in
 * its code, as the construct deploys them.
 */
function buildColdBundles(store: LocalStore): { bundles: Bundle[]; cold: ColdBundle[]; withRevocation: ColdBundle } {
  const checkOff = AUTHORIZER_ENV_WITHOUT_REVOCATION;
  const variants: Array<[string, string, FunctionBundling, Readonly<Record<string, string>> | undefined]> = [
    ['authorizer', AUTHORIZER_ENTRY, AUTHORIZER_BUNDLING, checkOff],
    [WITH_REVOCATION, AUTHORIZER_ENTRY, AUTHORIZER_BUNDLING, AUTHORIZER_ENV],
    [ALONE, AWS_JWT_VERIFY_ONLY_ENTRY, AUTHORIZER_BUNDLING, undefined],
    ['authorizer, JWKS on first use', AUTHORIZER_FIRST_USE_ENTRY, AUTHORIZER_BUNDLING, checkOff],
    [
      'authorizer, JWKS on first use, https deferred (before)',
      AUTHORIZER_FIRST_USE_ENTRY,
      withHttpsDeferred(AUTHORIZER_BUNDLING),
      checkOff,
    ],
    ['authorizer, with source maps', AUTHORIZER_ENTRY, { ...AUTHORIZER_BUNDLING, sourceMap: true }, checkOff],
  ];
  const bundles = variants.map(([, entry, bundling, config]) =>
    config ? deployedBundle(entry, bundling, config) : buildBundle(entry, bundling),
  );
  // As deployed: the check on, its store a local DynamoDB (the AWS SDK where the runtime provides it).
  const revocationEnv = { ...AUTHORIZER_ENV, ...revocationStoreEnv(store) };
  const cold = variants.map(([name, , bundling], index) => ({
    name,
    file: bundles[index].file,
    nodeOptions: nodeOptionsFor(bundling),
    env: name === WITH_REVOCATION ? revocationEnv : undefined,
  }));
  return { bundles, cold, withRevocation: cold[1] };
}

/** The first decision in instructions: the authorizer as deployed (its JWKS time-out stretched for valgrind) and aws-jwt-verify alone. */
async function countFirstDecision(plan: Plan, issuer: HttpsIssuer, alone: ColdBundle) {
  const authorizer = deployedBundle(
    AUTHORIZER_ENTRY,
    AUTHORIZER_BUNDLING,
    allowingSlowJwks(AUTHORIZER_ENV_WITHOUT_REVOCATION),
  );
  try {
    const counted = { name: 'authorizer', file: authorizer.file, nodeOptions: nodeOptionsFor(AUTHORIZER_BUNDLING) };
    return await measureFirstDecisionInstructions([counted, alone], issuer, plan.instructionRuns);
  } finally {
    authorizer.remove();
  }
}

async function measureBundleAndColdStarts(
  plan: Plan,
  store: LocalStore,
): Promise<
  Pick<
    Measurements,
    'bundle' | 'bundleCheck' | 'coldInit' | 'firstDecision' | 'firstDecisionInstructions' | 'memory' | 'coldStartNode'
  >
> {
  // As deployed: the check on, the config in the code and not in the environment.
  const bundle = deployedBundle(AUTHORIZER_ENTRY, AUTHORIZER_BUNDLING, AUTHORIZER_ENV);
  const bundleCheck = await checkBundle(bundle.file, { environment: DEPLOYED_AUTHORIZER_ENV }).finally(() =>
    bundle.remove(),
  );
  if (!isDeepStrictEqual(bundleCheck, BUNDLE_CHECK_PASSED))
    throw new Error(`the authorizer bundle failed its check: ${JSON.stringify(bundleCheck)}`);
  const { bundles, cold, withRevocation } = buildColdBundles(store);
  const issuer = await startHttpsIssuer();
  try {
    progress(`bench: cold load, ${plan.coldRuns} interleaved runs…`);
    const coldInit = await measureColdInit([cold[0], cold[2]], issuer, plan.coldRuns);
    progress(
      `bench: first decision of a cold start (JWKS over https), ${plan.coldRuns} interleaved runs of ${cold.length} bundles…`,
    );
    const firstDecision = await measureFirstDecision(cold, issuer, plan.coldRuns);
    progress(`bench: the same in instructions (valgrind), ${plan.instructionRuns} runs of 2 bundles…`);
    const firstDecisionInstructions = await countFirstDecision(plan, issuer, cold[2]);
    progress(`bench: memory, ${plan.memory.decisions.toLocaleString('en-US')} decisions with distinct tokens…`);
    const memory = await measureMemory(withRevocation, issuer, plan.memory);
    return {
      bundle,
      bundleCheck,
      coldInit,
      firstDecision,
      firstDecisionInstructions,
      memory,
      coldStartNode: childNodeVersion(),
    };
  } finally {
    await issuer.close();
    for (const built of bundles) built.remove();
  }
}

async function measureAll(flags: Flags, plan: Plan, store: LocalStore): Promise<Measurements> {
  progress(`bench: verification, ${plan.rounds} interleaved rounds of ${plan.batch} calls per task…`);
  const verification = await measureVerification(
    { tokens: plan.tokens, rounds: plan.rounds, batch: plan.batch, warmup: plan.warmup },
    store,
  );
  progress(
    `bench: revocation check, ${plan.revocation.pulls} decisions right after a new revocation, store reads per 1,000 decisions…`,
  );
  const revocation = await measureRevocation(store, plan.revocation);
  const coldStarts = await measureBundleAndColdStarts(plan, store);
  progress('bench: policy size of generated access maps (50, 200, 500 routes, 10 groups)…');
  const policySizes = measurePolicySizes();
  progress(
    'bench: full reload after a month of sign-outs at one per second (written newest first until older ones add nothing)…',
  );
  const fullReload = await measureFullReload({ capItems: plan.fullReloadCapItems });
  progress(`bench: local gateway, ${plan.gatewaySeconds} s per run (autocannon, 127.0.0.1)…`);
  const gatewayOptions = { durationSeconds: plan.gatewaySeconds, connections: 50, tokens: 300 };
  const gateway = {
    options: gatewayOptions,
    cacheOn: await measureGateway({ ...gatewayOptions, cacheTtlSeconds: 300 }),
    cacheOff: await measureGateway({ ...gatewayOptions, cacheTtlSeconds: 0 }),
  };
  progress(`bench: reviews through the local gateway and dynalite, ${plan.gatewaySeconds} s per route…`);
  const reviews = await measureReviews({ durationSeconds: plan.gatewaySeconds, connections: 10 });
  if (flags.withSynth) progress('bench: npm run synth…');
  const synth = flags.withSynth ? timeNpmScript('synth') : null;
  if (flags.withTests) progress('bench: npm test…');
  const tests = flags.withTests ? timeNpmScript('test') : null;
  return { plan, verification, revocation, ...coldStarts, policySizes, fullReload, gateway, reviews, synth, tests };
}

/** A local DynamoDB holding an hour's worth of revocations, for every measurement of the check. */
async function withStore<T>(plan: Plan, measure: (store: LocalStore) => Promise<T>): Promise<T> {
  const store = await startLocalStore();
  try {
    await seedRevocations(store, { sessions: plan.revocation.storedSessions, users: plan.revocation.storedUsers });
    return await measure(store);
  } finally {
    await store.stop();
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const plan = planFor(flags);
  const results = toResults(await withStore(plan, (store) => measureAll(flags, plan, store)));
  if (flags.json) process.stdout.write(`${JSON.stringify(results)}\n`);
  else printTable(results);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
