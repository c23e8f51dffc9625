/**
 * Downloads the JWKS for aws-jwt-verify's cache, with one short time-out for the whole
 * request and no retry: the authorizer fails closed rather than keep a caller waiting.
 * Plain http is allowed only on loopback (the local Cognito emulator).
 */
import type { Fetcher } from 'aws-jwt-verify/https';
import { boundedRequest } from '../shared/bounded-request';

/** A JWKS is a few KB; anything far larger is not one. */
const MAX_JWKS_BYTES = 256 * 1024;

export class JwksFetchError extends Error {
  readonly name = 'JwksFetchError';
}

export class BoundedJwksFetcher implements Fetcher {
  constructor(private readonly timeoutMs: number) {}

  async fetch(uri: string): Promise<ArrayBuffer> {
    let response;
    try {
      response = await boundedRequest(uri, {
        method: 'GET',
        timeoutMs: this.timeoutMs,
        maxResponseBytes: MAX_JWKS_BYTES,
      });
    } catch (error) {
      throw new JwksFetchError(`JWKS fetch failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (response.status !== 200) throw new JwksFetchError(`JWKS answered ${response.status}`);
    // A copy of exactly the body's bytes (a Buffer may be a view into a larger shared pool).
    return new Uint8Array(response.body).buffer;
  }
}
