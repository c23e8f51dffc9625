/**
 * The local identity pool's rules without a server: the role a token's claims give under each role
 * mapping, and guest identities when the pool allows them. Logins with real tokens: identity.int.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createCredentialIssuer } from '../../../../lib/local/cognito/aws-credentials';
import { identityTargets, roleFor, type IdentityError } from '../../../../lib/local/cognito/identity';
import type { IdentityPoolRecord, IdentityStore } from '../../../../lib/local/cognito/identity-store';
import type { Sessions } from '../../../../lib/local/cognito/sessions';
import { signingKeyFrom } from '../../../../lib/local/cognito/signing-key';

const AUTHENTICATED = 'arn:aws:iam::000000000000:role/authenticated';
const GUEST = 'arn:aws:iam::000000000000:role/guest';
const ADMIN = 'arn:aws:iam::000000000000:role/admin';
const USER = 'arn:aws:iam::000000000000:role/user';
const provider = { ProviderName: '127.0.0.1:9229/local_pool', ClientId: 'client-1' };

function poolWith(mapping?: IdentityPoolRecord['RoleMappings'][string], extra: Partial<IdentityPoolRecord> = {}) {
  return {
    IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000001',
    IdentityPoolName: 'pool',
    AllowUnauthenticatedIdentities: false,
    CognitoIdentityProviders: [provider],
    Roles: { authenticated: AUTHENTICATED, unauthenticated: GUEST },
    RoleMappings: mapping ? { [`${provider.ProviderName}:${provider.ClientId}`]: mapping } : {},
    Identities: {},
    ...extra,
  } satisfies IdentityPoolRecord;
}
const deny = poolWith({ Type: 'Token', AmbiguousRoleResolution: 'Deny' });
const caller = (claims: Record<string, unknown>) => ({ claims, provider });
const errorOf = (run: () => unknown): IdentityError | undefined => {
  try {
    run();
  } catch (error) {
    return error as IdentityError;
  }
  return undefined;
};

describe('roleFor (role mapping Token)', () => {
  it('gives the preferred role, else the only role, else the authenticated role', () => {
    expect(roleFor(deny, caller({ 'cognito:roles': [ADMIN, USER], 'cognito:preferred_role': ADMIN }))).toBe(ADMIN);
    expect(roleFor(deny, caller({ 'cognito:roles': [USER] }))).toBe(USER);
    expect(roleFor(deny, caller({}))).toBe(AUTHENTICATED);
  });

  it('denies several roles with none preferred (Deny), or falls back to the authenticated role (AuthenticatedRole)', () => {
    expect(errorOf(() => roleFor(deny, caller({ 'cognito:roles': [ADMIN, USER] })))).toMatchObject({
      type: 'NotAuthorizedException',
      message: expect.stringContaining('ambiguous role mapping'),
    });
    const lenient = poolWith({ Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' });
    expect(roleFor(lenient, caller({ 'cognito:roles': [ADMIN, USER] }))).toBe(AUTHENTICATED);
  });

  it('takes a CustomRoleArn only if the token names it', () => {
    expect(roleFor(deny, caller({ 'cognito:roles': [ADMIN, USER], 'cognito:preferred_role': ADMIN }), USER)).toBe(USER);
    expect(errorOf(() => roleFor(deny, caller({ 'cognito:roles': [USER] }), ADMIN))).toMatchObject({
      type: 'NotAuthorizedException',
    });
  });

  it('ignores token claims without a Token mapping, and says so when the pool has no authenticated role', () => {
    expect(roleFor(poolWith(), caller({ 'cognito:preferred_role': ADMIN }))).toBe(AUTHENTICATED);
    expect(errorOf(() => roleFor(poolWith(undefined, { Roles: {} }), caller({})))).toMatchObject({
      type: 'InvalidIdentityPoolConfigurationException',
    });
  });
});

const key = signingKeyFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);

function targetsFor(pool: IdentityPoolRecord, sessions = {} as Sessions) {
  const pools = new Map([[pool.IdentityPoolId, pool]]);
  const store: IdentityStore = {
    pools: () => [...pools.values()],
    pool: (id) => pools.get(id),
    save: (saved) => void pools.set(saved.IdentityPoolId, saved),
  };
  const now = () => 1_800_000_000;
  const credentials = createCredentialIssuer(key, Buffer.from('secret'), now);
  return {
    targets: identityTargets({ sessions, store, credentials, key, endpoint: 'http://x', region: 'us-east-1', now }),
    credentials,
  };
}

describe('guest identities', () => {
  it('get the unauthenticated role when the pool allows them', async () => {
    const pool = poolWith(undefined, { AllowUnauthenticatedIdentities: true });
    const { targets, credentials } = targetsFor(pool);
    const { IdentityId } = (await targets.get('GetId')!({} as never, {
      IdentityPoolId: pool.IdentityPoolId,
    })) as {
      IdentityId: string;
    };
    expect(IdentityId).toMatch(/^us-east-1:/);
    const answer = (await targets.get('GetCredentialsForIdentity')!({} as never, { IdentityId })) as {
      Credentials: { AccessKeyId: string; SessionToken: string };
    };
    expect(credentials.check(answer.Credentials.AccessKeyId, answer.Credentials.SessionToken)?.grant.roleArn).toBe(
      GUEST,
    );
  });

  it('are refused when it does not', async () => {
    const { targets } = targetsFor(deny);
    await expect(targets.get('GetId')!({} as never, { IdentityPoolId: deny.IdentityPoolId })).rejects.toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Unauthenticated access is not supported for this identity pool.',
    });
  });
});

it('keeps every new identity when logins are checked concurrently and finish out of order', async () => {
  // A session check that finishes when the test says: the second login is answered first.
  const pending = new Map<string, (value: { user: never; claims: Record<string, unknown> }) => void>();
  const sessions = {
    liveId: (_ctx: unknown, token: string) => new Promise((resolve) => pending.set(token, resolve)),
  } as unknown as Sessions;
  const { targets } = targetsFor(deny, sessions);
  const getId = (token: string) =>
    targets.get('GetId')!({} as never, {
      IdentityPoolId: deny.IdentityPoolId,
      Logins: { [provider.ProviderName]: token },
    });
  const claimsOf = (sub: string) => ({ iss: `http://${provider.ProviderName}`, aud: provider.ClientId, sub });
  const first = getId('token-a');
  const second = getId('token-b');
  await Promise.resolve();
  pending.get('token-b')!({ user: undefined as never, claims: claimsOf('b') });
  await second;
  pending.get('token-a')!({ user: undefined as never, claims: claimsOf('a') });
  const [a, b] = (await Promise.all([first, second])) as { IdentityId: string }[];
  // The login answered first was saved first: the later save kept it.
  const again = getId('token-b');
  await Promise.resolve();
  pending.get('token-b')!({ user: undefined as never, claims: claimsOf('b') });
  expect(await again).toEqual(b);
  expect(a.IdentityId).not.toBe(b.IdentityId);
});
