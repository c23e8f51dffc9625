/**
 * Differential: each request of api-gateway-expectations.ts, sent over HTTP to the local gateway
 * (real authorizer, real RS256 tokens, a JWKS over HTTP), must be answered as we hold API Gateway to
 * answer it: status, the gateway's own message, whether the authorizer ran, whether the backend ran,
 * and the listed headers.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HANDLER_NAMES, accessMap, type HandlerName } from '../../../lib/contracts/access-map';
import { configFor } from '../../../lib/config/app-config';
import { corsPolicy } from '../../../lib/contracts/cors';
import { createLocalGateway, type LocalGateway } from '../../../lib/local/gateway';
import { createAuthorizer } from '../../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import { accessToken, makeSigningKey, startJwksServer, type JwksServer } from '../../../fixtures/token-factory';
import { send } from '../../support/http';
import {
  API_GATEWAY_EXPECTATIONS,
  FIRST_ORIGIN,
  SECOND_ORIGIN,
  type Credential,
  type GatewayExpectation,
} from './api-gateway-expectations';

const CLIENT_ID = 'differential-client';
let jwks: JwksServer;
let gateway: LocalGateway;
let backendCalls = 0;
let credentials: Record<Credential, string[]>;

const echo = (event: APIGatewayProxyEvent) => {
  backendCalls++;
  return Promise.resolve({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ resource: event.resource }),
  });
};

beforeAll(async () => {
  const key = makeSigningKey('differential');
  jwks = await startJwksServer([key]);
  const token = (groups: string[]) =>
    `Bearer ${accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key, groups })}`;
  const admin = token(['admin-group']);
  credentials = {
    admin: [admin],
    user: [token(['user-group'])],
    garbage: ['Bearer not.a.token'],
    empty: [''],
    'admin-twice': [admin, admin],
    'admin-and-garbage': [admin, 'Bearer not.a.token'],
  };
  gateway = await createLocalGateway({
    routes: accessMap,
    authorizer: createAuthorizer(settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }), {
      logSink: () => undefined,
    }),
    handlers: Object.fromEntries(HANDLER_NAMES.map((name) => [name, echo])) as Record<HandlerName, typeof echo>,
    resultsCacheTtlSeconds: 0, // every request shows whether the authorizer runs for it
    api: { region: 'us-east-1', accountId: '000000000000', apiId: 'local', stage: 'v1' },
    cors: corsPolicy([FIRST_ORIGIN, SECOND_ORIGIN], accessMap),
  }).listen(0, '127.0.0.1');
});
afterAll(async () => {
  await gateway.close();
  await jwks.close();
});

function headersFor({
  credential,
  origin,
  bodyBytes,
}: GatewayExpectation['request']): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  if (credential) headers.Authorization = credentials[credential];
  if (origin) headers.Origin = origin;
  if (bodyBytes !== undefined) headers['Content-Type'] = 'application/json';
  return headers;
}

/** A JSON string body of exactly `bytes` bytes. */
const bodyOf = (bytes: number) => Buffer.from(`"${'a'.repeat(bytes - 2)}"`);

it.each(API_GATEWAY_EXPECTATIONS.map((expectation) => [expectation.name, expectation] as const))(
  '%s',
  async (_name, { request, expected, because }) => {
    const invocations = gateway.authorizerInvocations;
    const calls = backendCalls;
    const response = await send(gateway.url, {
      method: request.method,
      target: request.target,
      headers: headersFor(request),
      body: request.bodyBytes === undefined ? undefined : bodyOf(request.bodyBytes),
    });
    const seen = {
      because,
      status: response.status,
      ...(expected.message === undefined ? {} : { message: response.json?.message }),
      authorizerInvoked: gateway.authorizerInvocations > invocations,
      reachesBackend: backendCalls > calls,
      localHeader: response.headers['x-local-authorizer'],
      headers: Object.fromEntries(
        Object.keys(expected.headers ?? {}).map((name) => [name, response.headers[name] ?? null]),
      ),
    };
    expect(seen).toEqual({
      because,
      status: expected.status,
      ...(expected.message === undefined ? {} : { message: expected.message }),
      authorizerInvoked: expected.authorizerInvoked,
      reachesBackend: expected.reachesBackend,
      // The local-only header says what the invocation count says.
      localHeader: expected.authorizerInvoked ? 'invoked' : 'none',
      headers: expected.headers ?? {},
    });
  },
);
