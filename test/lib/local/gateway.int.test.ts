/**
 * The local gateway against the real authorizer (real RS256 tokens, real JWKS over HTTP).
 * Backends here echo what the gateway hands them: the gateway is what is under test.
 */
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent } from 'aws-lambda';
import { HANDLER_NAMES, accessMap, type HandlerName } from '../../../lib/contracts/access-map';
import { configFor } from '../../../lib/config/app-config';
import { corsPolicy } from '../../../lib/contracts/cors';
import {
  createLocalGateway,
  type AuthorizerFunction,
  type LocalGateway,
  type LocalGatewayProps,
  type ProxyHandler,
} from '../../../lib/local/gateway';
import { createAuthorizer } from '../../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import { send } from '../../support/http';
import {
  accessToken,
  makeSigningKey,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../../fixtures/token-factory';

const CLIENT_ID = 'gateway-test-client';
let key: SigningKey;
let jwks: JwksServer;
let authorizer: AuthorizerFunction;
const open: LocalGateway[] = [];

const echo = (event: APIGatewayProxyEvent) =>
  Promise.resolve({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      resource: event.resource,
      pathParameters: event.pathParameters,
      authorizer: event.requestContext.authorizer,
      body: event.body,
    }),
  });
const handlers = Object.fromEntries(HANDLER_NAMES.map((name) => [name, echo])) as Record<HandlerName, typeof echo>;

beforeAll(async () => {
  key = makeSigningKey('gw-key');
  jwks = await startJwksServer([key]);
  authorizer = createAuthorizer(settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }), {
    logSink: () => undefined,
  });
});
afterAll(async () => {
  await Promise.all(open.map((gateway) => gateway.close()));
  await jwks.close();
});

async function startGateway(overrides: Partial<LocalGatewayProps> = {}): Promise<LocalGateway> {
  const gateway = await createLocalGateway({
    routes: accessMap,
    authorizer,
    handlers,
    resultsCacheTtlSeconds: 300,
    api: { region: 'us-east-1', accountId: '000000000000', apiId: 'local', stage: 'v1' },
    ...overrides,
  }).listen(0, '127.0.0.1');
  open.push(gateway);
  return gateway;
}

const bearer = (groups?: string[]) =>
  `Bearer ${accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key, groups })}`;

async function call(gateway: LocalGateway, method: string, path: string, authorization?: string, body?: string) {
  const response = await send(`${gateway.url}${path}`, {
    method,
    headers: authorization === undefined ? {} : { Authorization: authorization },
    body,
  });
  return { status: response.status, cache: response.headers['x-local-authorizer'], json: response.json };
}

