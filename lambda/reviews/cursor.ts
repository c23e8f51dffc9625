/**
 * The `next` cursor of GET /api/reviews: where the next page starts, opaque to clients
 * (base64url of a small JSON object holding the last review's id and creation key). It is not
 * signed: it names only a review the caller has already seen, and every review is readable by any
 * caller of the route. A cursor that does not decode to exactly that shape is rejected before it
 * reaches DynamoDB.
 */
import { decodeJsonObject } from '../../lib/contracts/json';
import { isReviewId } from './review';

/** A position in the newest-first order: the last review of a page. */
export interface ListPosition {
  readonly id: string;
  /** `<createdAt ISO>#<id>`, the sort key of the newest-first index. */
  readonly createdKey: string;
}

/** Longest cursor accepted (ours are about 100 characters). */
export const MAX_CURSOR_LENGTH = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const CREATED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function createdKeyOf(createdAt: string, id: string): string {
  return `${createdAt}#${id}`;
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify({ id: position.id, createdKey: position.createdKey }), 'utf8').toString(
    'base64url',
  );
}

/** The position a cursor names, or `undefined` for anything this API did not issue. */
export function decodeCursor(cursor: string): ListPosition | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) return undefined;
  const decoded = decodeJsonObject(cursor);
  if (!decoded || Object.keys(decoded).length !== 2) return undefined;
  const { id, createdKey } = decoded;
  if (typeof id !== 'string' || typeof createdKey !== 'string' || !isReviewId(id)) return undefined;
  const separator = createdKey.indexOf('#');
  const valid =
    separator > 0 && CREATED_AT.test(createdKey.slice(0, separator)) && createdKey.slice(separator + 1) === id;
  return valid ? { id, createdKey } : undefined;
}
