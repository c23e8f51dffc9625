/** Small helpers for API Gateway proxy handlers: JSON answers, request headers and JSON bodies. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { isJsonObject, safeJsonParse, type JsonObject } from '../../lib/contracts/json';

export type ProxyResult = APIGatewayProxyResult;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ProxyResult {
  return { statusCode, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export const badRequest = (message: string): ProxyResult => json(400, { message });

/** `application/json`, with or without parameters (`; charset=utf-8`); the media type is case-insensitive. */
function isJsonContentType(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0].trim().toLowerCase() === 'application/json';
}

/**
 * Parses a JSON object body. A body sent as anything but `Content-Type: application/json` is a 415:
 * that keeps cross-site HTML forms (which can only send form or text types) from posting to JSON
 * endpoints, e.g. logging a browser in as someone else. A missing, non-JSON or non-object body is a 400.
 */
export function parseJsonBody(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>,
): JsonObject | ProxyResult {
  if (!event.body) return badRequest('Request body must be a JSON object');
  if (!isJsonContentType(headerValue(event, 'content-type')))
    return json(415, { message: 'Content-Type must be application/json' });
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const parsed = safeJsonParse(text);
  if (parsed === undefined) return badRequest('Request body is not valid JSON');
  return isJsonObject(parsed) ? parsed : badRequest('Request body must be a JSON object');
}

/**
 * A request header by name, case-insensitively (API Gateway keeps the client's spelling); repeated
 * headers are joined with `, ` as HTTP allows for list-valued headers. `undefined` when absent.
 */
export function headerValue(
  event: Pick<APIGatewayProxyEvent, 'headers'> & Partial<Pick<APIGatewayProxyEvent, 'multiValueHeaders'>>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  const values = Object.entries(event.multiValueHeaders ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
  if (values && values.length > 0) return values.join(', ');
  return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
}

export function isResult(value: unknown): value is ProxyResult {
  return typeof value === 'object' && value !== null && 'statusCode' in value && 'body' in value;
}

/** A string field of 1..max characters, or undefined. */
export function stringField(body: JsonObject, name: string, max: number): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}
