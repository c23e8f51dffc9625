/**
 * Cold starts of the deployed bundle in fresh Node processes: the load alone (`cold_init_ms`), and
 * the load plus the first answer with the JWKS fetched over https (`cold_first_decision_ms`), each
 * beside aws-jwt-verify alone. The https server runs in this process with a certificate from a
 * throw-away CA that the children trust through NODE_EXTRA_CA_CERTS.
 */
import { ENV } from '../../lib/contracts/runtime-env';
import { isJsonObject, parseJsonObject } from '../../lib/contracts/json';
import { AUTHORIZER_ENV_WITHOUT_REVOCATION } from '../../fixtures/bundle-check';
import {
  accessToken,
  makeSigningKey,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../fixtures/token-factory';
import { summarize, type Summary } from '../stats';
import { canCountInstructions, countInstructions, interleaveChildren, type ChildScript } from './child-runs';
import { createLocalCa, type LocalCa } from './tls';

/** The cold-start variants the budgets compare, by name: aws-jwt-verify alone, and the authorizer as deployed with its revocation check on (the others run with it off). */
export const ALONE = 'aws-jwt-verify only';
export const WITH_REVOCATION = 'authorizer, revocation check on';

/** A bundle to start, the NODE_OPTIONS its Lambda runs with, and what its environment adds or changes. */
export interface ColdBundle {
  readonly name: string;
  readonly file: string;
  readonly nodeOptions?: string;
  /** @default nothing: the authorizer's environment with the revocation check off (as aws-jwt-verify alone has none) */
  readonly env?: Readonly<Record<string, string>>;
}

/** The https issuer the children verify against, with its CA; `close` stops the server and deletes the CA. */
export interface HttpsIssuer {
  readonly jwks: JwksServer;
  readonly ca: LocalCa;
  /** The pool's signing key (in its JWKS). */
  readonly key: SigningKey;
  /** A valid access token of a user-group caller, for GET /api/profile (allowed). */
  readonly token: string;
  close(): Promise<void>;
}

export async function startHttpsIssuer(): Promise<HttpsIssuer> {
  const ca = await createLocalCa();
  const key = makeSigningKey('cold-start');
  const jwks = await startJwksServer([key], 'us-east-1_Bench', ca.server);
  const token = accessToken({
    issuer: jwks.issuer,
    clientId: AUTHORIZER_ENV_WITHOUT_REVOCATION[ENV.userPoolClientId],
    key,
    groups: ['user-group'],
  });
  return { jwks, ca, key, token, close: async () => (await jwks.close(), await ca.remove()) };
}

/** The Lambda-like environment of a child: nothing from this process but PATH. */
export function childEnv(issuer: HttpsIssuer, bundle: ColdBundle): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    ...AUTHORIZER_ENV_WITHOUT_REVOCATION,
    ...bundle.env,
    [ENV.issuerOverride]: issuer.jwks.issuer,
    [ENV.jwksUriOverride]: issuer.jwks.jwksUri,
    NODE_EXTRA_CA_CERTS: issuer.ca.caFile,
    BENCH_TOKEN: issuer.token,
    ...(bundle.nodeOptions ? { NODE_OPTIONS: bundle.nodeOptions } : {}),
  };
}

const EMPTY_NODE = 'empty node';

/** `node -e ""` with the same environment (NODE_EXTRA_CA_CERTS, NODE_OPTIONS) as the bundles it is subtracted from. */
const emptyNode = (issuer: HttpsIssuer, like: ColdBundle): ChildScript => ({
  name: EMPTY_NODE,
  env: childEnv(issuer, like),
  script: '',
});

export interface ColdInit {
  /** Median of (node requiring the bundle) − (empty node) over paired runs, ms. */
  readonly added: Summary;
  /** The `require` alone, timed inside the child: the same cost without process start-up noise. */
  readonly requireMs: Summary;
  readonly emptyNodeMs: Summary;
  readonly pinned: boolean;
}

/** `node -e ""` against `node -e "require(bundle)"`, interleaved; the child exits right after the require. */
export async function measureColdInit(
  bundles: readonly ColdBundle[],
  issuer: HttpsIssuer,
  runs: number,
): Promise<Record<string, ColdInit>> {
  const load = (bundle: ColdBundle): ChildScript => ({
    name: bundle.name,
    env: childEnv(issuer, bundle),
    script:
      `const t = process.hrtime.bigint(); const h = require(${JSON.stringify(bundle.file)}).handler; ` +
      `const ms = Number(process.hrtime.bigint() - t) / 1e6; if (typeof h !== 'function') process.exit(1); ` +
      `require('fs').writeSync(3, String(ms)); process.exit(0);`,
  });
  const { wallMs, reports, pinned } = await interleaveChildren(
    [emptyNode(issuer, bundles[0]), ...bundles.map(load)],
    runs,
  );
  return Object.fromEntries(
    bundles.map((bundle) => [
      bundle.name,
      {
        added: summarize(wallMs[bundle.name].map((ms, round) => ms - wallMs[EMPTY_NODE][round])),
        requireMs: summarize(reports[bundle.name].map(Number)),
        emptyNodeMs: summarize(wallMs[EMPTY_NODE]),
        pinned,
      },
    ]),
  );
}

