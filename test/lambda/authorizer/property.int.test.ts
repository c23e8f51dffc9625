/**
 * Properties of the real authorizer over random inputs (fast-check prints the seed of a failure):
 *  - for any valid token and any route, the policy decides exactly what the access map grants;
 *  - a token that is not the pool's own signed, well-formed token is never allowed anywhere.
 */
import fc from 'fast-check';
import { accessMap, grants, isPublic, type Route } from '../../../lib/contracts/access-map';
import { configFor } from '../../../lib/config/app-config';
import { createAuthorizer, type AuthorizerHandler } from '../../../lambda/authorizer/handler';
import { evaluatePolicy } from '../../../lambda/authorizer/iam-policy';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import {
  accessToken,
  base64url,
  makeSigningKey,
  signJwt,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../../fixtures/token-factory';

const CLIENT_ID = 'property-client';
const API_PREFIX = 'arn:aws:execute-api:eu-central-1:123456789012:prop/v1';
const protectedRoutes = accessMap.filter((route) => !isPublic(route));
const GROUP_NAMES = [
  'admin-group',
  'reviewers-group',
  'user-group',
  'admin-group ',
  '*',
  'ADMIN-GROUP',
  'reviewers',
  'user_group',
  '',
];

let poolKey: SigningKey;
let strangerKeys: SigningKey[];
let jwks: JwksServer;
let authorize: AuthorizerHandler;

beforeAll(async () => {
  poolKey = makeSigningKey('pool');
  strangerKeys = [makeSigningKey('pool'), makeSigningKey('stranger')];
  jwks = await startJwksServer([poolKey]);
  authorize = createAuthorizer(settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }), {
    logSink: () => undefined,
  });
});
afterAll(() => jwks.close());

/** A route with its path parameters filled by arbitrary single-segment values. */
const concreteRoute = fc
  .tuple(fc.constantFrom(...protectedRoutes), fc.stringMatching(/^[A-Za-z0-9._~%*?@:+-]{1,24}$/))
  .map(([route, value]): [Route, string] => [
    route,
    `${API_PREFIX}/${route.method}${route.path.replace(/\{[^}]+\}/g, value)}`,
  ]);

async function allowedOn(authorization: string, methodArn: string): Promise<boolean | 'unauthorized'> {
  try {
    const result = await authorize({ type: 'TOKEN', authorizationToken: authorization, methodArn });
    return evaluatePolicy(result.policyDocument, methodArn) === 'allow';
  } catch (error) {
    expect(error).toEqual(new Error('Unauthorized')); // never another error (a 500)
    return 'unauthorized';
  }
}

it('decides every route as the access map does, for any valid token and group set', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.option(fc.subarray(GROUP_NAMES), { nil: undefined }),
      concreteRoute,
      concreteRoute,
      async (groups, [calledRoute, calledArn], [otherRoute, otherArn]) => {
        const token = accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key: poolKey, groups });
        const result = await authorize({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: calledArn });
        // The answer is cached per token by API Gateway: it must decide the other route right too.
        expect(evaluatePolicy(result.policyDocument, calledArn) === 'allow').toBe(grants(calledRoute, groups ?? []));
        expect(evaluatePolicy(result.policyDocument, otherArn) === 'allow').toBe(grants(otherRoute, groups ?? []));
      },
    ),
    { numRuns: 150 },
  );
});

const decoded = (token: string) => token.split('.').map((part) => Buffer.from(part, 'base64url').toString('hex'));

it('never allows a valid token after any change to what it decodes to', async () => {
  const original = accessToken({
    issuer: jwks.issuer,
    clientId: CLIENT_ID,
    key: poolKey,
    groups: ['admin-group', 'reviewers-group'],
  });
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  await fc.assert(
    fc.asyncProperty(
      fc.nat(original.length - 1),
      fc.constantFrom(...alphabet),
      concreteRoute,
      async (position, replacement, [, methodArn]) => {
        if (original[position] === '.') return;
        const mutated = `${original.slice(0, position)}${replacement}${original.slice(position + 1)}`;
        // Base64url's last character carries spare bits: skip changes that decode to the same bytes.
        fc.pre(decoded(mutated).join('.') !== decoded(original).join('.'));
        expect(await allowedOn(`Bearer ${mutated}`, methodArn)).toBe('unauthorized');
      },
    ),
    { numRuns: 300 },
  );
});

it('never allows claims signed by any other key, or altered claims under the pool key’s old signature', async () => {
  const claim = fc.record({
    sub: fc.string({ minLength: 1, maxLength: 40 }),
    'cognito:groups': fc.subarray(GROUP_NAMES),
    token_use: fc.constantFrom('access', 'id', 'refresh'),
    client_id: fc.constantFrom(CLIENT_ID, 'other'),
  });
  await fc.assert(
    fc.asyncProperty(claim, fc.constantFrom(0, 1), concreteRoute, async (claims, keyIndex, [, methodArn]) => {
      const now = Math.floor(Date.now() / 1000);
      const payload = { ...claims, iss: jwks.issuer, exp: now + 600, iat: now, username: 'p' };
      const forged = signJwt({ kid: 'pool', alg: 'RS256' }, payload, strangerKeys[keyIndex]);
      expect(await allowedOn(`Bearer ${forged}`, methodArn)).toBe('unauthorized');
      const valid = accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key: poolKey });
      const [header, , signature] = valid.split('.');
      expect(await allowedOn(`Bearer ${header}.${base64url(JSON.stringify(payload))}.${signature}`, methodArn)).toBe(
        'unauthorized',
      );
    }),
    { numRuns: 100 },
  );
});
