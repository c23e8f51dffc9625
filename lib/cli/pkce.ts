/** RFC 7636 PKCE: a random verifier and its S256 challenge. */
import { createHash, randomBytes } from 'node:crypto';

export function createVerifier(): string {
  return randomBytes(32).toString('base64url'); // 43 characters of the unreserved alphabet
}

export function challengeFor(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
