/**
 * A bounded load run on the local gateway (127.0.0.1 only): 10,000 requests, 50 at a time,
 * mixing valid and invalid tokens across routes, through the real authorizer with API Gateway's
 * cache on. Every answer is checked; none may be wrong or a 5xx; memory must not grow with load.
 */
import { Agent, request } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HANDLER_NAMES, accessMap, findRoute, grants, type HandlerName } from '../../../lib/contracts/access-map';
import { configFor } from '../../../lib/config/app-config';
import { createLocalGateway, type LocalGateway } from '../../../lib/local/gateway';
import { createAuthorizer } from '../../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import {
  accessToken,
  makeSigningKey,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../../fixtures/token-factory';
import { CALLER_GROUPS, MIXED_ROUTES } from '../../../fixtures/traffic';

jest.setTimeout(90_000);

const TOTAL = 10_000;
const CONCURRENCY = 50;
const TIME_LIMIT_MS = 60_000;
const CLIENT_ID = 'load-client';

interface Scenario {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly expected: number;
}

let key: SigningKey;
let jwks: JwksServer;
let gateway: LocalGateway;
const logLines: string[] = [];
const secrets: string[] = [];

const echo = (event: APIGatewayProxyEvent) =>
  Promise.resolve({ statusCode: 200, body: JSON.stringify({ path: event.path }) });

beforeAll(async () => {
  key = makeSigningKey('load');
  jwks = await startJwksServer([key]);
  const authorizer = createAuthorizer(
    settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }),
    {
      logSink: (line) => logLines.push(line),
    },
  );
  gateway = await createLocalGateway({
    routes: accessMap,
    authorizer,
    handlers: Object.fromEntries(HANDLER_NAMES.map((name) => [name, echo])) as Record<HandlerName, typeof echo>,
    resultsCacheTtlSeconds: 300,
    api: { region: 'us-east-1', accountId: '000000000000', apiId: 'load', stage: 'v1' },
  }).listen(0, '127.0.0.1');
});
afterAll(async () => {
  await gateway.close();
  await jwks.close();
});

function scenarios(): Scenario[] {
  const list: Scenario[] = [];
  const stranger = makeSigningKey('load');
  for (let i = 0; i < 400; i++) {
    const groups = CALLER_GROUPS[i % CALLER_GROUPS.length];
    const valid = accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key, groups });
    const [method, path] = MIXED_ROUTES[i % MIXED_ROUTES.length];
    const route = findRoute(accessMap, method, path)!.route;
    secrets.push(valid);
    list.push({ method, path, authorization: `Bearer ${valid}`, expected: grants(route, groups ?? []) ? 200 : 403 });
    // Invalid variants of the same request: all 401.
    const invalid = [
      undefined,
      'Bearer not-a-token',
      valid,
      `Bearer ${accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key: stranger, groups: ['admin-group'] })}`,
      `Bearer ${accessToken({ issuer: jwks.issuer, clientId: 'other-client', key, groups: ['admin-group'] })}`,
      `Bearer ${accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key, groups: ['admin-group'], claims: { exp: 1000, iat: 10 } })}`,
    ][i % 6];
    if (invalid) secrets.push(invalid);
    list.push({ method, path, authorization: invalid, expected: 401 });
  }
  return list;
}

function send(agent: Agent, scenario: Scenario): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(scenario.path, gateway.url);
    const body =
      scenario.method === 'POST' || scenario.method === 'PUT' ? '{"title":"t","body":"b","rating":1}' : undefined;
    const req = request(
      url,
      {
        method: scenario.method,
        agent,
        headers: scenario.authorization === undefined ? {} : { authorization: scenario.authorization },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

it(`answers ${TOTAL} mixed requests at ${CONCURRENCY} concurrent with no wrong decision, no 5xx and flat memory`, async () => {
  const list = scenarios();
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const wrong: Array<{ scenario: Scenario; status: number }> = [];
  const statuses = new Map<number, number>();
  let next = 0;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();

  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL && Date.now() - started < TIME_LIMIT_MS) {
        const scenario = list[next++ % list.length];
        const status = await send(agent, scenario);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status !== scenario.expected) wrong.push({ scenario, status });
      }
    }),
  );
  agent.destroy();
  global.gc?.();
  const rssAfter = process.memoryUsage().rss;
  const elapsed = Date.now() - started;
  process.stdout.write(
    `load: ${TOTAL} requests in ${elapsed} ms (${Math.round((TOTAL / elapsed) * 1000)} req/s), statuses ${JSON.stringify(Object.fromEntries(statuses))}, ` +
      `RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(rssAfter / 2 ** 20)} MB, authorizer invocations ${gateway.authorizerInvocations}\n`,
  );

  expect(next).toBeGreaterThanOrEqual(TOTAL); // finished within the time limit
  expect(wrong.slice(0, 5)).toEqual([]);
  expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
  expect(rssAfter - rssBefore).toBeLessThan(150 * 2 ** 20);
});

it('wrote no token or signature into the authorizer log during the run', () => {
  expect(logLines.length).toBeGreaterThan(0);
  const written = logLines.join('\n');
  for (const secret of secrets) {
    for (const part of secret
      .replace(/^Bearer /, '')
      .split('.')
      .slice(1))
      if (part.length >= 16) expect(written).not.toContain(part);
  }
});
