/**
 * Machine clients (client-credentials tokens) × routes through the real authorizer, with RS256
 * tokens signed by a key the test serves as the JWKS: a machine token is allowed exactly the
 * routes listing one of its scopes, whatever route it called first (cache-safe), and nothing else.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { configFor } from '../../../lib/config/app-config';
import { createAuthorizer, type AuthorizerHandler } from '../../../lambda/authorizer/handler';
import { evaluatePolicy } from '../../../lambda/authorizer/iam-policy';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import {
  accessToken,
  machineToken,
  makeSigningKey,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../../fixtures/token-factory';

const USER_CLIENT = 'user-client-id';
const MACHINE_CLIENT = 'machine-client-id';
const OTHER_MACHINE = 'second-machine-id';
const config = configFor('dev');
const SERVER = config.resourceServer.identifier;
const API_PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v1';
const arn = (method: string, path: string): string => `${API_PREFIX}/${method}${path}`;

const ROUTES = {
  listReviews: arn('GET', '/api/reviews'),
  getReview: arn('GET', '/api/reviews/rev-1'),
  createReview: arn('POST', '/api/reviews'),
  updateReview: arn('PUT', '/api/reviews/rev-1'),
  profile: arn('GET', '/api/profile'),
  listUsers: arn('GET', '/api/admin/users'),
  deleteUser: arn('DELETE', '/api/admin/users/u-1'),
} as const;
type RouteName = keyof typeof ROUTES;
const READ: RouteName[] = ['listReviews', 'getReview'];
const WRITE: RouteName[] = ['createReview', 'updateReview'];

let key: SigningKey;
let foreignKey: SigningKey;
let jwks: JwksServer;
let authorize: AuthorizerHandler;
let logLines: string[];

beforeAll(async () => {
  key = makeSigningKey('key-1');
  foreignKey = makeSigningKey('key-1'); // same kid, another key: a forged signature
  jwks = await startJwksServer([key]);
  logLines = [];
  const settings = settingsFromConfig(config, {
    issuer: jwks.issuer,
    clientId: USER_CLIENT,
    machineClientIds: [MACHINE_CLIENT, OTHER_MACHINE],
  });
  authorize = createAuthorizer(settings, { logSink: (line) => logLines.push(line) });
});
afterAll(() => jwks.close());

const machine = (scope: string | undefined, options: Partial<Parameters<typeof machineToken>[0]> = {}): string =>
  machineToken({ issuer: jwks.issuer, clientId: MACHINE_CLIENT, key, scope, ...options });
const full = (...names: string[]): string => names.map((name) => `${SERVER}/${name}`).join(' ');

async function invoke(token: string, methodArn: string): Promise<APIGatewayAuthorizerResult | 'Unauthorized'> {
  try {
    return await authorize({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn });
  } catch (error) {
    expect(error).toEqual(new Error('Unauthorized'));
    return 'Unauthorized';
  }
}

/** The routes the answer's policy allows, called through `calledRoute` (the cached answer serves all of them). */
async function allowedVia(token: string, calledRoute: string): Promise<RouteName[] | 'Unauthorized'> {
  const result = await invoke(token, calledRoute);
  if (result === 'Unauthorized') return result;
  return (Object.keys(ROUTES) as RouteName[]).filter(
    (name) => evaluatePolicy(result.policyDocument, ROUTES[name]) === 'allow',
  );
}

