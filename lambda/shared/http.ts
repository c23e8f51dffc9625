/** Small helpers for API Gateway proxy handlers: JSON answers and JSON bodies. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { isJsonObject, safeJsonParse, type JsonObject } from './json';

export type ProxyResult = APIGatewayProxyResult;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ProxyResult {
  return { statusCode, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export const badRequest = (message: string): ProxyResult => json(400, { message });

/** Parses a JSON object body; a missing, non-JSON or non-object body is a 400 answer. */
export function parseJsonBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): JsonObject | ProxyResult {
  if (!event.body) return badRequest('Request body must be a JSON object');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const parsed = safeJsonParse(text);
  if (parsed === undefined) return badRequest('Request body is not valid JSON');
  return isJsonObject(parsed) ? parsed : badRequest('Request body must be a JSON object');
}

export function isResult(value: unknown): value is ProxyResult {
  return typeof value === 'object' && value !== null && 'statusCode' in value && 'body' in value;
}

/** A string field of 1..max characters, or undefined. */
export function stringField(body: JsonObject, name: string, max: number): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}
