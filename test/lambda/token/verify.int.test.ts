/** The verifier alone: typed claims out of a verified token, library errors mapped to reasons with their cause kept. */
import { JwtExpiredError, JwtInvalidSignatureError } from 'aws-jwt-verify/error';
import { configFor } from '../../../lib/config/app-config';
import { TokenRejectedError } from '../../../lambda/token/reasons';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import { createTokenVerifier, type TokenVerifier } from '../../../lambda/token/verify';
import {
  accessToken,
  makeSigningKey,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../../fixtures/token-factory';

const CLIENT_ID = 'verify-test-client';
let key: SigningKey;
let jwks: JwksServer;
let verifier: TokenVerifier;

beforeAll(async () => {
  key = makeSigningKey('verify-key');
  jwks = await startJwksServer([key]);
  verifier = createTokenVerifier(settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }));
  await verifier.hydrate();
});
afterAll(() => jwks.close());

const token = (options: Partial<Parameters<typeof accessToken>[0]> = {}) =>
  accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key, ...options });

async function rejection(jwt: string): Promise<TokenRejectedError> {
  try {
    await verifier.verify(jwt);
  } catch (error) {
    if (error instanceof TokenRejectedError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

it('returns the claims the authorizer relies on', async () => {
  const iat = Math.floor(Date.now() / 1000) - 10;
  const claims = await verifier.verify(
    token({
      sub: 'sub-9',
      username: 'ann',
      groups: ['user-group'],
      claims: { iat, exp: iat + 3600, origin_jti: 'session-9' },
    }),
  );
  expect(claims).toEqual({
    sub: 'sub-9',
    username: 'ann',
    groups: ['user-group'],
    clientId: CLIENT_ID,
    machine: false,
    scopes: [],
    tokenUse: 'access',
    issuedAt: iat,
    expiresAt: iat + 3600,
    sessionId: 'session-9',
  });
});

it("names the session by Cognito's origin_jti, or by the token's own jti when it has none (the emulator's tokens)", async () => {
  expect(await verifier.verify(token({ claims: { origin_jti: 'origin-7', jti: 'jti-7' } }))).toMatchObject({
    sessionId: 'origin-7',
  });
  expect(await verifier.verify(token({ claims: { origin_jti: undefined, jti: 'jti-8' } }))).toMatchObject({
    sessionId: 'jti-8',
  });
});

it('gives a user in no group an empty, shared group list', async () => {
  const first = await verifier.verify(token());
  const second = await verifier.verify(token());
  expect(first.groups).toEqual([]);
  expect(first.groups).toBe(second.groups);
});

it('maps library errors to reason codes and keeps them as the cause', async () => {
  const now = Math.floor(Date.now() / 1000);
  const expired = await rejection(token({ claims: { exp: now - 60, iat: now - 120 } }));
  expect(expired.reason).toBe('EXPIRED');
  expect(expired.cause).toBeInstanceOf(JwtExpiredError);
  const forged = await rejection(
    accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key: makeSigningKey('verify-key') }),
  );
  expect(forged.reason).toBe('BAD_SIGNATURE');
  expect(forged.cause).toBeInstanceOf(JwtInvalidSignatureError);
});

it('rejects claims of the wrong type that aws-jwt-verify lets through', async () => {
  expect((await rejection(token({ claims: { auth_time: 1.5 } }))).reason).toBe('BAD_CLAIMS');
  expect((await rejection(token({ claims: { sub: '' } }))).reason).toBe('BAD_CLAIMS');
  expect((await rejection(token({ claims: { 'cognito:groups': ['a', null] } }))).reason).toBe('BAD_CLAIMS');
  expect((await rejection(token({ claims: { client_id: ['verify-test-client'] } }))).reason).toBe('WRONG_CLIENT');
});
