/**
 * Step 1: from the Authorization header to a token worth verifying. Cheap checks only;
 * everything here runs before any cryptography, so junk is turned away at the door.
 */
import { decodeJsonObject } from '../../lib/contracts/json';
import { TokenRejectedError } from './reasons';

const SCHEME = 'bearer ';
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Each base64url character's 6-bit value by char code; -1 for anything else. */
const SEXTET = new Int8Array(128).fill(-1);
for (let value = 0; value < ALPHABET.length; value++) SEXTET[ALPHABET.charCodeAt(value)] = value;
/** Cognito signs with RS256 only; anything else (none, HS*, ES*, PS*) is an attack or a foreign issuer. */
const ALLOWED_ALG = 'RS256';
/** Header parameters that point at keys other than the pool's JWKS: never honoured, so never accepted. */
const KEY_SOURCE_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'];
/**
 * JOSE headers that passed the checks. Cognito gives every token signed with one key the same
 * header, so a handful of entries spares almost every request the decode (bench/README.md);
 * the cap keeps headers made up by callers (random kids) from growing it.
 */
const acceptedHeaders = new Set<string>();
const MAX_ACCEPTED_HEADERS = 16;
const PADDING = '='.charCodeAt(0);

/**
 * Extracts the token from `Bearer <token>` (scheme case-insensitive, exactly one space), checks its
 * JOSE header, and that it is spelled the one canonical way: no `=` padding, and no bits set in a
 * part's last character that decoding drops. Otherwise `token + "="` or a changed last signature
 * character would verify as the same token under another spelling, and pass API Gateway's cache and
 * any list keyed on the token string. The alphabet of the payload and signature is left to
 * aws-jwt-verify, which matches the whole token against `[A-Za-z0-9_-]` parts before decoding
 * anything (a `+` or `/`, which Node's decoder would read as `-` or `_`, fails there as
 * MALFORMED_TOKEN: property-tested through the handler), so it is not scanned twice per request.
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
    if (!BASE64URL.test(encodedHeader) || !canonicalEnd(token, 0, headerEnd))
      throw new TokenRejectedError('MALFORMED_TOKEN', 'Token is not three base64url parts');
    assertJwtHeader(encodedHeader);
    if (acceptedHeaders.size < MAX_ACCEPTED_HEADERS) acceptedHeaders.add(encodedHeader);
  }
  assertCanonicalBody(token, headerEnd);
  return token;
}

/**
 * Payload and signature: three parts, each ending in a canonical last character. aws-jwt-verify
 * refuses `=` anywhere but at the end of a part, so a part's last character also finds any padding.
 */
function assertCanonicalBody(token: string, headerEnd: number): void {
  const payloadEnd = token.indexOf('.', headerEnd + 1);
  if (payloadEnd < 0 || token.includes('.', payloadEnd + 1))
    throw new TokenRejectedError('MALFORMED_TOKEN', 'Token is not three base64url parts');
  if (!canonicalEnd(token, headerEnd + 1, payloadEnd) || !canonicalEnd(token, payloadEnd + 1, token.length)) {
    const padded = token.charCodeAt(payloadEnd - 1) === PADDING || token.charCodeAt(token.length - 1) === PADDING;
    throw new TokenRejectedError(
      'MALFORMED_TOKEN',
      padded ? 'Token is padded: base64url parts carry no "="' : 'Token is not spelled as canonical base64url',
    );
  }
}

/**
 * Whether the base64url part `token[start, end)` ends the one way an encoder writes it: a length
 * that is not 1 more than a multiple of 4, and a last character without the bits decoding drops
 * (4 of them when the length leaves 2 characters over, 2 when it leaves 3).
 */
function canonicalEnd(token: string, start: number, end: number): boolean {
  const over = (end - start) % 4;
  if (end <= start || over === 1) return false;
  const code = token.charCodeAt(end - 1);
  const value = code < 128 ? SEXTET[code] : -1;
  return value >= 0 && (over === 0 || (value & (over === 2 ? 0x0f : 0x03)) === 0);
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
