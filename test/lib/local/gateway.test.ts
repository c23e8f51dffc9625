/**
 * The local gateway against the real authorizer (real RS256 tokens, real JWKS over HTTP).
 * Backends here echo what the gateway hands them: the gateway is what is under test.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { accessMap, type HandlerName } from '../../../lib/config/access-map';
import { configFor } from '../../../lib/config/app-config';
import { createLocalGateway, type AuthorizerFunction, type LocalGateway, type LocalGatewayProps } from '../../../lib/local/gateway';
import { createAuthorizer } from '../../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../../lambda/authorizer/settings';
import { send } from '../../support/http';
import { accessToken, makeSigningKey, startJwksServer, type JwksServer, type SigningKey } from '../../../fixtures/token-factory';

const CLIENT_ID = 'gateway-test-client';
let key: SigningKey;
let jwks: JwksServer;
let authorizer: AuthorizerFunction;
const open: LocalGateway[] = [];

const echo = (event: APIGatewayProxyEvent) =>
  Promise.resolve({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ resource: event.resource, pathParameters: event.pathParameters, authorizer: event.requestContext.authorizer, body: event.body }),
  });
const handlers = Object.fromEntries(['auth', 'profile', 'adminUsers', 'reviews'].map((name) => [name, echo])) as Record<HandlerName, typeof echo>;

beforeAll(async () => {
  key = makeSigningKey('gw-key');
  jwks = await startJwksServer([key]);
  authorizer = createAuthorizer(settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }), { logSink: () => undefined });
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

const bearer = (groups?: string[]) => `Bearer ${accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key, groups })}`;

async function call(gateway: LocalGateway, method: string, path: string, authorization?: string, body?: string) {
  const response = await send(`${gateway.url}${path}`, { method, headers: authorization === undefined ? {} : { Authorization: authorization }, body });
  return { status: response.status, cache: response.headers['x-local-authorizer'], json: response.json };
}

describe('like API Gateway', () => {
  let gateway: LocalGateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });

  it('answers unknown routes and methods with 403 Missing Authentication Token', async () => {
    expect(await call(gateway, 'GET', '/nope')).toMatchObject({ status: 403, json: { message: 'Missing Authentication Token' } });
    expect(await call(gateway, 'PATCH', '/api/profile', bearer())).toMatchObject({ status: 403, json: { message: 'Missing Authentication Token' } });
  });

  it('serves public routes without invoking the authorizer', async () => {
    const before = gateway.authorizerInvocations;
    const response = await call(gateway, 'POST', '/auth/login', undefined, '{"a":1}');
    expect(response).toMatchObject({ status: 200, json: { resource: '/auth/login', body: '{"a":1}', authorizer: null } });
    expect(gateway.authorizerInvocations).toBe(before);
  });

  it('answers 401 for a missing or empty Authorization header without invoking the authorizer', async () => {
    const before = gateway.authorizerInvocations;
    expect(await call(gateway, 'GET', '/api/profile')).toMatchObject({ status: 401, json: { message: 'Unauthorized' } });
    expect(await call(gateway, 'GET', '/api/profile', '')).toMatchObject({ status: 401, json: { message: 'Unauthorized' } });
    expect(gateway.authorizerInvocations).toBe(before);
  });

  it('answers 401 when the authorizer rejects the token', async () => {
    expect(await call(gateway, 'GET', '/api/profile', 'Bearer garbage')).toMatchObject({ status: 401, json: { message: 'Unauthorized' } });
  });

  it('passes the authorizer context and path parameters to the backend', async () => {
    const response = await call(gateway, 'DELETE', '/api/admin/users/u-1', bearer(['admin-group']));
    expect(response.status).toBe(200);
    expect(response.json.pathParameters).toEqual({ id: 'u-1' });
    expect(response.json.authorizer).toMatchObject({ groups: 'admin-group', primaryGroup: 'admin-group', tokenUse: 'access' });
    expect(typeof response.json.authorizer.principalId).toBe('string');
  });

  it('caches the answer per token: the policy cached from one route decides every other route', async () => {
    const matrix: Array<[string[] | undefined, Array<[string, string, number]>]> = [
      [['admin-group'], [['GET', '/api/profile', 200], ['GET', '/api/admin/users', 200], ['DELETE', '/api/admin/users/x', 200], ['POST', '/api/reviews', 403], ['PUT', '/api/reviews/r', 403]]],
      [['reviewers-group'], [['GET', '/api/admin/users', 403], ['POST', '/api/reviews', 200], ['PUT', '/api/reviews/r', 200], ['DELETE', '/api/admin/users/x', 403], ['GET', '/api/profile', 200]]],
      [undefined, [['GET', '/api/profile', 200], ['GET', '/api/admin/users', 403], ['POST', '/api/reviews', 403]]],
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
    for (let i = 0; i < 3; i++) expect((await call(gateway, 'GET', '/api/profile', authorization)).cache).toBe('invoked');
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

describe('failures are API Gateway’s, not a crash', () => {
  it('answers 500 when the authorizer throws anything but Unauthorized', async () => {
    const gateway = await startGateway({ authorizer: () => Promise.reject(new Error('boom')) });
    expect(await call(gateway, 'GET', '/api/profile', bearer())).toMatchObject({ status: 500, json: { message: 'Internal server error' } });
  });

  it('answers 500 when the authorizer returns a malformed answer', async () => {
    const gateway = await startGateway({
      authorizer: () => Promise.resolve({ principalId: 'p', policyDocument: { Version: '2012-10-17', Statement: [] }, context: { groups: ['a'] as never } }),
    });
    expect((await call(gateway, 'GET', '/api/profile', bearer())).status).toBe(500);
  });

  it('answers 502 when a backend throws', async () => {
    const gateway = await startGateway({ handlers: { ...handlers, profile: () => Promise.reject(new Error('backend down')) } });
    expect(await call(gateway, 'GET', '/api/profile', bearer())).toMatchObject({ status: 502, json: { message: 'Internal server error' } });
  });
});