describe('like API Gateway', () => {
  let gateway: LocalGateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });

  it('answers unknown routes and methods with 403 Missing Authentication Token', async () => {
    expect(await call(gateway, 'GET', '/nope')).toMatchObject({
      status: 403,
      json: { message: 'Missing Authentication Token' },
    });
    expect(await call(gateway, 'PATCH', '/api/profile', bearer())).toMatchObject({
      status: 403,
      json: { message: 'Missing Authentication Token' },
    });
  });

  it('serves public routes without invoking the authorizer', async () => {
    const before = gateway.authorizerInvocations;
    const response = await call(gateway, 'POST', '/auth/login', undefined, '{"a":1}');
    expect(response).toMatchObject({
      status: 200,
      json: { resource: '/auth/login', body: '{"a":1}', authorizer: null },
    });
    expect(gateway.authorizerInvocations).toBe(before);
  });

  it('answers 401 for a missing or empty Authorization header without invoking the authorizer', async () => {
    const before = gateway.authorizerInvocations;
    expect(await call(gateway, 'GET', '/api/profile')).toMatchObject({
      status: 401,
      json: { message: 'Unauthorized' },
    });
    expect(await call(gateway, 'GET', '/api/profile', '')).toMatchObject({
      status: 401,
      json: { message: 'Unauthorized' },
    });
    expect(gateway.authorizerInvocations).toBe(before);
  });

  it('answers 401 when the authorizer rejects the token, saying the authorizer ran', async () => {
    const before = gateway.authorizerInvocations;
    expect(await call(gateway, 'GET', '/api/profile', 'Bearer garbage')).toMatchObject({
      status: 401,
      cache: 'invoked',
      json: { message: 'Unauthorized' },
    });
    expect(gateway.authorizerInvocations).toBe(before + 1);
  });

  it('passes the authorizer context and path parameters to the backend', async () => {
    const response = await call(gateway, 'DELETE', '/api/admin/users/u-1', bearer(['admin-group']));
    expect(response.status).toBe(200);
    expect(response.json.pathParameters).toEqual({ id: 'u-1' });
    expect(response.json.authorizer).toMatchObject({
      groups: 'admin-group',
      primaryGroup: 'admin-group',
      tokenUse: 'access',
    });
    expect(typeof response.json.authorizer.principalId).toBe('string');
  });

  it('hands the backend every context value as a string, as API Gateway does (a number exp arrives as "1700000000")', async () => {
    const policyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'execute-api:Invoke',
          Effect: 'Allow' as const,
          Resource: 'arn:aws:execute-api:us-east-1:000000000000:local/v1/*',
        },
      ],
    };
    const typed = await startGateway({
      authorizer: () =>
        Promise.resolve({
          principalId: 'p-1',
          policyDocument,
          context: { sub: 's', exp: 1_700_000_000, admin: false },
        }),
    });
    const response = await call(typed, 'GET', '/api/profile', 'Bearer x');
    expect(response.json.authorizer).toEqual({ sub: 's', exp: '1700000000', admin: 'false', principalId: 'p-1' });
  });

  it('caches the answer per token: the policy cached from one route decides every other route', async () => {
    const matrix: Array<[string[] | undefined, Array<[string, string, number]>]> = [
      [
        ['admin-group'],
        [
          ['GET', '/api/profile', 200],
          ['GET', '/api/admin/users', 200],
          ['DELETE', '/api/admin/users/x', 200],
          ['POST', '/api/reviews', 403],
          ['PUT', '/api/reviews/r', 403],
        ],
      ],
      [
        ['reviewers-group'],
        [
          ['GET', '/api/admin/users', 403],
          ['POST', '/api/reviews', 200],
          ['PUT', '/api/reviews/r', 200],
          ['DELETE', '/api/admin/users/x', 403],
          ['GET', '/api/profile', 200],
        ],
      ],
      [
        undefined,
        [
          ['GET', '/api/profile', 200],
          ['GET', '/api/admin/users', 403],
          ['POST', '/api/reviews', 403],
        ],
      ],
    ];
    for (const [groups, calls] of matrix) {
      const authorization = bearer(groups);
      const before = gateway.authorizerInvocations;
      const seen = [];
      for (const [method, path] of calls) seen.push((await call(gateway, method, path, authorization)).status);
      expect(seen).toEqual(calls.map(([, , status]) => status));
      expect(gateway.authorizerInvocations - before).toBe(1);
    }
  });
});

describe('authorizer cache settings', () => {
  it('invokes the authorizer on every request when the TTL is 0', async () => {
    const gateway = await startGateway({ resultsCacheTtlSeconds: 0 });
    const authorization = bearer(['user-group']);
    for (let i = 0; i < 3; i++)
      expect((await call(gateway, 'GET', '/api/profile', authorization)).cache).toBe('invoked');
    expect(gateway.authorizerInvocations).toBe(3);
  });

  it('invokes the authorizer again once the TTL has passed', async () => {
    let clock = Date.now();
    const gateway = await startGateway({ resultsCacheTtlSeconds: 1, now: () => clock });
    const authorization = bearer(['user-group']);
    expect((await call(gateway, 'GET', '/api/profile', authorization)).cache).toBe('invoked');
    clock += 999;
    expect((await call(gateway, 'GET', '/api/profile', authorization)).cache).toBe('hit');
    clock += 1;
    expect((await call(gateway, 'GET', '/api/profile', authorization)).cache).toBe('invoked');
  });
});

describe('authorizer invocation', () => {
  it('passes a fresh Lambda request id with every invocation, which the decision line carries', async () => {
    const lines: string[] = [];
    const logged = createAuthorizer(
      settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }),
      { logSink: (line) => lines.push(line) },
    );
    const gateway = await startGateway({ authorizer: logged, resultsCacheTtlSeconds: 0 });
    await call(gateway, 'GET', '/api/profile', bearer(['user-group']));
    await call(gateway, 'GET', '/api/profile', bearer(['user-group']));
    const requestIds = lines.map((line) => (JSON.parse(line) as { requestId?: unknown }).requestId);
    expect(requestIds).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(requestIds[0]).not.toBe(requestIds[1]);
  });
});

describe('failures are API Gateway’s, not a crash', () => {
  it('answers 500 when the authorizer throws anything but Unauthorized', async () => {
    const gateway = await startGateway({ authorizer: () => Promise.reject(new Error('boom')) });
    expect(await call(gateway, 'GET', '/api/profile', bearer())).toMatchObject({
      status: 500,
      cache: 'invoked',
      json: { message: 'Internal server error' },
    });
  });

  it('answers 500 when the authorizer returns a malformed answer', async () => {
    const gateway = await startGateway({
      authorizer: () =>
        Promise.resolve({
          principalId: 'p',
          policyDocument: { Version: '2012-10-17', Statement: [] },
          context: { groups: ['a'] as never },
        }),
    });
    expect((await call(gateway, 'GET', '/api/profile', bearer())).status).toBe(500);
  });

  it('answers 502 when a backend throws', async () => {
    const gateway = await startGateway({
      handlers: { ...handlers, profile: () => Promise.reject(new Error('backend down')) },
    });
    expect(await call(gateway, 'GET', '/api/profile', bearer())).toMatchObject({
      status: 502,
      json: { message: 'Internal server error' },
    });
  });
});

