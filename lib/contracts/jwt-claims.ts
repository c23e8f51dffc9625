/** Reads a JWT's claims without verifying it: for display and expiry hints only, never for trust. */
import { decodeJsonObject, type JsonObject } from './json';

export function decodeClaims(jwt: string): JsonObject | undefined {
  const payload = jwt.split('.')[1];
  return payload ? decodeJsonObject(payload) : undefined;
}

export function expiresAt(jwt: string): number {
  const exp = decodeClaims(jwt)?.exp;
  return typeof exp === 'number' ? exp : 0;
}
