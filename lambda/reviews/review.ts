/** A review as the API shows it, and the check that a stored item is one. */
import { isJsonObject } from '../../lib/contracts/json';

export interface Review {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly rating: number;
  /** The author's username, for display. */
  readonly author: string;
  /** The author's `sub`: who owns the review. */
  readonly authorSub: string;
  /** 1 on creation, +1 per update; the ETag is `"<version>"`. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isReviewId(value: string): boolean {
  return ID_PATTERN.test(value);
}

export function etagOf(review: Pick<Review, 'version'>): string {
  return `"${review.version}"`;
}

/** Only the public fields of a stored item (which also holds index keys); `undefined` if it is not a review. */
export function reviewFromItem(item: unknown): Review | undefined {
  if (!isJsonObject(item)) return undefined;
  const { id, title, body, rating, author, authorSub, version, createdAt, updatedAt } = item;
  const wellFormed =
    typeof id === 'string' &&
    typeof title === 'string' &&
    typeof body === 'string' &&
    typeof rating === 'number' &&
    typeof author === 'string' &&
    typeof authorSub === 'string' &&
    typeof version === 'number' &&
    Number.isInteger(version) &&
    typeof createdAt === 'string' &&
    typeof updatedAt === 'string';
  return wellFormed ? { id, title, body, rating, author, authorSub, version, createdAt, updatedAt } : undefined;
}
