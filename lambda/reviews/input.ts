/**
 * What a reviews request may carry, checked before anything reaches DynamoDB: each parser returns
 * the value, or the 400 answer that says what is wrong.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { badRequest, headerValue, isResult, parseJsonBody, stringField, type ProxyResult } from '../shared/http';
import { decodeCursor, type ListPosition } from './cursor';
import { isReviewId } from './review';

/** What a review's author writes (POST creates it, PUT replaces it whole). */
export interface ReviewContent {
  readonly title: string;
  readonly body: string;
  readonly rating: number;
}

export const LIMITS = {
  title: 200,
  body: 5000,
  minRating: 1,
  maxRating: 5,
  defaultPageSize: 20,
  maxPageSize: 100,
} as const;

/** `If-Match`: `*` (any current version) or the versions of the listed strong entity tags. */
export type IfMatch = { readonly kind: 'any' } | { readonly kind: 'versions'; readonly versions: readonly number[] };

/** The caller, as the authorizer verified them: the token's `sub` owns reviews, the username is for display. */
export interface Caller {
  readonly sub: string;
  readonly username: string;
}

/** Versions are positive integers without leading zeros (at most 15 digits: exact as a JS number). */
const VERSION = /^[1-9]\d{0,14}$/;
/** One entity tag and the comma (or end) after it: `W/"…"` or `"…"`, spaces around allowed. */
const ENTITY_TAG = /[ \t]*(W\/)?"([\x21\x23-\x7e]*)"[ \t]*(,|$)/y;
const MAX_IF_MATCH_LENGTH = 1024;
const MAX_ENTITY_TAGS = 20;

export function parseReviewId(event: Pick<APIGatewayProxyEvent, 'pathParameters'>): string | ProxyResult {
  const id = event.pathParameters?.id ?? '';
  return isReviewId(id) ? id : badRequest('id must be 1 to 64 letters, digits, - or _');
}

export function parseReviewContent(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>,
): ReviewContent | ProxyResult {
  const body = parseJsonBody(event);
  if (isResult(body)) return body;
  const title = stringField(body, 'title', LIMITS.title);
  const text = stringField(body, 'body', LIMITS.body);
  const rating = body.rating;
  if (!title) return badRequest(`title must be a string of 1 to ${LIMITS.title} characters`);
  if (!text) return badRequest(`body must be a string of 1 to ${LIMITS.body} characters`);
  if (
    typeof rating !== 'number' ||
    !Number.isInteger(rating) ||
    rating < LIMITS.minRating ||
    rating > LIMITS.maxRating
  ) {
    return badRequest(`rating must be an integer from ${LIMITS.minRating} to ${LIMITS.maxRating}`);
  }
  return { title, body: text, rating };
}

/**
 * `If-Match` (RFC 9110): absent → `undefined`; `*`; or a list of entity tags compared strongly, so
 * a weak tag or one that is not a version we issue matches nothing (the PUT then answers 412).
 */
export function parseIfMatch(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>,
): IfMatch | undefined | ProxyResult {
  const value = headerValue(event, 'If-Match');
  if (value === undefined) return undefined;
  const invalid = badRequest('If-Match must be * or a list of entity tags like "3"');
  if (value.trim() === '*') return { kind: 'any' };
  if (value.length > MAX_IF_MATCH_LENGTH || value.trim() === '') return invalid;
  const versions: number[] = [];
  let count = 0;
  ENTITY_TAG.lastIndex = 0;
  while (ENTITY_TAG.lastIndex < value.length) {
    const match = ENTITY_TAG.exec(value);
    if (!match || ++count > MAX_ENTITY_TAGS) return invalid;
    const [, weak, tag, separator] = match;
    if (!weak && VERSION.test(tag)) versions.push(Number(tag));
    if (separator === ',' && ENTITY_TAG.lastIndex === value.length) return invalid; // a trailing comma
  }
  return { kind: 'versions', versions };
}

export interface ListQuery {
  readonly limit: number;
  readonly after?: ListPosition;
}

export function parseListQuery(event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>): ListQuery | ProxyResult {
  const { limit: rawLimit, next } = event.queryStringParameters ?? {};
  let limit: number = LIMITS.defaultPageSize;
  if (rawLimit !== undefined) {
    limit = /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : 0;
    if (limit < 1 || limit > LIMITS.maxPageSize)
      return badRequest(`limit must be an integer from 1 to ${LIMITS.maxPageSize}`);
  }
  if (next === undefined) return { limit };
  const after = decodeCursor(next);
  return after ? { limit, after } : badRequest('next must be a cursor returned by GET /api/reviews');
}

/** The verified caller from the authorizer's context; `undefined` if it names nobody. */
export function callerOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): Caller | undefined {
  const context: Record<string, unknown> = event.requestContext?.authorizer ?? {};
  const text = (name: string): string => {
    const value = context[name];
    return typeof value === 'string' ? value : '';
  };
  const sub = text('sub') || text('principalId');
  return sub ? { sub, username: text('username') || sub } : undefined;
}
