/** The local identity pool's credentials: checked by what they are, until they expire (injected clock). */
import { generateKeyPairSync } from 'node:crypto';
import { createCredentialIssuer, CREDENTIALS_SECONDS } from '../../../../lib/local/cognito/aws-credentials';
import { signingKeyFrom } from '../../../../lib/local/cognito/signing-key';

const key = signingKeyFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
let now = 1_800_000_000;
const issuer = createCredentialIssuer(key, Buffer.from('secret-1'), () => now);
const grant = { roleArn: 'arn:aws:iam::000000000000:role/r', identityId: 'us-east-1:abc' };

beforeEach(() => {
  now = 1_800_000_000;
});

it('issues temporary credentials that name their role, session and identity', () => {
  const issued = issuer.issue(grant);
  expect(issued.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
  expect(issued.Expiration).toBe(now + CREDENTIALS_SECONDS);
  expect(issuer.check(issued.AccessKeyId, issued.SessionToken)).toEqual({
    grant: { ...grant, sessionName: 'CognitoIdentityCredentials' },
    secretAccessKey: issued.SecretKey,
  });
});

it('refuses another key id, another issuer’s secret key, and expired credentials', () => {
  const issued = issuer.issue(grant);
  const other = issuer.issue(grant);
  expect(issuer.check(other.AccessKeyId, issued.SessionToken)).toBeUndefined();
  const otherSecret = createCredentialIssuer(key, Buffer.from('secret-2'), () => now);
  expect(otherSecret.check(issued.AccessKeyId, issued.SessionToken)?.secretAccessKey).not.toBe(issued.SecretKey);
  now += CREDENTIALS_SECONDS;
  expect(issuer.check(issued.AccessKeyId, issued.SessionToken)).toBeUndefined();
});

it('refuses a session token of another key', () => {
  const stranger = signingKeyFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  const forged = createCredentialIssuer(stranger, Buffer.from('secret-1'), () => now).issue(grant);
  expect(issuer.check(forged.AccessKeyId, forged.SessionToken)).toBeUndefined();
});
