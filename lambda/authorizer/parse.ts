/**
 * Step 1: from the Authorization header to a token worth verifying. Cheap checks only;
 * everything here runs before any cryptography, so junk is turned away at the door.
 */
import { decodeJsonObject } from '../shared/json';
import { TokenRejectedError } from './reasons';

const SCHEME = 'bearer ';
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Cognito signs with RS256 only; anything else (none, HS*, ES*, PS*) is an attack or a foreign issuer. */
const ALLOWED_ALG = 'RS256';
/** Header parameters that point at keys other than the pool's JWKS: never honoured, so never accepted. */
const KEY_SOURCE_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'];
/**
 * JOSE headers that passed the checks. Cognito gives every token signed with one key the same
 * header, so a handful of entries spares almost every request the decode; the cap keeps headers
 * made up by callers (random kids) from growing it.
 */
const acceptedHeaders = new Set<string>();
const MAX_ACCEPTED_HEADERS = 16;

/**
 * Extracts the token from `Bearer <token>` (scheme case-insensitive, exactly one space) and checks
 * its JOSE header. The rest of the token's shape is checked by aws-jwt-verify, which parses it
 * anyway: scanning a kilobyte twice per request is measurable.
 */
export function parseAuthorizationHeader(header: unknown, maxHeaderBytes: number): string {
  if (typeof header !== 'string' || header.length === 0) {
    throw new TokenRejectedError('MISSING_TOKEN', 'No Authorization header');
  }
  // Non-ASCII characters fail the base64url checks, so for any header that can pass, length is size.
  if (header.length > maxHeaderBytes) {
    throw new TokenRejectedError('HEADER_TOO_LARGE', `Authorization header exceeds ${maxHeaderBytes} bytes`);
  }
  const token = header.slice(SCHEME.length);
  // `Bearer ` as API clients send it is recognised without lower-casing a copy.
  const schemeOk = header.startsWith('Bearer ') || header.slice(0, SCHEME.length).toLowerCase() === SCHEME;
  if (!schemeOk || token.length === 0 || /\s/.test(token[0]) || token.includes(' ')) {
    throw new TokenRejectedError('BAD_SCHEME', 'Authorization header is not "Bearer <token>"');
  }
  const headerEnd = token.indexOf('.');
  const encodedHeader = headerEnd > 0 ? token.slice(0, headerEnd) : '';
  if (!acceptedHeaders.has(encodedHeader)) {
    if (!BASE64URL.test(encodedHeader)) throw new TokenRejectedError('MALFORMED_TOKEN', 'Token is not three base64url parts');
    assertJwtHeader(encodedHeader);
    if (acceptedHeaders.size < MAX_ACCEPTED_HEADERS) acceptedHeaders.add(encodedHeader);
  }
  return token;
}

function assertJwtHeader(encodedHeader: string): void {
  const header = decodeJsonObject(encodedHeader);
  if (header === undefined) throw new TokenRejectedError('MALFORMED_TOKEN', 'Token header is not a JSON object');
  if (header.alg !== ALLOWED_ALG) {
    throw new TokenRejectedError('UNSUPPORTED_ALG', `Token alg is not ${ALLOWED_ALG}`);
  }
  if (KEY_SOURCE_HEADERS.some((name) => name in header)) {
    throw new TokenRejectedError('FORBIDDEN_HEADER', 'Token header names its own key source');
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0) {
    throw new TokenRejectedError('UNKNOWN_KID', 'Token header has no kid');
  }
}
