/**
 * The authorizer with its revocation check on, against a real local DynamoDB (dynalite) behind a
 * TCP proxy, real RS256 tokens of both shapes (Cognito's, with `origin_jti`; the emulator's, with
 * only `jti`), and the check's clock injected: what is revoked, what is not, and what happens when
 * the store cannot be read.
 */
import { accessMap } from '../../../lib/contracts/access-map';
import { configFor, type AppConfig } from '../../../lib/config/app-config';
import { ENV } from '../../../lib/contracts/runtime-env';
import { createAuthorizer, type AuthorizerHandler } from '../../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import { createDocumentClient } from '../../../lib/clients/dynamodb-client';
import { createRevocationStore, type RevocationStore } from '../../../lambda/revocation/store';
import {
  accessToken,
  makeSigningKey,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../../fixtures/token-factory';
import { startLocalStore, type LocalStore } from '../../../fixtures/local-dynamo';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';

const CLIENT_ID = 'revocation-client';
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/GET/api/profile';
const REFRESH_MS = configFor('dev').revocation.refreshSeconds * 1000;

let key: SigningKey;
let jwks: JwksServer;
let dynamo: LocalStore;
let proxy: TcpProxy;
let clock: number;
let writer: RevocationStore;
let lines: Array<Record<string, unknown>>;

beforeAll(async () => {
  key = makeSigningKey('revocation-key');
  [jwks, dynamo] = await Promise.all([startJwksServer([key]), startLocalStore()]);
});
afterAll(async () => {
  await Promise.all([jwks.close(), dynamo.stop()]);
});
// A proxy per test: a read a check starts after a test's last decision ends with it, and counts stay the test's own.
afterEach(() => proxy.close());
beforeEach(async () => {
  proxy = await startTcpProxy(Number(new URL(dynamo.endpoint).port));
  lines = [];
  clock = Date.now();
  writer = createRevocationStore({
    client: createDocumentClient(dynamo.env),
    tableName: dynamo.tables.revocations,
    retention: { tokenSeconds: 3605, userSeconds: 30 * 86_400 + 5 },
    now: () => clock,
  });
});

function authorizer(revocation: Partial<AppConfig['revocation']> = {}): AuthorizerHandler {
  const config = configFor('dev');
  const settings = settingsFromConfig(
    { ...config, revocation: { ...config.revocation, ...revocation } },
    { issuer: jwks.issuer, clientId: CLIENT_ID },
    accessMap,
    {
      tableName: dynamo.tables.revocations,
      env: { ...dynamo.env, [ENV.dynamodbEndpoint]: proxy.url },
    },
  );
  return createAuthorizer(settings, {
    logSink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    now: () => clock,
  });
}

let sessions = 0;
/** A token of `sub`; Cognito's shape names its session in `origin_jti`, the emulator's does not. */
function token(sub: string, shape: 'cognito' | 'emulator', claims: Record<string, unknown> = {}): string {
  sessions++;
  const session =
    shape === 'cognito'
      ? { origin_jti: `origin-${sessions}`, jti: `jti-${sessions}` }
      : { origin_jti: undefined, jti: `jti-${sessions}` };
  return accessToken({
    issuer: jwks.issuer,
    clientId: CLIENT_ID,
    key,
    sub,
    groups: ['user-group'],
    claims: { ...session, ...claims },
  });
}
/** Query requests (full or incremental reads of the feed) the authorizers sent to the store. */
const reads = () => proxy.sent('DynamoDB_20120810.Query');
/** Every request the authorizers sent to the store. */
const storeRequests = () => proxy.sent('DynamoDB_20120810.');
/** Point reads that asked for this user's item (a read another test left in flight cannot count). */
const pointReadsOf = (sub: string) => proxy.sent(`"user#${sub}"`);
const claim = (jwt: string, name: string) =>
  (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>)[name] as string;

/** The decision line's reason for one call (ALLOWED or the rejection's code); one call at a time. */
async function reasonFor(authorize: AuthorizerHandler, jwt: string): Promise<unknown> {
  const from = lines.length;
  await authorize({ type: 'TOKEN', authorizationToken: `Bearer ${jwt}`, methodArn: METHOD_ARN }).catch(
    (error: unknown) => expect(error).toEqual(new Error('Unauthorized')),
  );
  return lines.slice(from).find((line) => line.message === 'authorization decision')?.reason;
}

it("rejects every token of a revoked Cognito session (origin_jti), a refreshed one too, and no other of the user's sessions", async () => {
  const authorize = authorizer();
  const first = token('ann', 'cognito');
  const refreshed = token('ann', 'cognito', { origin_jti: claim(first, 'origin_jti') }); // a new jti, the same session
  const other = token('ann', 'cognito');
  expect(await reasonFor(authorize, first)).toBe('ALLOWED');
  await writer.revokeSession('ann', claim(first, 'origin_jti'));
  clock += REFRESH_MS;
  expect([
    await reasonFor(authorize, first),
    await reasonFor(authorize, refreshed),
    await reasonFor(authorize, other),
  ]).toEqual(['REVOKED', 'REVOKED', 'ALLOWED']);
});

it("rejects the revoked emulator token (named by its own jti), and not another of the same session: the emulator's tokens carry no session id", async () => {
  const authorize = authorizer();
  const presented = token('bob', 'emulator');
  const earlier = token('bob', 'emulator');
  await writer.revokeSession('bob', claim(presented, 'jti'));
  expect([await reasonFor(authorize, presented), await reasonFor(authorize, earlier)]).toEqual(['REVOKED', 'ALLOWED']);
});

it("rejects a signed-out user's tokens issued before the cut-off, of either shape, and accepts a later login", async () => {
  const authorize = authorizer();
  const nowSeconds = Math.floor(Date.now() / 1000);
  await writer.revokeUser('cat', nowSeconds);
  const before = [token('cat', 'cognito', { iat: nowSeconds - 1 }), token('cat', 'emulator', { iat: nowSeconds - 1 })];
  const after = token('cat', 'cognito', { iat: nowSeconds });
  const reasons: unknown[] = [];
  for (const jwt of [...before, after]) reasons.push(await reasonFor(authorize, jwt));
  expect(reasons).toEqual(['REVOKED', 'REVOKED', 'ALLOWED']);
});

it('never reads the store for a token it has not verified', async () => {
  const authorize = authorizer();
  const forged = accessToken({
    issuer: jwks.issuer,
    clientId: CLIENT_ID,
    key: makeSigningKey('revocation-key'),
    sub: 'dan',
  });
  const before = storeRequests();
  for (const jwt of ['not.a.token', forged, `${token('dan', 'cognito')}=`])
    expect(await reasonFor(authorize, jwt)).not.toBe('ALLOWED');
  expect(storeRequests() - before).toBe(0);
  expect(await reasonFor(authorize, token('dan', 'cognito'))).toBe('ALLOWED');
  expect(pointReadsOf('dan')).toBe(1);
});

it('as the Lambda entry starts it (prefetch during Init): one JWKS download and no store read; the first request reads its own items', async () => {
  const revoked = token('dot', 'cognito');
  await writer.revokeSession('dot', claim(revoked, 'origin_jti'));
  const authorize = authorizer();
  const before = storeRequests();
  const jwksBefore = jwks.requests;
  await authorize.prefetch();
  expect([storeRequests() - before, jwks.requests - jwksBefore]).toEqual([0, 1]);
  expect(await reasonFor(authorize, revoked)).toBe('REVOKED');
  expect(pointReadsOf('dot')).toBe(1);
  expect(await reasonFor(authorize, token('dot', 'cognito'))).toBe('ALLOWED');
  expect(jwks.requests - jwksBefore).toBe(1);
});

describe("on a cold start: the first decision reads the token's own items, the next loads the copy", () => {
  it('refuses a revoked session from the point read, never reads for an unverified token, and then decides from the copy the next decision loaded', async () => {
    const revoked = token('hal', 'cognito');
    await writer.revokeSession('hal', claim(revoked, 'origin_jti'));
    const nowSeconds = Math.floor(Date.now() / 1000);
    await writer.revokeUser('ida', nowSeconds);
    const authorize = authorizer();
    expect(await reasonFor(authorize, `${token('hal', 'cognito')}=`)).not.toBe('ALLOWED');
    expect(storeRequests()).toBe(0);
    expect(await reasonFor(authorize, revoked)).toBe('REVOKED');
    expect([pointReadsOf('hal'), reads()]).toEqual([1, 0]);
    expect(await reasonFor(authorize, token('ida', 'emulator', { iat: nowSeconds - 1 }))).toBe('REVOKED');
    expect([pointReadsOf('ida'), reads()]).toEqual([0, 1]);
    expect([await reasonFor(authorize, revoked), await reasonFor(authorize, token('kay', 'cognito'))]).toEqual([
      'REVOKED',
      'ALLOWED',
    ]);
    expect([storeRequests(), pointReadsOf('hal'), reads()]).toEqual([2, 1, 1]);
  });

  it('fails closed when the point read fails', async () => {
    const authorize = authorizer();
    proxy.set('refuse');
    expect(await reasonFor(authorize, token('jan', 'cognito'))).toBe('REVOCATION_UNAVAILABLE');
  });
});

it('hands the backends the token’s exp in the context', async () => {
  const jwt = token('eve', 'cognito');
  const answer = await authorizer()({ type: 'TOKEN', authorizationToken: `Bearer ${jwt}`, methodArn: METHOD_ARN });
  expect(answer.context?.exp).toBe(Number(claim(jwt, 'exp')));
});

describe('when the store cannot be read', () => {
  it('fails closed: REVOCATION_UNAVAILABLE, a 401 like every rejection', async () => {
    const authorize = authorizer();
    proxy.set('refuse');
    expect(await reasonFor(authorize, token('fay', 'cognito'))).toBe('REVOCATION_UNAVAILABLE');
    expect(lines.at(-1)).toMatchObject({ level: 'WARN', decision: 'unauthorized', reason: 'REVOCATION_UNAVAILABLE' });
  });

  it('lets verified tokens pass unchecked with failOpen, and says so in a WARN decision line', async () => {
    const authorize = authorizer({ failOpen: true });
    proxy.set('refuse');
    expect(await reasonFor(authorize, token('gus', 'cognito'))).toBe('ALLOWED_UNCHECKED');
    expect(lines.at(-1)).toMatchObject({ level: 'WARN', decision: 'allow', reason: 'ALLOWED_UNCHECKED' });
  });
});