describe('machine token × route', () => {
  it.each<[string, () => string, RouteName[]]>([
    ['reviews.read', () => machine(full('reviews.read')), READ],
    ['reviews.write', () => machine(full('reviews.write')), WRITE],
    ['both scopes', () => machine(full('reviews.read', 'reviews.write')), [...READ, ...WRITE]],
    ['no scope claim', () => machine(undefined), []],
    ['an empty scope claim', () => machine(''), []],
    ['a look-alike scope (reviews.readx)', () => machine(full('reviews.readx')), []],
    ['a prefix of a scope (reviews.rea)', () => machine(full('reviews.rea')), []],
    ['a scope without the resource server', () => machine('reviews.read'), []],
    ["another resource server's scope", () => machine('other-api/reviews.read other-api/reviews.write'), []],
    ['an OIDC scope only', () => machine('openid aws.cognito.signin.user.admin'), []],
    ['the scope with extra spaces around it', () => machine(` ${full('reviews.read')}  `), READ],
    [
      'a tab instead of a space (one unknown item)',
      () => machine(`${full('reviews.read')}\t${full('reviews.write')}`),
      [],
    ],
    [
      'groups a pre-token trigger added (grant nothing)',
      () => machine(full('reviews.read'), { claims: { 'cognito:groups': ['admin-group'] } }),
      READ,
    ],
    [
      "the second configured machine client's token",
      () => machine(full('reviews.write'), { clientId: OTHER_MACHINE }),
      WRITE,
    ],
  ])('%s: exactly the routes listing its scopes, whichever route is called first', async (_, make, allowed) => {
    const token = make();
    for (const calledRoute of Object.values(ROUTES)) expect(await allowedVia(token, calledRoute)).toEqual(allowed);
  });

  it.each<[string, () => string]>([
    ['an unknown client (not configured)', () => machine(full('reviews.read'), { clientId: 'someone-else' })],
    ['an expired token', () => machine(full('reviews.read'), { claims: { exp: 1000, iat: 900 } })],
    ['a forged signature', () => machine(full('reviews.read'), { key: foreignKey })],
    ['sub other than the client', () => machine(full('reviews.read'), { claims: { sub: 'a-user' } })],
    [
      'an ID token of the machine client',
      () => machine(full('reviews.read'), { claims: { token_use: 'id', aud: MACHINE_CLIENT } }),
    ],
    ['a scope claim that is not a string', () => machine(undefined, { claims: { scope: [full('reviews.read')] } })],
  ])('%s: 401', async (_, make) => {
    expect(await invoke(make(), ROUTES.listReviews)).toBe('Unauthorized');
  });

  it("a person's token is decided by groups only: scopes of the resource server change nothing", async () => {
    const person = accessToken({
      issuer: jwks.issuer,
      clientId: USER_CLIENT,
      key,
      groups: ['user-group'],
      claims: { scope: full('reviews.read', 'reviews.write') },
    });
    expect(await allowedVia(person, ROUTES.createReview)).toEqual(['listReviews', 'getReview', 'profile']);
  });

  it("a machine client's id in a person-shaped token is still a machine: no group rule applies", async () => {
    const shaped = accessToken({ issuer: jwks.issuer, clientId: MACHINE_CLIENT, key, groups: ['admin-group'] });
    expect(await invoke(shaped, ROUTES.listUsers)).toBe('Unauthorized'); // its sub is not the client
  });
});

describe('what machine callers leave behind', () => {
  it('passes the client and its scopes to the backends; the sub (the client id) is the author', async () => {
    const result = await invoke(machine(full('reviews.write', 'reviews.read')), ROUTES.createReview);
    if (result === 'Unauthorized') throw new Error('expected a policy');
    expect(result.principalId).toBe(MACHINE_CLIENT);
    expect(result.context).toMatchObject({
      sub: MACHINE_CLIENT,
      username: MACHINE_CLIENT,
      groups: '',
      primaryGroup: '',
      clientId: MACHINE_CLIENT,
      scopes: 'reviews.write reviews.read',
      tokenUse: 'access',
    });
  });

  it('decision lines carry client_id and scopes; a denied machine call is SCOPE_NOT_ALLOWED', async () => {
    logLines.length = 0;
    const token = machine(full('reviews.read'));
    await invoke(token, ROUTES.listReviews);
    await invoke(token, ROUTES.createReview);
    await invoke(
      accessToken({ issuer: jwks.issuer, clientId: USER_CLIENT, key, groups: ['user-group'] }),
      ROUTES.profile,
    );
    const [allowed, denied, person] = logLines.map((line) => JSON.parse(line));
    expect(allowed).toMatchObject({
      decision: 'allow',
      reason: 'ALLOWED',
      sub: MACHINE_CLIENT,
      client_id: MACHINE_CLIENT,
      scopes: 'reviews.read',
      route: 'GET /api/reviews',
    });
    expect(denied).toMatchObject({ decision: 'deny', reason: 'SCOPE_NOT_ALLOWED', client_id: MACHINE_CLIENT });
    expect(person).toMatchObject({ decision: 'allow', reason: 'ALLOWED' });
    expect(person).not.toHaveProperty('client_id');
    expect(person).not.toHaveProperty('scopes');
    for (const line of logLines) expect(line).not.toContain(token.split('.')[2]);
  });

  it('builds one frozen policy per scope set, apart from the policy of a group set', async () => {
    const first = await invoke(machine(full('reviews.read')), ROUTES.listReviews);
    const second = await invoke(machine(` ${full('reviews.read')}`), ROUTES.getReview);
    const person = await invoke(accessToken({ issuer: jwks.issuer, clientId: USER_CLIENT, key }), ROUTES.profile);
    if (first === 'Unauthorized' || second === 'Unauthorized' || person === 'Unauthorized') throw new Error('expected');
    expect(second.policyDocument).toBe(first.policyDocument);
    expect(person.policyDocument).not.toBe(first.policyDocument);
    expect(Object.isFrozen(first.policyDocument)).toBe(true);
  });
});
