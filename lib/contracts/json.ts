/**
 * The one JSON parser and object guard of the project: untrusted text in, a plain JSON object
 * or `undefined` out, never an exception. Everything that reads JSON it did not write itself
 * (request bodies, token parts, files, API answers) goes through here.
 */

export type JsonObject = Record<string, unknown>;

/** Parses JSON text; `undefined` when it is not valid JSON. */
export function safeJsonParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses text that must hold a JSON object; `undefined` for anything else. */
export function parseJsonObject(text: string): JsonObject | undefined {
  const value = safeJsonParse(text);
  return isJsonObject(value) ? value : undefined;
}

/** Decodes a base64url part (of a JWT) holding a JSON object; `undefined` for anything else. */
export function decodeJsonObject(base64url: string): JsonObject | undefined {
  return parseJsonObject(Buffer.from(base64url, 'base64url').toString('utf8'));
}
