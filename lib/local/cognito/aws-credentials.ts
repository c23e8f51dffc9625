/**
 * Temporary AWS credentials of the local Cognito Identity, checked by the local STS. Nothing is
 * stored: the session token is a JWT of the local key naming the access key id, role, session and
 * expiry, and the secret key is an HMAC of the access key id under a key kept in the state
 * directory (0600), so credentials stay valid across restarts until they expire.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { COGNITO_CREDENTIALS_SESSION } from '../../config/identity-pool';
import type { SigningKey } from './signing-key';

/** How long Cognito Identity's credentials last. */
export const CREDENTIALS_SECONDS = 3600;
const SESSION_TOKEN_USE = 'aws-session';

export interface AwsCredentials {
  readonly AccessKeyId: string;
  readonly SecretKey: string;
  readonly SessionToken: string;
  /** Epoch seconds (the JSON protocols' timestamp). */
  readonly Expiration: number;
}

/** Who holds a set of credentials. */
export interface CredentialGrant {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly identityId: string;
}

export interface CredentialIssuer {
  issue(grant: Omit<CredentialGrant, 'sessionName'>): AwsCredentials;
  /** The grant of an access key id and session token this issuer made and that have not expired, and its secret. */
  check(accessKeyId: string, sessionToken: string): { grant: CredentialGrant; secretAccessKey: string } | undefined;
}

export function createCredentialIssuer(key: SigningKey, secretKey: Buffer, now: () => number): CredentialIssuer {
  const secretOf = (accessKeyId: string): string =>
    createHmac('sha256', secretKey).update(accessKeyId).digest('base64').slice(0, 40);
  return {
    issue({ roleArn, identityId }) {
      // ASIA: the prefix of temporary (STS) access key ids.
      const accessKeyId = `ASIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`;
      const expiration = now() + CREDENTIALS_SECONDS;
      const sessionToken = key.sign({
        token_use: SESSION_TOKEN_USE,
        akid: accessKeyId,
        role: roleArn,
        session: COGNITO_CREDENTIALS_SESSION,
        identity_id: identityId,
        iat: now(),
        exp: expiration,
      });
      return {
        AccessKeyId: accessKeyId,
        SecretKey: secretOf(accessKeyId),
        SessionToken: sessionToken,
        Expiration: expiration,
      };
    },
    check(accessKeyId, sessionToken) {
      const claims = key.verifiedClaims(sessionToken);
      const { token_use: use, akid, role, session, identity_id: identityId, exp } = claims ?? {};
      if (use !== SESSION_TOKEN_USE || akid !== accessKeyId || typeof exp !== 'number' || exp <= now())
        return undefined;
      if (typeof role !== 'string' || typeof session !== 'string' || typeof identityId !== 'string') return undefined;
      return { grant: { roleArn: role, sessionName: session, identityId }, secretAccessKey: secretOf(accessKeyId) };
    },
  };
}

/** Reads the secret from `file`, or makes one and writes it there (readable by the owner only). */
export function loadOrCreateSecret(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    const secret = randomBytes(32);
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