export interface FirstDecision {
  /** Inside the child: require the bundle, then the first answer (JWKS over https included), ms. */
  readonly totalMs: Summary;
  /** The same per run (index = round; the bundles of a round ran side by side): for paired differences. */
  readonly totalsMs: readonly number[];
  /** The require alone (Init), ms. */
  readonly initMs: Summary;
  /** From the handler call to its answer (the first Invoke), ms. */
  readonly invokeMs: Summary;
  /** CPU time (user + system) of the child from before the require to the answer, ms. */
  readonly cpuMs: Summary;
  /** Wall time of the child minus an empty node of the same round, ms (start-up and exit included). */
  readonly wallAddedMs: Summary;
}

const FIRST_DECISION_ARN = 'arn:aws:execute-api:us-east-1:123456789012:bench/v1/GET/api/profile';

/**
 * Requires the bundle and answers one request (a valid user-group token on GET /api/profile);
 * fails unless the answer allows (the baseline: unless it returns the payload).
 */
function firstDecisionScript(file: string): string {
  return `
    const fs = require('fs');
    const t0 = process.hrtime.bigint(), cpu0 = process.cpuUsage();
    const { handler } = require(${JSON.stringify(file)});
    const t1 = process.hrtime.bigint();
    const event = { type: 'TOKEN', authorizationToken: 'Bearer ' + process.env.BENCH_TOKEN, methodArn: ${JSON.stringify(FIRST_DECISION_ARN)} };
    handler(event, { awsRequestId: 'bench-cold-start' }).then((answer) => {
      const t2 = process.hrtime.bigint(), cpu = process.cpuUsage(cpu0);
      const ok = answer.policyDocument ? answer.policyDocument.Statement.some((s) => s.Effect === 'Allow') : typeof answer.sub === 'string';
      fs.writeSync(3, JSON.stringify({ ok, initMs: Number(t1 - t0) / 1e6, invokeMs: Number(t2 - t1) / 1e6, cpuMs: (cpu.user + cpu.system) / 1000 }));
      process.exit(ok ? 0 : 2);
    }, (error) => { fs.writeSync(2, 'first request failed: ' + (error && error.message) + '\\n'); process.exit(1); });`;
}

interface FirstDecisionReport {
  ok: boolean;
  initMs: number;
  invokeMs: number;
  cpuMs: number;
}

function isReport(value: unknown): value is FirstDecisionReport {
  return typeof value === 'object' && value !== null && 'initMs' in value && 'invokeMs' in value && 'cpuMs' in value;
}

export async function measureFirstDecision(
  bundles: readonly ColdBundle[],
  issuer: HttpsIssuer,
  runs: number,
): Promise<Record<string, FirstDecision>> {
  const children = bundles.map((bundle): ChildScript => ({
    name: bundle.name,
    env: childEnv(issuer, bundle),
    script: firstDecisionScript(bundle.file),
  }));
  const { wallMs, reports } = await interleaveChildren([emptyNode(issuer, bundles[0]), ...children], runs);
  return Object.fromEntries(
    bundles.map((bundle) => {
      const parsed = reports[bundle.name].map((text): FirstDecisionReport => {
        const report: unknown = JSON.parse(text);
        if (!isReport(report)) throw new Error(`bench: ${bundle.name} reported ${text}`);
        return report;
      });
      const totalsMs = parsed.map((report) => report.initMs + report.invokeMs);
      const result: FirstDecision = {
        totalMs: summarize(totalsMs),
        totalsMs,
        initMs: summarize(parsed.map((report) => report.initMs)),
        invokeMs: summarize(parsed.map((report) => report.invokeMs)),
        cpuMs: summarize(parsed.map((report) => report.cpuMs)),
        wallAddedMs: summarize(wallMs[bundle.name].map((ms, round) => ms - wallMs[EMPTY_NODE][round])),
      };
      return [bundle.name, result];
    }),
  );
}

/**
 * The same first decision counted in instructions (valgrind; each child from start to exit, millions
 * per run): what each bundle makes the CPU do, without time's spread. `null` without valgrind. The
 * authorizer's bundles must allow a slow JWKS download (allowingSlowJwks).
 */
export async function measureFirstDecisionInstructions(
  bundles: readonly ColdBundle[],
  issuer: HttpsIssuer,
  runs: number,
): Promise<Record<string, Summary> | null> {
  if (runs === 0 || !canCountInstructions()) return null;
  const counts = await countInstructions(
    bundles.map((bundle) => ({
      name: bundle.name,
      env: childEnv(issuer, bundle),
      script: firstDecisionScript(bundle.file),
    })),
    runs,
  );
  return Object.fromEntries(
    Object.entries(counts).map(([name, perRun]) => [name, summarize(perRun.map((count) => count / 1e6))]),
  );
}

/**
 * An authorizer environment whose config allows the JWKS download the longest time-out the config
 * accepts: under valgrind the download takes seconds (the number changes what is counted by nothing).
 */
export function allowingSlowJwks(environment: Readonly<Record<string, string>>): Record<string, string> {
  const config = parseJsonObject(environment[ENV.authorizerConfig] ?? '');
  if (!config || !isJsonObject(config.limits)) throw new Error('bench: the environment holds no authorizer config');
  const limits = { ...config.limits, jwksFetchTimeoutMs: 10_000 };
  return { ...environment, [ENV.authorizerConfig]: JSON.stringify({ ...config, limits }) };
}
