import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { configFor } from '../../../lib/config/app-config';
import { createAuthorizer, createAuthorizerFromEnv, type AuthorizerHandler } from '../../../lambda/authorizer/handler';
import { evaluatePolicy } from '../../../lambda/authorizer/iam-policy';
import type { RejectionReason } from '../../../lambda/token/reasons';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import {
  accessToken,
  makeSigningKey,
  signJwt,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../../fixtures/token-factory';

const CLIENT_ID = 'test-client-id';
const API_PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v1';
const arn = (method: string, path: string): string => `${API_PREFIX}/${method}${path}`;

/** Every protected route with a concrete request path, as API Gateway would put it in methodArn. */
const ROUTES = {
  profile: arn('GET', '/api/profile'),
  listUsers: arn('GET', '/api/admin/users'),
  deleteUser: arn('DELETE', '/api/admin/users/3f1c-user'),
  createReview: arn('POST', '/api/reviews'),
  updateReview: arn('PUT', '/api/reviews/rev-42'),
} as const;
type RouteName = keyof typeof ROUTES;

/** The access map's intent, written out by hand: which caller may call which route. */
const EXPECTED: Record<string, { groups?: string[]; allowed: RouteName[] }> = {
  admin: { groups: ['admin-group'], allowed: ['profile', 'listUsers', 'deleteUser'] },
  reviewer: { groups: ['reviewers-group'], allowed: ['profile', 'createReview', 'updateReview'] },
  user: { groups: ['user-group'], allowed: ['profile'] },
  multi: { groups: ['user-group', 'reviewers-group'], allowed: ['profile', 'createReview', 'updateReview'] },
  noGroupsClaim: { groups: undefined, allowed: ['profile'] },
  emptyGroups: { groups: [], allowed: ['profile'] },
  lookalikeGroups: { groups: ['admin-group ', 'Admin-Group', '*', 'reviewers'], allowed: ['profile'] },
};

let key: SigningKey;
let jwks: JwksServer;
let authorize: AuthorizerHandler;
let logLines: string[];

beforeAll(async () => {
  key = makeSigningKey('key-1');
  jwks = await startJwksServer([key]);
  logLines = [];
  authorize = createAuthorizer(settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }), {
    logSink: (line) => logLines.push(line),
  });
});
afterAll(() => jwks.close());

const token = (groups?: string[], extra: Partial<Parameters<typeof accessToken>[0]> = {}): string =>
  accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key, groups, ...extra });

async function invoke(
  authorization: string | undefined,
  methodArn: string = ROUTES.profile,
): Promise<APIGatewayAuthorizerResult | 'Unauthorized'> {
  try {
    return await authorize({ type: 'TOKEN', authorizationToken: authorization as string, methodArn });
  } catch (error) {
    expect(error).toEqual(new Error('Unauthorized'));
    return 'Unauthorized';
  }
}

function allowedRoutes(result: APIGatewayAuthorizerResult | 'Unauthorized'): RouteName[] {
  if (result === 'Unauthorized') throw new Error('expected a policy');
  return (Object.keys(ROUTES) as RouteName[]).filter(
    (name) => evaluatePolicy(result.policyDocument, ROUTES[name]) === 'allow',
  );
}

describe('group × route decisions', () => {
  for (const [caller, { groups, allowed }] of Object.entries(EXPECTED)) {
    it(`${caller}: the policy from any route decides every route as the access map says (cache-safe)`, async () => {
      const bearer = `Bearer ${token(groups)}`;
      for (const calledRoute of Object.values(ROUTES)) {
        const result = await invoke(bearer, calledRoute);
        expect(allowedRoutes(result)).toEqual(allowed);
      }
    });
  }

  it('returns the same frozen policy object for the same groups (built once per cold start)', async () => {
    const first = await invoke(`Bearer ${token(['admin-group'])}`);
    const second = await invoke(`Bearer ${token(['admin-group'])}`, ROUTES.createReview);
    if (first === 'Unauthorized' || second === 'Unauthorized') throw new Error('expected policies');
    expect(second.policyDocument).toBe(first.policyDocument);
    expect(Object.isFrozen(first.policyDocument)).toBe(true);
  });

  it('builds resources from the methodArn prefix, never a hard-coded partition', async () => {
    const chinaArn = 'arn:aws-cn:execute-api:cn-north-1:210987654321:xyz/prod/GET/api/profile';
    const result = await invoke(`Bearer ${token(['user-group'])}`, chinaArn);
    if (result === 'Unauthorized') throw new Error('expected a policy');
    expect(JSON.stringify(result.policyDocument)).not.toContain('arn:aws:');
    expect(evaluatePolicy(result.policyDocument, chinaArn)).toBe('allow');
    expect(evaluatePolicy(result.policyDocument, ROUTES.profile)).toBe('implicit-deny');
  });

  it('keeps the largest policy well under the API Gateway size limit', async () => {
    const result = await invoke(`Bearer ${token(['admin-group', 'reviewers-group', 'user-group'])}`);
    expect(JSON.stringify(result).length).toBeLessThan(4096);
  });
});

