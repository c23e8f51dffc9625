/**
 * The revocation check's costs that the per-call benchmark averages away, against a local DynamoDB
 * (dynalite over loopback, holding an hour's revocations), with the authorizer's clock injected:
 *  - the decision that pulls right after a new revocation arrived (the one request per refresh
 *    interval and warm instance that waits for the store), and
 *  - store reads per 1,000 decisions at a stated request rate per warm instance, beside what a
 *    GetItem per decision would read.
 */
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { accessMap } from '../../lib/contracts/access-map';
import { configFor } from '../../lib/config/app-config';
import { createAuthorizer, type AuthorizerHandler } from '../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../fixtures/authorizer-settings';
import type { LocalStore } from '../../fixtures/local-dynamo';
import {
  accessToken,
  makeSigningKey,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../fixtures/token-factory';
import { summarize, type Summary } from '../stats';
import { authorizerRuntimeConfig } from '../../lib/config/function-environment';
import { sessionIdOf } from '../../lib/contracts/revocation-items';
import { createRevocationFeed, type RevocationFeed } from '../../lambda/revocation/feed';
import { createRevocationCheck, type TokenSession } from '../../lambda/revocation/check';
import { decodeJsonObject } from '../../lib/contracts/json';

const CLIENT_ID = 'bench-client-id';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:benchapi/v1/GET/api/profile';

export interface RevocationRun {
  /** Wall time of a decision that pulls right after a new revocation was written, ms. */
  readonly pullDecisionMs: Summary;
  /** Wall time of a decision answered from the in-memory copy (no read), ms: the same handler, for scale. */
  readonly warmDecisionMs: Summary;
  /** Store requests over 1,000 decisions at `ratePerInstance`, the cold start's first (full) read included. */
  readonly readsPer1000: number;
  /** The same, after the first read: what a warm instance reads. */
  readonly warmReadsPer1000: number;
  readonly ratePerInstance: number;
  readonly refreshSeconds: number;
}

export interface RevocationOptions {
  readonly pulls: number;
  /** Decisions per second one warm instance answers in the reads count. */
  readonly ratePerInstance: number;
}

interface Harness {
  readonly jwks: JwksServer;
  readonly key: SigningKey;
  /** A fresh authorizer (a cold start) with the check on, on this clock. */
  readonly authorizer: (now: () => number) => Promise<AuthorizerHandler>;
}

async function harness(store: LocalStore): Promise<Harness> {
  const key = makeSigningKey('revocation-bench');
  const jwks = await startJwksServer([key]);
  const settings = settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }, accessMap, {
    tableName: store.tables.revocations,
    env: store.env,
  });
  return {
    jwks,
    key,
    authorizer: async (now) => {
      const authorize = createAuthorizer(settings, { logSink: () => undefined, now });
      await authorize.hydrate();
      return authorize;
    },
  };
}

const event = (token: string): APIGatewayTokenAuthorizerEvent => ({
  type: 'TOKEN',
  authorizationToken: `Bearer ${token}`,
  methodArn: METHOD_ARN,
});

/** What the check reads from a verified token. */
function claims(token: string): TokenSession {
  const payload = decodeJsonObject(token.split('.')[1]) ?? {};
  return { sub: String(payload.sub), issuedAt: Number(payload.iat), sessionId: sessionIdOf(payload) };
}

/**
 * Store requests of a fresh check (a cold start) over 1,000 decisions at `rate` per second, its
 * clock injected, counted by the feed it reads through: the check decides when to read, the
 * rest of the handler never does.
 */
async function countReads(
  store: LocalStore,
  rate: number,
  session: TokenSession,
): Promise<{ readsPer1000: number; warmReadsPer1000: number }> {
  const dev = authorizerRuntimeConfig(configFor('dev'), accessMap).revocation;
  const feed = createRevocationFeed({
    tableName: store.tables.revocations,
    env: store.env,
    timeoutMs: dev.readTimeoutMs,
  });
  let reads = 0;
  const counting: RevocationFeed = {
    since: (sinceMs) => feed.since(sinceMs).then((page) => ((reads += page.reads), page)),
  };
  let clock = Date.now();
  const check = createRevocationCheck(dev, counting, () => clock);
  let afterFirst = 0;
  for (let i = 0; i < 1000; i++) {
    await check.check(session);
    if (i === 0) afterFirst = reads;
    clock += 1000 / rate;
  }
  return { readsPer1000: reads, warmReadsPer1000: reads - afterFirst };
}

async function timed(call: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await call();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function measureRevocation(store: LocalStore, options: RevocationOptions): Promise<RevocationRun> {
  const { jwks, key, authorizer } = await harness(store);
  const refreshMs = configFor('dev').revocation.refreshSeconds * 1000;
  try {
    let clock = Date.now();
    const authorize = await authorizer(() => clock);
    const token = accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key, groups: ['user-group'] });
    await authorize(event(token)); // the cold start's full read
    const pulls: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < options.pulls; i++) {
      await store.revocations.revokeSession(`bench-revoked-${i}`, `bench-session-${i}-${clock}`);
      clock += refreshMs;
      pulls.push(await timed(() => authorize(event(token))));
      warm.push(await timed(() => authorize(event(token))));
    }

    const { readsPer1000, warmReadsPer1000 } = await countReads(store, options.ratePerInstance, claims(token));
    return {
      pullDecisionMs: summarize(pulls),
      warmDecisionMs: summarize(warm),
      readsPer1000,
      warmReadsPer1000,
      ratePerInstance: options.ratePerInstance,
      refreshSeconds: refreshMs / 1000,
    };
  } finally {
    await jwks.close();
  }
}
