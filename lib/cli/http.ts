/** Requests to the API with a time-out, turning network failures into one-line errors. */
import { isJsonObject, safeJsonParse } from '../contracts/json';
import { CliError } from './errors';

export interface ApiResponse {
  readonly status: number;
  /** The body parsed as JSON, or the text when it is not JSON; `undefined` when empty. */
  readonly body: unknown;
  readonly text: string;
  readonly setCookies: string[];
  /** The `ETag` header, if the API sent one. */
  readonly etag?: string;
}

const TIMEOUT_MS = 10_000;

export async function request(
  apiUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; bearer?: string; headers?: Readonly<Record<string, string>>; signal?: AbortSignal } = {},
): Promise<ApiResponse> {
  const url = `${apiUrl}${path.startsWith('/') ? path : `/${path}`}`;
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`;
  Object.assign(headers, options.headers); // the caller's own headers win
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(TIMEOUT_MS)])
        : AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    options.signal?.throwIfAborted(); // the caller's own abort is not the API's failure
    throw new CliError(
      `Cannot reach the API at ${apiUrl} (${failureCode(error)}): is \`npm start\` running, or is the outputs file current?`,
      { cause: error },
    );
  }
  const text = await response.text();
  // A body that is not JSON is kept as text.
  const body = text ? (safeJsonParse(text) ?? text) : undefined;
  return {
    status: response.status,
    body,
    text,
    setCookies: response.headers.getSetCookie(),
    etag: response.headers.get('etag') ?? undefined,
  };
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `--header 'Name: value'` flags as headers; a malformed one is a CliError naming it. */
export function parseHeaderFlags(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    const name = value.slice(0, colon).trim();
    const headerValue = value.slice(colon + 1).trim();
    if (colon < 0 || !HEADER_NAME.test(name) || /[\r\n\0]/.test(headerValue)) {
      throw new CliError(
        `--header must look like 'Name: value' (e.g. --header 'If-Match: "3"'); got ${JSON.stringify(value)}`,
      );
    }
    headers[name] = headerValue;
  }
  return headers;
}

/** The network error's code (`ECONNREFUSED`, …) that fetch wraps in `cause`, else the error's name. */
function failureCode(error: unknown): string {
  if (!(error instanceof Error)) return 'Unknown';
  const { cause } = error;
  return isJsonObject(cause) && typeof cause.code === 'string' ? cause.code : error.name;
}

/** The `message` of a JSON error body, or the status. */
export function errorMessage(response: ApiResponse): string {
  const { body } = response;
  const fields = isJsonObject(body) ? [body.message, body.error] : [];
  const message = fields.find((value): value is string => typeof value === 'string');
  return message ? `${message} (HTTP ${response.status})` : `HTTP ${response.status}`;
}