describe('context for backends', () => {
  it("passes strings and the token's exp only, with primaryGroup by configured precedence, not token order", async () => {
    const jwt = token(['user-group', 'reviewers-group'], { sub: 'sub-1', username: 'multi' });
    const result = await invoke(`Bearer ${jwt}`);
    if (result === 'Unauthorized') throw new Error('expected a policy');
    expect(result.principalId).toBe('sub-1');
    expect(result.context).toEqual({
      sub: 'sub-1',
      username: 'multi',
      groups: 'user-group,reviewers-group',
      primaryGroup: 'reviewers-group',
      clientId: CLIENT_ID,
      // A person's token: its scopes change nothing and are not passed on.
      scopes: '',
      tokenUse: 'access',
      // Backends refuse the request once it has passed, even through a cached Allow.
      exp: JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')).exp,
    });
  });

  it('has an empty primaryGroup for a user in no group', async () => {
    const result = await invoke(`Bearer ${token(undefined)}`);
    if (result === 'Unauthorized') throw new Error('expected a policy');
    expect(result.context).toMatchObject({ groups: '', primaryGroup: '' });
  });
});

describe('401: every bad token is Unauthorized', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, RejectionReason, () => string | undefined]> = [
    ['missing header', 'MISSING_TOKEN', () => undefined],
    ['empty header', 'MISSING_TOKEN', () => ''],
    ['no scheme', 'BAD_SCHEME', () => token(['admin-group'])],
    ['Basic scheme', 'BAD_SCHEME', () => `Basic ${token(['admin-group'])}`],
    ['scheme without space', 'BAD_SCHEME', () => `Bearer${token(['admin-group'])}`],
    ['two spaces', 'BAD_SCHEME', () => `Bearer  ${token(['admin-group'])}`],
    ['two tokens', 'BAD_SCHEME', () => `Bearer ${token(['admin-group'])} ${token(['admin-group'])}`],
    ['not three parts', 'MALFORMED_TOKEN', () => 'Bearer abc.def'],
    ['not base64url', 'MALFORMED_TOKEN', () => 'Bearer a+b.c/d.e=f'],
    ['header not JSON', 'MALFORMED_TOKEN', () => `Bearer ${Buffer.from('nope').toString('base64url')}.e30.sig`],
    ['payload not JSON', 'MALFORMED_TOKEN', () => `Bearer ${signRaw({ alg: 'RS256', kid: 'key-1' }, 'not json')}`],
    ['alg none, empty signature', 'UNSUPPORTED_ALG', () => `Bearer ${unsigned({ alg: 'none', kid: 'key-1' })}`],
    ['alg none, some signature', 'UNSUPPORTED_ALG', () => `Bearer ${unsigned({ alg: 'none', kid: 'key-1' })}c2ln`],
    ['alg HS256', 'UNSUPPORTED_ALG', () => `Bearer ${token(['admin-group'], { header: { alg: 'HS256' } })}`],
    ['alg RS512 header', 'UNSUPPORTED_ALG', () => `Bearer ${token(['admin-group'], { header: { alg: 'RS512' } })}`],
    [
      'jku header injection',
      'FORBIDDEN_HEADER',
      () => `Bearer ${token(['admin-group'], { header: { jku: 'https://evil.example/jwks' } })}`,
    ],
    ['unknown kid', 'UNKNOWN_KID', () => `Bearer ${token(['admin-group'], { header: { kid: 'other' } })}`],
    ['empty kid', 'UNKNOWN_KID', () => `Bearer ${token(['admin-group'], { header: { kid: '' } })}`],
    [
      'forged signature (other key, same kid)',
      'BAD_SIGNATURE',
      () =>
        `Bearer ${accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key: { ...makeSigningKey('key-1') }, groups: ['admin-group'] })}`,
    ],
    ['signature stripped', 'MALFORMED_TOKEN', () => `Bearer ${token(['admin-group']).replace(/\.[^.]+$/, '.')}`],
    [
      'payload tampered after signing',
      'BAD_SIGNATURE',
      () => `Bearer ${tamper(token(['user-group']), { 'cognito:groups': ['admin-group'] })}`,
    ],
    [
      'expired',
      'EXPIRED',
      () => `Bearer ${token(['admin-group'], { claims: { exp: now() - 3600, iat: now() - 7200 } })}`,
    ],
    ['missing exp', 'MISSING_EXP', () => `Bearer ${token(['admin-group'], { claims: { exp: undefined } })}`],
    [
      'exp as string',
      'MALFORMED_TOKEN',
      () => `Bearer ${token(['admin-group'], { claims: { exp: String(now() + 3600) } })}`,
    ],
    ['nbf in the future', 'NOT_YET_VALID', () => `Bearer ${token(['admin-group'], { claims: { nbf: now() + 3600 } })}`],
    ['iat in the future', 'NOT_YET_VALID', () => `Bearer ${token(['admin-group'], { claims: { iat: now() + 3600 } })}`],
    [
      'wrong issuer',
      'WRONG_ISSUER',
      () => `Bearer ${token(['admin-group'], { claims: { iss: `${jwks.issuer}-other` } })}`,
    ],
    [
      'issuer with trailing slash',
      'WRONG_ISSUER',
      () => `Bearer ${token(['admin-group'], { claims: { iss: `${jwks.issuer}/` } })}`,
    ],
    [
      'another client',
      'WRONG_CLIENT',
      () => `Bearer ${token(['admin-group'], { claims: { client_id: 'other-client' } })}`,
    ],
    [
      'ID token (not accepted by default)',
      'WRONG_TOKEN_USE',
      () => `Bearer ${token(['admin-group'], { claims: { token_use: 'id', aud: CLIENT_ID, client_id: undefined } })}`,
    ],
    [
      'refresh token_use',
      'WRONG_TOKEN_USE',
      () => `Bearer ${token(['admin-group'], { claims: { token_use: 'refresh' } })}`,
    ],
    [
      'missing token_use',
      'WRONG_TOKEN_USE',
      () => `Bearer ${token(['admin-group'], { claims: { token_use: undefined } })}`,
    ],
    [
      'groups as a string',
      'BAD_CLAIMS',
      () => `Bearer ${token(undefined, { claims: { 'cognito:groups': 'admin-group' } })}`,
    ],
    [
      'groups with a non-string',
      'BAD_CLAIMS',
      () => `Bearer ${token(undefined, { claims: { 'cognito:groups': ['admin-group', 1] } })}`,
    ],
    [
      'groups nested',
      'BAD_CLAIMS',
      () => `Bearer ${token(undefined, { claims: { 'cognito:groups': [['admin-group']] } })}`,
    ],
    [
      'header over 8 KB',
      'HEADER_TOO_LARGE',
      () => `Bearer ${token(['admin-group'], { claims: { padding: 'x'.repeat(9000) } })}`,
    ],
  ];

  for (const [name, reason, makeHeader] of cases) {
    it(`${name} → ${reason}`, async () => {
      expect(await invoke(makeHeader(), ROUTES.listUsers)).toBe('Unauthorized');
      expect(JSON.parse(logLines[logLines.length - 1])).toMatchObject({ decision: 'unauthorized', reason });
    });
  }

  it('accepts the scheme name in any case', async () => {
    expect(await invoke(`bearer ${token(['admin-group'])}`)).not.toBe('Unauthorized');
    expect(await invoke(`BEARER ${token(['admin-group'])}`)).not.toBe('Unauthorized');
  });

  it('rejects a missing methodArn instead of failing with an internal error', async () => {
    await expect(authorize({ type: 'TOKEN', authorizationToken: `Bearer ${token()}` } as never)).rejects.toEqual(
      new Error('Unauthorized'),
    );
  });

  function unsigned(header: Record<string, unknown>): string {
    const payloadPart = token(['admin-group']).split('.')[1];
    return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payloadPart}.`;
  }
  function signRaw(header: Record<string, unknown>, payload: string): string {
    const signed = signJwt(header, {}, key).split('.');
    return `${signed[0]}.${Buffer.from(payload).toString('base64url')}.${signed[2]}`;
  }
  function tamper(jwt: string, claims: Record<string, unknown>): string {
    const [header, payload, signature] = jwt.split('.');
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return `${header}.${Buffer.from(JSON.stringify({ ...decoded, ...claims })).toString('base64url')}.${signature}`;
  }
});

describe('ID tokens when configured', () => {
  it('accepts an ID token checked by aud, and rejects one for another audience', async () => {
    const withIdTokens = createAuthorizer(
      { ...settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }), acceptIdTokens: true },
      { logSink: () => undefined },
    );
    const idClaims = (aud: string) => ({ token_use: 'id', aud, client_id: undefined, 'cognito:username': 'alice' });
    const ok = await withIdTokens({
      type: 'TOKEN',
      authorizationToken: `Bearer ${token(['user-group'], { claims: idClaims(CLIENT_ID) })}`,
      methodArn: ROUTES.profile,
    });
    expect(ok.context).toMatchObject({ tokenUse: 'id', username: 'alice', clientId: CLIENT_ID });
    await expect(
      withIdTokens({
        type: 'TOKEN',
        authorizationToken: `Bearer ${token(['user-group'], { claims: idClaims('other') })}`,
        methodArn: ROUTES.profile,
      }),
    ).rejects.toEqual(new Error('Unauthorized'));
  });
});

describe('decision logs', () => {
  it('writes one JSON line per decision with a reason code, and never the token or its signature', async () => {
    logLines.length = 0;
    const valid = token(['user-group']);
    const expired = token(['admin-group'], { claims: { exp: 1, iat: 0 } });
    await invoke(`Bearer ${valid}`, ROUTES.profile);
    await invoke(`Bearer ${valid}`, ROUTES.listUsers);
    await invoke(`Bearer ${expired}`, ROUTES.profile);
    await invoke(`Bearer ${expired.replace(/\.[^.]+$/, '.AAAA')}`, ROUTES.profile);
    const entries = logLines.map((line) => JSON.parse(line));
    expect(entries.map((entry) => [entry.decision, entry.reason])).toEqual([
      ['allow', 'ALLOWED'],
      ['deny', 'GROUP_NOT_ALLOWED'],
      ['unauthorized', 'EXPIRED'],
      ['unauthorized', 'BAD_SIGNATURE'],
    ]);
    expect(entries[0]).toMatchObject({ level: 'INFO', service: 'authorizer', route: 'GET /api/profile' });
    for (const jwt of [valid, expired]) {
      const [, payload, signature] = jwt.split('.');
      for (const line of logLines) {
        expect(line).not.toContain(payload);
        expect(line).not.toContain(signature);
      }
    }
  });
});

describe('request ids', () => {
  it('puts the Lambda request id in every decision line: allow, deny and unauthorized', async () => {
    logLines.length = 0;
    const bearer = `Bearer ${token(['user-group'])}`;
    const event = (authorizationToken: string, methodArn: string) => ({
      type: 'TOKEN' as const,
      authorizationToken,
      methodArn,
    });
    await authorize(event(bearer, ROUTES.profile), { awsRequestId: 'req-allow' });
    await authorize(event(bearer, ROUTES.listUsers), { awsRequestId: 'req-deny' });
    await expect(authorize(event('Bearer nope', ROUTES.profile), { awsRequestId: 'req-401' })).rejects.toEqual(
      new Error('Unauthorized'),
    );
    expect(logLines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ requestId: 'req-allow', decision: 'allow' }),
      expect.objectContaining({ requestId: 'req-deny', decision: 'deny' }),
      expect.objectContaining({ requestId: 'req-401', decision: 'unauthorized', reason: 'MALFORMED_TOKEN' }),
    ]);
  });

  it('tolerates a caller without a Lambda context (the line has no requestId then)', async () => {
    logLines.length = 0;
    expect(await invoke(`Bearer ${token(['user-group'])}`)).not.toBe('Unauthorized');
    const entry = JSON.parse(logLines[0]);
    expect(entry).toMatchObject({
      decision: 'allow',
      reason: 'ALLOWED',
      groups: 'user-group',
      route: 'GET /api/profile',
    });
    expect(entry).not.toHaveProperty('requestId');
  });

  it('carries it on the CONFIG_ERROR line of an authorizer whose environment is broken', async () => {
    const lines: string[] = [];
    const broken = createAuthorizerFromEnv({ APP_STAGE: 'dev' }, { logSink: (line) => lines.push(line) });
    await expect(
      broken(
        { type: 'TOKEN', authorizationToken: `Bearer ${token()}`, methodArn: ROUTES.profile },
        { awsRequestId: 'req-config' },
      ),
    ).rejects.toEqual(new Error('Unauthorized'));
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'ERROR',
      requestId: 'req-config',
      decision: 'unauthorized',
      reason: 'CONFIG_ERROR',
    });
  });
});
