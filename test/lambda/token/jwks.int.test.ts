/**
 * JWKS faults against a real local JWKS server: every failure is a 401 (fail closed),
 * none hangs beyond the fetch time-out, and unknown kids cannot flood the JWKS endpoint.
 */
import { configFor } from '../../../lib/config/app-config';
import { createAuthorizer, type AuthorizerHandler } from '../../../lambda/authorizer/handler';
import { BoundedJwksFetcher, JwksFetchError } from '../../../lambda/token/jwks-fetcher';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import { BoundedRequestError } from '../../../lambda/shared/bounded-request';
import {
  accessToken,
  makeSigningKey,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../../fixtures/token-factory';

const CLIENT_ID = 'jwks-test-client';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:api1/v1/GET/api/profile';
const FETCH_TIMEOUT_MS = 300;

let oldKey: SigningKey;
let newKey: SigningKey;
let server: JwksServer;
let reasons: string[];

beforeAll(async () => {
  oldKey = makeSigningKey('old');
  newKey = makeSigningKey('new');
  server = await startJwksServer([oldKey]);
});
afterAll(() => server.close());

function freshAuthorizer(issuer = server.issuer): AuthorizerHandler {
  reasons = [];
  const settings = {
    ...settingsFromConfig(configFor('dev'), { issuer, clientId: CLIENT_ID }),
    jwksFetchTimeoutMs: FETCH_TIMEOUT_MS,
  };
  return createAuthorizer(settings, { logSink: (line) => reasons.push(JSON.parse(line).reason) });
}

async function outcome(authorize: AuthorizerHandler, key: SigningKey, kid = key.kid): Promise<string> {
  const token = accessToken({ issuer: server.issuer, clientId: CLIENT_ID, key, header: { kid } });
  try {
    await authorize({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN });
    return 'allow';
  } catch (error) {
    expect(error).toEqual(new Error('Unauthorized'));
    return reasons[reasons.length - 1];
  }
}

afterEach(() => server.respondWith({ keys: [oldKey] }));

it('fetches the JWKS once per cold start and reuses it', async () => {
  const authorize = freshAuthorizer();
  const before = server.requests;
  for (let i = 0; i < 5; i++) expect(await outcome(authorize, oldKey)).toBe('allow');
  expect(server.requests - before).toBe(1);
});

it('accepts a rotated key after one refetch, and a flood of unknown kids fetches at most once per penalty window', async () => {
  const authorize = freshAuthorizer();
  expect(await outcome(authorize, oldKey)).toBe('allow');
  server.respondWith({ keys: [oldKey, newKey] });
  const before = server.requests;
  expect(await outcome(authorize, newKey)).toBe('allow');
  expect(server.requests - before).toBe(1);

  const flood = await Promise.all(Array.from({ length: 50 }, (_, i) => outcome(authorize, newKey, `attacker-${i}`)));
  expect(new Set(flood)).toEqual(new Set(['UNKNOWN_KID']));
  expect(server.requests - before).toBe(2);
  expect(await outcome(authorize, oldKey)).toBe('allow');
});

it.each([
  ['500', { status: 500 }],
  ['invalid JSON', { rawBody: '{"keys": [' }],
  ['not a key set', { rawBody: '{"keys": "none"}' }],
  ['empty key set', { keys: [] }],
])('fails closed when the JWKS answers %s', async (_name, answer) => {
  server.respondWith(answer);
  const result = await outcome(freshAuthorizer(), oldKey);
  expect(result).not.toBe('allow');
  expect(['JWKS_UNAVAILABLE', 'UNKNOWN_KID']).toContain(result);
});

it('fails closed within the fetch time-out when the JWKS is slow', async () => {
  server.respondWith({ keys: [oldKey], delayMs: FETCH_TIMEOUT_MS * 10 });
  const started = Date.now();
  expect(await outcome(freshAuthorizer(), oldKey)).toBe('JWKS_UNAVAILABLE');
  // The server answers only after 10× the time-out: finishing before that shows the time-out cut
  // the wait (a margin of seconds, not a race with the machine's speed).
  expect(Date.now() - started).toBeLessThan(FETCH_TIMEOUT_MS * 10);
});

it('fails closed when the JWKS host is unreachable', async () => {
  const closed = await startJwksServer([oldKey]);
  await closed.close();
  const authorize = freshAuthorizer(closed.issuer);
  const token = accessToken({ issuer: closed.issuer, clientId: CLIENT_ID, key: oldKey });
  await expect(
    authorize({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN }),
  ).rejects.toEqual(new Error('Unauthorized'));
  expect(reasons).toEqual(['JWKS_UNAVAILABLE']);
});

it('refuses plain-http JWKS URIs that are not loopback', async () => {
  const authorize = freshAuthorizer('http://jwks.example.com/pool');
  const token = accessToken({ issuer: 'http://jwks.example.com/pool', clientId: CLIENT_ID, key: oldKey });
  await expect(
    authorize({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN }),
  ).rejects.toEqual(new Error('Unauthorized'));
  expect(reasons).toEqual(['JWKS_UNAVAILABLE']);
});

describe('prefetch (what the Lambda entry starts during Init)', () => {
  it('downloads the JWKS once, and the first request shares that download instead of starting another', async () => {
    const authorize = freshAuthorizer();
    const before = server.requests;
    const prefetched = authorize.prefetch();
    // Asked while the download is in flight: the request waits for it.
    expect(await outcome(authorize, oldKey)).toBe('allow');
    await prefetched;
    expect(await outcome(authorize, oldKey)).toBe('allow');
    expect(server.requests - before).toBe(1);
  });

  it('warms the decision code while the download waits, writing no line and deciding nothing', async () => {
    const authorize = freshAuthorizer();
    const prefetched = authorize.prefetch();
    await new Promise((resolve) => setImmediate(resolve)); // the warm-up has run (it was queued first)
    await prefetched;
    // No line but the download's own, if a stalled machine let its time-out pass: never a decision.
    expect(reasons.filter((reason) => reason !== 'JWKS_PREFETCH_FAILED')).toEqual([]);
    expect(await outcome(authorize, oldKey)).toBe('allow');
    expect(reasons.at(-1)).toBe('ALLOWED');
  });

  it('never rejects: a failed download is logged, and the first request fetches again and is allowed', async () => {
    const authorize = freshAuthorizer();
    server.respondWith({ status: 503 });
    await expect(authorize.prefetch()).resolves.toBeUndefined();
    expect(reasons).toEqual(['JWKS_PREFETCH_FAILED']);
    server.respondWith({ keys: [oldKey] });
    expect(await outcome(authorize, oldKey)).toBe('allow');
  });
});

it('keeps the cause of a failed download, down to the socket error', async () => {
  const closed = await startJwksServer([oldKey]);
  await closed.close();
  const error: unknown = await new BoundedJwksFetcher(FETCH_TIMEOUT_MS)
    .fetch(closed.jwksUri)
    .catch((failure: unknown) => failure);
  expect(error).toBeInstanceOf(JwksFetchError);
  const cause = (error as Error).cause;
  expect(cause).toBeInstanceOf(BoundedRequestError);
  expect((cause as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
});
