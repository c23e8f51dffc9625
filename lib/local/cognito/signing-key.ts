/**
 * The local Cognito's own RS256 key: made once per state directory (0600), so tokens stay valid
 * across restarts, and served at `<issuer>/.well-known/jwks.json`. Unlike cognito-local's key,
 * it is shipped nowhere: nobody else can mint tokens this system accepts.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export interface PublicJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
  readonly kid: string;
  readonly alg: 'RS256';
  readonly use: 'sig';
}

export interface SigningKey {
  readonly kid: string;
  readonly jwk: PublicJwk;
  /** A compact JWS (RS256) of `claims`, with this key's `kid`. */
  sign(claims: Readonly<Record<string, unknown>>): string;
  /** The claims of a JWS this key signed, or undefined (malformed, other key, bad signature). Checks no claim. */
  verifiedClaims(token: string): Record<string, unknown> | undefined;
}

/** Reads the key from `file`, or makes one and writes it there (readable by the owner only). */
export function loadOrCreateSigningKey(file: string): SigningKey {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  }
  return signingKeyFrom(createPrivateKey(pem));
}

export function signingKeyFrom(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  // RFC 7638 thumbprint: stable for the key, different for every state directory.
  const kid = createHash('sha256')
    .update(JSON.stringify({ e, kty: 'RSA', n }))
    .digest('base64url');
  const jwk: PublicJwk = { kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' };
  const encodedHeader = base64urlJson({ alg: 'RS256', kid, typ: 'JWT' });
  return {
    kid,
    jwk,
    sign(claims) {
      const input = `${encodedHeader}.${base64urlJson(claims)}`;
      return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    },
    verifiedClaims(token) {
      const parts = token.split('.');
      if (parts.length !== 3) return undefined;
      const [header, payload, signature] = parts;
      const parsedHeader = parseJson(header);
      if (parsedHeader?.alg !== 'RS256' || parsedHeader.kid !== kid) return undefined;
      const valid = verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        publicKey,
        Buffer.from(signature, 'base64url'),
      );
      return valid ? parseJson(payload) : undefined;
    },
  };
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function parseJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
