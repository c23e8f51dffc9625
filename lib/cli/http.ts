/** Requests to the API with a time-out, turning network failures into one-line errors. */
import { safeJsonParse } from '../../lambda/shared/json';
import { CliError } from './errors';

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly setCookies: string[];
}

const TIMEOUT_MS = 10_000;

export async function request(
  apiUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; bearer?: string } = {},
): Promise<ApiResponse> {
  const url = `${apiUrl}${path.startsWith('/') ? path : `/${path}`}`;
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new CliError(`Cannot reach the API at ${apiUrl} (${cause}): is \`npm start\` running, or is the outputs file current?`);
  }
  const text = await response.text();
  // A body that is not JSON is kept as text.
  const body = text ? (safeJsonParse(text) ?? text) : undefined;
  return { status: response.status, body, text, setCookies: response.headers.getSetCookie() };
}

/** The `message` of a JSON error body, or the status. */
export function errorMessage(response: ApiResponse): string {
  const body = response.body as { message?: unknown; error?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : typeof body?.error === 'string' ? body.error : undefined;
  return message ? `${message} (HTTP ${response.status})` : `HTTP ${response.status}`;
}
