/** Claims of the local Cognito's tokens, as Cognito's (injected clock). */
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { AppClient } from 'cognito-local/lib/services/appClient';
import type { User } from 'cognito-local/lib/services/userPoolService';
import { discoveryDocument } from '../../../../lib/local/cognito/discovery';
import { signingKeyFrom } from '../../../../lib/local/cognito/signing-key';
import {
  createTokenIssuer,
  issuesIdToken,
  sessionOfRefreshToken,
  USER_ADMIN_SCOPE,
  validitySeconds,
} from '../../../../lib/local/cognito/tokens';

const key = signingKeyFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
const NOW = 1_800_000_000;
const issuer = createTokenIssuer(key, 'http://127.0.0.1:9229', () => NOW);
const client = {
  ClientId: 'client-1',
  UserPoolId: 'local_pool',
  AccessTokenValidity: 5,
  IdTokenValidity: 60,
  RefreshTokenValidity: 30,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
} as AppClient;
const user = {
  Username: 'ann@example.com',
  Enabled: true,
  UserStatus: 'CONFIRMED',
  Attributes: [
    { Name: 'sub', Value: 'sub-1' },
    { Name: 'email', Value: 'ann@example.com' },
    { Name: 'email_verified', Value: 'true' },
    { Name: 'custom:role', Value: 'reviewer' },
  ],
} as User;
const session = {
  originJti: 'origin-1',
  clientId: 'client-1',
  username: 'ann@example.com',
  authTime: NOW - 100,
  scopes: ['openid', 'email'],
};
const claims = (token: string | undefined) => key.verifiedClaims(token!)!;

it('access and ID tokens carry the session’s origin_jti and auth_time, the groups, and the nonce', () => {
  const tokens = issuer.issue({
    user,
    groups: ['g1'],
    client,
    session,
    nonce: 'n-1',
    withIdToken: true,
    withRefreshToken: true,
  });
  expect(claims(tokens.AccessToken)).toMatchObject({
    sub: 'sub-1',
    'cognito:groups': ['g1'],
    iss: 'http://127.0.0.1:9229/local_pool',
    origin_jti: 'origin-1',
    auth_time: NOW - 100,
    client_id: 'client-1',
    token_use: 'access',
    scope: 'openid email',
    iat: NOW,
    exp: NOW + 300,
    username: 'ann@example.com',
  });
  expect(claims(tokens.AccessToken)).not.toHaveProperty('aud');
  const atHash = createHash('sha256').update(tokens.AccessToken).digest().subarray(0, 16).toString('base64url');
  expect(claims(tokens.IdToken)).toMatchObject({
    aud: 'client-1',
    token_use: 'id',
    origin_jti: 'origin-1',
    nonce: 'n-1',
    at_hash: atHash,
    email: 'ann@example.com',
    email_verified: true,
    'custom:role': 'reviewer',
    'cognito:username': 'ann@example.com',
    exp: NOW + 3600,
  });
  expect(tokens).toMatchObject({ ExpiresIn: 300, TokenType: 'Bearer' });
  expect(sessionOfRefreshToken(claims(tokens.RefreshToken))).toEqual(session);
  expect(claims(tokens.RefreshToken).exp).toBe(NOW + 30 * 86_400);
});

it('leaves out what was not asked for: groups of a user in none, nonce, ID and refresh tokens', () => {
  const tokens = issuer.issue({ user, groups: [], client, session, withIdToken: false, withRefreshToken: false });
  expect(claims(tokens.AccessToken)).not.toHaveProperty('cognito:groups');
  expect(tokens.IdToken).toBeUndefined();
  expect(tokens.RefreshToken).toBeUndefined();
  expect(sessionOfRefreshToken(claims(tokens.AccessToken))).toBeUndefined();
});

it('puts the groups’ role claims in the ID token only, as Cognito does', () => {
  const roles = {
    'cognito:roles': ['arn:aws:iam::000000000000:role/r'],
    'cognito:preferred_role': 'arn:aws:iam::000000000000:role/r',
  };
  const tokens = issuer.issue({
    user,
    groups: ['g1'],
    roles,
    client,
    session,
    withIdToken: true,
    withRefreshToken: false,
  });
  expect(claims(tokens.IdToken)).toMatchObject(roles);
  expect(claims(tokens.AccessToken)).not.toHaveProperty('cognito:roles');
  expect(claims(tokens.AccessToken)).not.toHaveProperty('cognito:preferred_role');
});

it('reads validities in their units, with Cognito’s defaults', () => {
  expect(
    validitySeconds(
      { ...client, AccessTokenValidity: 30, TokenValidityUnits: { AccessToken: 'seconds' } },
      'AccessToken',
    ),
  ).toBe(30);
  expect(validitySeconds({ ...client, IdTokenValidity: undefined, TokenValidityUnits: undefined }, 'IdToken')).toBe(
    3600,
  );
  expect(
    validitySeconds({ ...client, RefreshTokenValidity: undefined, TokenValidityUnits: undefined }, 'RefreshToken'),
  ).toBe(30 * 86_400);
});

it('issues ID tokens for the API flows and for openid, not for other OAuth scopes alone', () => {
  expect([issuesIdToken([USER_ADMIN_SCOPE]), issuesIdToken(['openid']), issuesIdToken(['email'])]).toEqual([
    true,
    true,
    false,
  ]);
});

it('discovery names the issuer, the endpoints on the Hosted UI origin and the grants it is given', () => {
  expect(
    discoveryDocument({ issuer: 'http://h:1/local_p', hostedUiBase: 'http://h:1', grantTypes: ['authorization_code'] }),
  ).toMatchObject({
    issuer: 'http://h:1/local_p',
    jwks_uri: 'http://h:1/local_p/.well-known/jwks.json',
    authorization_endpoint: 'http://h:1/oauth2/authorize',
    token_endpoint: 'http://h:1/oauth2/token',
    userinfo_endpoint: 'http://h:1/oauth2/userInfo',
    grant_types_supported: ['authorization_code'],
    code_challenge_methods_supported: ['S256'],
  });
});