describe('backend answers', () => {
  /** Headers any HTTP server adds, and the local-only one: everything else must come from the backend. */
  const TRANSPORT = new Set([
    'date',
    'connection',
    'keep-alive',
    'content-length',
    'transfer-encoding',
    'x-local-authorizer',
  ]);

  it('pass through with exactly the backend’s headers (multi-value ones too), nothing added', async () => {
    const backend: ProxyHandler = () =>
      Promise.resolve({
        statusCode: 201,
        headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Count': 3 },
        multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
        body: '{}',
      });
    const gateway = await startGateway({
      handlers: { ...handlers, profile: backend },
      cors: corsPolicy(['http://localhost:4100'], accessMap),
    });
    const response = await send(`${gateway.url}/api/profile`, {
      headers: { Authorization: bearer(), Origin: 'http://localhost:4100' },
    });
    const fromBackend = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !TRANSPORT.has(name)));
    expect([response.status, fromBackend]).toEqual([
      201,
      { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-count': '3', 'set-cookie': ['a=1', 'b=2'] },
    ]);
  });

  it('decode a base64 body the backend marks so', async () => {
    const gateway = await startGateway({
      handlers: {
        ...handlers,
        profile: () =>
          Promise.resolve({ statusCode: 200, body: Buffer.from('binary!').toString('base64'), isBase64Encoded: true }),
      },
    });
    expect((await send(`${gateway.url}/api/profile`, { headers: { Authorization: bearer() } })).text).toBe('binary!');
  });
});

describe('policies the evaluator does not fully understand', () => {
  it('fail closed with a WARN line: "Allow * + Deny NotResource profile" allows nothing', async () => {
    const lines: string[] = [];
    const policy: APIGatewayAuthorizerResult['policyDocument'] = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*' },
        { Effect: 'Deny', Action: 'execute-api:Invoke', NotResource: 'arn:aws:execute-api:*/GET/api/profile' },
      ],
    };
    const gateway = await startGateway({
      authorizer: () => Promise.resolve({ principalId: 'p', policyDocument: policy }),
      accessLog: (line) => lines.push(line),
    });
    const authorization = bearer(['admin-group']);
    for (const path of ['/api/admin/users', '/api/profile'])
      expect((await call(gateway, 'GET', path, authorization)).status).toBe(403);
    const warnings = lines.map((line) => JSON.parse(line)).filter((line) => line.level === 'WARN');
    expect(warnings).toEqual([
      expect.objectContaining({
        service: 'local-gateway',
        reason: 'UNSUPPORTED_POLICY_STATEMENT',
        statement: 1,
        effect: 'Deny',
        problems: 'NotResource,Resource',
        treatedAs: 'denies-everything',
        methodArn: expect.stringContaining('/GET/api/admin/users'),
      }),
      expect.objectContaining({
        reason: 'UNSUPPORTED_POLICY_STATEMENT',
        methodArn: expect.stringContaining('/GET/api/profile'),
      }),
    ]);
    expect(lines.join('\n')).not.toContain(authorization.slice(7));
  });
});

describe('limits, logs and options', () => {
  it('answers 413 above the gateway’s body limit before routing', async () => {
    const gateway = await startGateway({ maxBodyBytes: 1024 });
    for (const path of ['/auth/login', '/nope']) {
      const response = await send(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.alloc(1025, 0x61),
      });
      expect([response.status, response.json]).toEqual([413, { message: 'Request Too Long' }]);
    }
  });

  it('without a CORS policy, answers no preflight and adds no CORS header', async () => {
    const gateway = await startGateway();
    const preflight = await send(`${gateway.url}/api/profile`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:3000' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('logs one JSON line per request with the path as sent, and never the token', async () => {
    const lines: string[] = [];
    const gateway = await startGateway({ accessLog: (line) => lines.push(line) });
    const authorization = bearer();
    await send(gateway.url, { target: '//x/api/profile?q=1', headers: { Authorization: authorization } });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'request',
        service: 'local-gateway',
        method: 'GET',
        path: '//x/api/profile',
        status: 403,
        authorizer: 'none',
        latencyMs: expect.any(Number),
      }),
    ]);
    expect(lines.join('')).not.toContain(authorization.slice(7));
  });
});
