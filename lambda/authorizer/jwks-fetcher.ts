/**
 * Downloads the JWKS for aws-jwt-verify's cache, with one short time-out for the whole
 * request and no retry: the authorizer fails closed rather than keep a caller waiting.
 * Plain http is allowed only on loopback (the local Cognito emulator).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Fetcher } from 'aws-jwt-verify/https';
import { isLoopbackUrl } from '../../lib/config/runtime-env';

/** A JWKS is a few KB; anything far larger is not one. */
const MAX_JWKS_BYTES = 256 * 1024;

export class JwksFetchError extends Error {
  readonly name = 'JwksFetchError';
}

export class BoundedJwksFetcher implements Fetcher {
  constructor(private readonly timeoutMs: number) {}

  fetch(uri: string): Promise<ArrayBuffer> {
    const url = new URL(uri);
    const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' && isLoopbackUrl(uri) ? http : undefined;
    if (!transport) return Promise.reject(new JwksFetchError(`Refusing to fetch JWKS from ${url.origin}`));

    return new Promise((resolve, reject) => {
      const request = transport.get(url, { timeout: this.timeoutMs }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          fail(new JwksFetchError(`JWKS answered ${response.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_JWKS_BYTES) fail(new JwksFetchError('JWKS response too large'));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          clearTimeout(deadline);
          const body = Buffer.concat(chunks);
          resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
        });
        response.on('error', (error) => fail(new JwksFetchError(`JWKS response failed: ${error.message}`)));
      });
      // `timeout` above covers an idle socket; this covers a slow trickle too.
      const deadline = setTimeout(() => fail(new JwksFetchError(`JWKS fetch timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
      deadline.unref();
      request.on('timeout', () => fail(new JwksFetchError(`JWKS fetch timed out after ${this.timeoutMs} ms`)));
      request.on('error', (error) => fail(new JwksFetchError(`JWKS request failed: ${error.message}`)));

      function fail(error: Error): void {
        clearTimeout(deadline);
        request.destroy();
        reject(error);
      }
    });
  }
}
