/**
 * One HTTP(S) request with a single time-out over the whole exchange and a cap on the answer's
 * size. Plain http is allowed only to loopback (the local emulator); no redirects are followed.
 * Used for the JWKS download and the Hosted UI token endpoint: both must fail fast, not hang.
 */
import type * as Http from 'node:http';
import { isLoopbackUrl } from '../../lib/contracts/runtime-env';

export interface BoundedRequest {
  readonly method: 'GET' | 'POST';
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly headers?: Record<string, string | number>;
  readonly body?: string;
}

export interface BoundedResponse {
  readonly status: number;
  readonly body: Buffer;
}

/** What went wrong: `network` (the connection failed or broke) is the one worth a second try. */
export type BoundedRequestFailure = 'refused' | 'timeout' | 'network' | 'too-large';

export class BoundedRequestError extends Error {
  readonly name = 'BoundedRequestError';
  constructor(
    message: string,
    readonly kind: BoundedRequestFailure,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function boundedRequest(endpoint: string, options: BoundedRequest): Promise<BoundedResponse> {
  const url = new URL(endpoint);
  const transport = transportFor(url, endpoint);
  if (!transport)
    return Promise.reject(
      new BoundedRequestError(`Refusing to call ${url.origin}: https, or http on loopback only`, 'refused'),
    );

  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      { method: options.method, timeout: options.timeoutMs, headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxResponseBytes)
            fail(new BoundedRequestError(`Response larger than ${options.maxResponseBytes} bytes`, 'too-large'));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          clearTimeout(deadline);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) });
        });
        response.on('error', (error) =>
          fail(new BoundedRequestError(`Response failed: ${error.message}`, 'network', { cause: error })),
        );
      },
    );
    // `timeout` above covers an idle socket; the deadline covers a slow trickle too.
    const deadline = setTimeout(
      () => fail(new BoundedRequestError(`Timed out after ${options.timeoutMs} ms`, 'timeout')),
      options.timeoutMs,
    );
    deadline.unref();
    request.on('timeout', () => fail(new BoundedRequestError(`Timed out after ${options.timeoutMs} ms`, 'timeout')));
    request.on('error', (error) =>
      fail(new BoundedRequestError(`Request failed: ${error.message}`, 'network', { cause: error })),
    );
    request.end(options.body);

    function fail(error: Error): void {
      clearTimeout(deadline);
      request.destroy();
      reject(error);
    }
  });
}

/**
 * Loaded on first use, not at cold start: loading node:http costs milliseconds the authorizer only
 * pays when it actually fetches (once per cold start, or for the local emulator).
 */
function transportFor(url: URL, endpoint: string): Pick<typeof Http, 'request'> | undefined {
  if (url.protocol === 'https:') return process.getBuiltinModule('node:https');
  if (url.protocol === 'http:' && isLoopbackUrl(endpoint)) return process.getBuiltinModule('node:http');
  return undefined;
}
