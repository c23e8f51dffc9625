/**
 * Requests per second through the local gateway (real authorizer, real JWKS over loopback, echo
 * backends), with API Gateway's authorizer cache on and off. 127.0.0.1 only, bounded in time.
 * autocannon runs in this process, on the same event loop as the gateway: the numbers are what one
 * Node thread does while also generating the load (a lower bound for the gateway alone).
 */
import autocannon from 'autocannon';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { accessMap, type HandlerName } from '../../lib/contracts/access-map';
import { configFor } from '../../lib/config/app-config';
import { createLocalGateway } from '../../lib/local/gateway';
import { createAuthorizer } from '../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../fixtures/authorizer-settings';
import { accessToken, makeSigningKey, startJwksServer } from '../../fixtures/token-factory';
import { CALLER_GROUPS, MIXED_ROUTES } from '../../fixtures/traffic';

const CLIENT_ID = 'bench-client-id';
const HANDLER_NAMES: readonly HandlerName[] = ['auth', 'profile', 'adminUsers', 'reviews'];

export interface GatewayOptions {
  readonly cacheTtlSeconds: number;
  readonly durationSeconds: number;
  readonly connections: number;
  /** Distinct tokens (spread over the caller group sets). */
  readonly tokens: number;
}

export interface GatewayRun {
  readonly cacheTtlSeconds: number;
  /** Mean of autocannon's per-second request counts. */
  readonly rps: number;
  readonly requests: number;
  readonly ok2xx: number;
  /** Expected answers: valid tokens on routes their groups do not grant. */
  readonly forbidden403: number;
  /** Should be 0: every token sent is valid. */
  readonly unauthorized401: number;
  /** Any other answer (3xx, other 4xx, 5xx): should be 0. */
  readonly unexpectedStatus: number;
  /** Connection errors and time-outs: should be 0. */
  readonly errors: number;
  /** Authorizer invocations seen by the gateway (with the cache on, about one per token). */
  readonly authorizerInvocations: number;
}

const echo = (event: APIGatewayProxyEvent) =>
  Promise.resolve({ statusCode: 200, body: JSON.stringify({ path: event.path }) });

export async function measureGateway(options: GatewayOptions): Promise<GatewayRun> {
  const key = makeSigningKey('gateway-bench');
  const jwks = await startJwksServer([key]);
  // Decision lines are built and discarded, as in the verification benchmark.
  const authorizer = createAuthorizer(
    settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }),
    { logSink: () => undefined },
  );
  const handlers = Object.fromEntries(HANDLER_NAMES.map((name) => [name, echo])) as Record<HandlerName, typeof echo>;
  const gateway = await createLocalGateway({
    routes: accessMap,
    authorizer,
    handlers,
    resultsCacheTtlSeconds: options.cacheTtlSeconds,
    api: { region: 'us-east-1', accountId: '000000000000', apiId: 'bench', stage: 'v1' },
  }).listen(0, '127.0.0.1');

  // Distinct tokens per group set: with the cache off, each request is a full verification.
  const requests = Array.from({ length: options.tokens }, (_, i) => {
    const token = accessToken({
      issuer: jwks.issuer,
      clientId: CLIENT_ID,
      key,
      groups: CALLER_GROUPS[i % CALLER_GROUPS.length],
    });
    const [method, path] = MIXED_ROUTES[i % MIXED_ROUTES.length];
    const hasBody = method !== 'GET' && method !== 'DELETE';
    return {
      method: method as autocannon.Request['method'],
      path,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: hasBody ? '{}' : undefined,
    };
  });
  try {
    const result = await autocannon({
      url: gateway.url,
      connections: options.connections,
      duration: options.durationSeconds,
      requests,
    });
    const count = (status: number) => result.statusCodeStats?.[`${status}`]?.count ?? 0;
    const answered = Object.values(result.statusCodeStats ?? {}).reduce((sum, { count: n = 0 }) => sum + n, 0);
    return {
      cacheTtlSeconds: options.cacheTtlSeconds,
      rps: Math.round(result.requests.average),
      requests: result.requests.total,
      ok2xx: result['2xx'],
      forbidden403: count(403),
      unauthorized401: count(401),
      unexpectedStatus: answered - result['2xx'] - count(403) - count(401),
      errors: result.errors + result.timeouts,
      authorizerInvocations: gateway.authorizerInvocations,
    };
  } finally {
    await gateway.close();
    await jwks.close();
  }
}
