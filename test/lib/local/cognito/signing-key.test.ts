/** The local Cognito's own key: JWS it signs verify, anything else does not; made once per state directory. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadOrCreateSigningKey, signingKeyFrom } from '../../../../lib/local/cognito/signing-key';

const newKey = () => signingKeyFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
const key = newKey();

it('verifies what it signed, and serves the public half with its kid', () => {
  const token = key.sign({ sub: 'u', n: 1 });
  expect(key.verifiedClaims(token)).toEqual({ sub: 'u', n: 1 });
  expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({
    alg: 'RS256',
    kid: key.kid,
    typ: 'JWT',
  });
  expect(key.jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: key.kid, e: 'AQAB' });
  expect(key.jwk).not.toHaveProperty('d');
});

it('refuses another key, a changed payload, alg none and garbage', () => {
  const token = key.sign({ sub: 'u' });
  const [header, , signature] = token.split('.');
  const forgedPayload = Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url');
  const none = Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url');
  for (const bad of [
    newKey().sign({ sub: 'u' }),
    `${header}.${forgedPayload}.${signature}`,
    `${none}.${forgedPayload}.`,
    'not.a.jwt',
    '',
  ]) {
    expect(key.verifiedClaims(bad)).toBeUndefined();
  }
});

it('makes the key file once, readable by the owner only, and reads the same key back', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'signing-key-')), 'signing-key.pem');
  const made = loadOrCreateSigningKey(file);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const again = loadOrCreateSigningKey(file);
  expect(again.kid).toBe(made.kid);
  expect(again.verifiedClaims(made.sign({ a: 1 }))).toEqual({ a: 1 });
});
