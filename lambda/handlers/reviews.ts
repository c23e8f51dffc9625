/**
 * POST /api/reviews and PUT /api/reviews/{id}. Reviews live in memory per Lambda instance:
 * storage is out of scope for now (a DynamoDB table is the natural next step).
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createBackend, type BackendDefinition } from '../shared/backend';
import { badRequest, isResult, json, parseJsonBody, stringField, type ProxyResult } from '../shared/http';

interface Review {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly rating: number;
  readonly author: string;
  readonly updatedAt: string;
}

const MAX_REVIEWS = 1000; // in-memory only: bound it
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const reviewsBackend: BackendDefinition<Map<string, Review>> = {
  service: 'reviews',
  init: () => new Map(),
  handle: (event, reviews) => Promise.resolve(saveReview(event, reviews)),
};

function saveReview(event: APIGatewayProxyEvent, reviews: Map<string, Review>): ProxyResult {
  const body = parseJsonBody(event);
  if (isResult(body)) return body;
  const title = stringField(body, 'title', 200);
  const text = stringField(body, 'body', 5000);
  const rating = body.rating;
  if (!title) return badRequest('title must be a string of 1 to 200 characters');
  if (!text) return badRequest('body must be a string of 1 to 5000 characters');
  if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) {
    return badRequest('rating must be an integer from 1 to 5');
  }
  const caller: Record<string, unknown> = event.requestContext.authorizer ?? {};
  const author = typeof caller.username === 'string' ? caller.username : typeof caller.sub === 'string' ? caller.sub : '';

  if (event.httpMethod === 'PUT') {
    const id = event.pathParameters?.id ?? '';
    if (!ID_PATTERN.test(id)) return badRequest('id must be 1 to 64 letters, digits, - or _');
    return json(200, save(reviews, { id, title, body: text, rating, author, updatedAt: new Date().toISOString() }));
  }
  return json(201, save(reviews, { id: randomUUID(), title, body: text, rating, author, updatedAt: new Date().toISOString() }));
}

function save(reviews: Map<string, Review>, review: Review): Review {
  const oldest = reviews.keys().next();
  if (reviews.size >= MAX_REVIEWS && !reviews.has(review.id) && !oldest.done) reviews.delete(oldest.value);
  reviews.set(review.id, review);
  return review;
}

export const handler = createBackend(reviewsBackend);
