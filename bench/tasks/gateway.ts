/**
 * Authorized requests per second through the local gateway (real authorizer, real JWKS over
 * loopback, echo backends), with API Gateway's authorizer cache on and off. 127.0.0.1 only,
 * bounded in time.
 */
import autocannon from 'autocannon';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { accessMap, type HandlerName } from '../../lib/config/access-map';
import { configFor } from '../../lib/config/app-config';
import { createLocalGateway } from '../../lib/local/gateway';
import { createAuthorizer } from '../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../lambda/authorizer/settings';
import { accessToken, makeSigningKey, startJwksServer } from '../../test/support/token-factory';
import { CALLER_GROUPS, MIXED_ROUTES } from '../../test/support/traffic';

const CLIENT_ID = 'bench-client-id';

export interface GatewayRun {
  readonly rps: number;
  readonly requests: number;
  readonly ok2xx: number;
  readonly denied4xx: number;
  readonly errors5xx: number;
  readonly socketErrors: number;
}

const echo = async (event: APIGatewayProxyEvent) => ({ statusCode: 200, body: JSON.stringify({ path: event.path }) });

export async function measureGateway(cacheTtlSeconds: number, durationSeconds: number): Promise<GatewayRun> {
  const key = makeSigningKey('gateway-bench');
  const jwks = await startJwksServer([key]);
  const authorizer = createAuthorizer(settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }), { logSink: () => undefined });
  const handlers = Object.fromEntries(['auth', 'profile', 'adminUsers', 'reviews'].map((name) => [name, echo])) as Record<HandlerName, typeof echo>;
  const gateway = await createLocalGateway({
    routes: accessMap,
    authorizer,
    handlers,
    resultsCacheTtlSeconds: cacheTtlSeconds,
    api: { region: 'us-east-1', accountId: '000000000000', apiId: 'bench', stage: 'v1' },
  }).listen(0, '127.0.0.1');

  // Distinct tokens per group set: with the cache off, each request is a full verification.
  const tokens = Array.from({ length: 200 }, (_, i) => accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key, groups: CALLER_GROUPS[i % CALLER_GROUPS.length] }));
  const requests = tokens.flatMap((token, i) => {
    const [method, path] = MIXED_ROUTES[i % MIXED_ROUTES.length];
    return [{ method: method as 'GET', path, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: method === 'GET' || method === 'DELETE' ? undefined : '{}' }];
  });
  try {
    const result = await autocannon({ url: gateway.url, connections: 50, duration: durationSeconds, requests });
    return {
      rps: result.requests.average,
      requests: result.requests.total,
      ok2xx: result['2xx'],
      denied4xx: result['4xx'],
      errors5xx: result['5xx'],
      socketErrors: result.errors + result.timeouts,
    };
  } finally {
    await gateway.close();
    await jwks.close();
  }
}
