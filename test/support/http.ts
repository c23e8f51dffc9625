/**
 * HTTP for tests: one fresh connection per request (no keep-alive pool), so a request never
 * lands on a socket the server closed while the test waited. Bodies are read whole.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface TestResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read bodies of many shapes
  /** Every Set-Cookie header value. */
  readonly cookies: string[];
}

export interface TestRequest {
  readonly method?: string;
  /** The request target sent verbatim instead of the URL's path (e.g. `//x/…` or absolute-form `http://host/…`). */
  readonly target?: string;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string | Buffer;
}

const TIMEOUT_MS = 20_000;

export function send(url: string, options: TestRequest = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const requestOptions = {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: false,
      timeout: TIMEOUT_MS,
      ...(options.target === undefined ? {} : { path: options.target }),
    };
    const request = httpRequest(url, requestOptions, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text,
          json: parseJson(text),
          cookies: response.headers['set-cookie'] ?? [],
        });
      });
    });
    request.on('timeout', () =>
      request.destroy(new Error(`${options.method ?? 'GET'} ${url}: no answer within ${TIMEOUT_MS} ms`)),
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A JSON request: the body is serialized and sent with `Content-Type: application/json`. */
export function sendJson(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  return send(url, {
    method,
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
