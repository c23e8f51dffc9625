/**
 * Requests per second of the reviews API through the local gateway: the real authorizer (cache on,
 * TTL 300 as deployed), the real reviews backend and dynalite on disk, all on 127.0.0.1 in this
 * process with autocannon (one Node thread serves, stores and generates the load). Report only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { accessMap, type HandlerName } from '../../lib/contracts/access-map';
import { configFor } from '../../lib/config/app-config';
import { ENV } from '../../lib/contracts/runtime-env';
import { ensureTables, startLocalDynamo } from '../../lib/local/dynamodb';
import { createLocalGateway, type ProxyHandler } from '../../lib/local/gateway';
import { createAuthorizer } from '../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../fixtures/authorizer-settings';
import { reviewsBackend } from '../../lambda/handlers/reviews';
import { createBackend } from '../../lambda/shared/backend';
import { accessToken, makeSigningKey, startJwksServer } from '../../fixtures/token-factory';

// The SDK's warning that its releases after January 2027 need Node 22 (Lambda runs 24) would only add noise to the report.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const CLIENT_ID = 'bench-client-id';
const REVIEW = JSON.stringify({
  title: 'Benchmark',
  body: 'A review of ordinary length, written by the benchmark.',
  rating: 4,
});

export interface ReviewsOptions {
  readonly durationSeconds: number;
  readonly connections: number;
}

export interface ReviewsRun {
  readonly route: string;
  /** Mean of autocannon's per-second request counts. */
  readonly rps: number;
  readonly requests: number;
  /** 201 for POST, 200 for GET: every answer should be one. */
  readonly ok2xx: number;
  readonly otherStatus: number;
  /** Connection errors and time-outs: should be 0. */
  readonly errors: number;
}

export async function measureReviews(options: ReviewsOptions): Promise<{ post: ReviewsRun; get: ReviewsRun }> {
  const config = configFor('dev');
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-reviews-'));
  const dynamo = await startLocalDynamo({ dir, host: '127.0.0.1', port: 0 });
  const key = makeSigningKey('reviews-bench');
  const jwks = await startJwksServer([key]);
  try {
    const tables = await ensureTables(dynamo, config);
    const discard = () => undefined;
    const reviews = createBackend(reviewsBackend, {
      env: {
        [ENV.region]: config.env.region,
        [ENV.dynamodbEndpoint]: dynamo.endpoint,
        [ENV.reviewsTable]: tables.reviews,
      },
      logSink: discard,
    });
    const notUsed: ProxyHandler = () => Promise.reject(new Error('not part of this benchmark'));
    const handlers: Record<HandlerName, ProxyHandler> = {
      auth: notUsed,
      profile: notUsed,
      adminUsers: notUsed,
      reviews,
    };
    const gateway = await createLocalGateway({
      routes: accessMap,
      authorizer: createAuthorizer(settingsFromConfig(config, { issuer: jwks.issuer, clientId: CLIENT_ID }), {
        logSink: discard,
      }),
      handlers,
      resultsCacheTtlSeconds: config.authorizer.resultsCacheTtlSeconds,
      api: { region: config.env.region, accountId: '000000000000', apiId: 'bench', stage: 'v1' },
    }).listen(0, '127.0.0.1');
    try {
      const headers = {
        authorization: `Bearer ${accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key, groups: ['reviewers-group'] })}`,
        'content-type': 'application/json',
      };
      const seeded = await fetch(`${gateway.url}/api/reviews`, { method: 'POST', headers, body: REVIEW });
      if (seeded.status !== 201) throw new Error(`seeding a review answered ${seeded.status}: ${await seeded.text()}`);
      const { id } = (await seeded.json()) as { id: string };
      const run = async (method: 'POST' | 'GET', routePath: string, body?: string): Promise<ReviewsRun> => {
        const result = await autocannon({
          url: `${gateway.url}${routePath}`,
          method,
          headers,
          body,
          connections: options.connections,
          duration: options.durationSeconds,
        });
        const answered = Object.values(result.statusCodeStats ?? {}).reduce((sum, { count = 0 }) => sum + count, 0);
        return {
          route: `${method} ${method === 'GET' ? '/api/reviews/{id}' : routePath}`,
          rps: Math.round(result.requests.average),
          requests: result.requests.total,
          ok2xx: result['2xx'],
          otherStatus: answered - result['2xx'],
          errors: result.errors + result.timeouts,
        };
      };
      return { post: await run('POST', '/api/reviews', REVIEW), get: await run('GET', `/api/reviews/${id}`) };
    } finally {
      await gateway.close();
    }
  } finally {
    await jwks.close();
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The benchmark table's rows for these runs. */
export function reviewRows(runs: { post: ReviewsRun; get: ReviewsRun }): Array<[string, string, string, string]> {
  return [runs.post, runs.get].map((run) => [
    `reviews: ${run.route}`,
    `${run.rps.toLocaleString('en-US')} req/s`,
    `${run.ok2xx} 2xx, ${run.otherStatus} other, ${run.errors} errors`,
    'report only',
  ]);
}
