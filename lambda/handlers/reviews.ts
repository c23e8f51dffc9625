/**
 * POST /api/reviews and PUT /api/reviews/{id}. Reviews live in memory per Lambda instance:
 * storage is out of scope for now (a DynamoDB table is the natural next step).
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { badRequest, isResult, json, parseJsonObject, stringField, type ProxyResult } from '../shared/http';

interface Review {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly rating: number;
  readonly author: string;
  readonly updatedAt: string;
}

const reviews = new Map<string, Review>();
const MAX_REVIEWS = 1000; // in-memory only: bound it
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export async function handler(event: APIGatewayProxyEvent): Promise<ProxyResult> {
  const body = parseJsonObject(event);
  if (isResult(body)) return body;
  const title = stringField(body, 'title', 200);
  const text = stringField(body, 'body', 5000);
  const rating = body.rating;
  if (!title) return badRequest('title must be a string of 1 to 200 characters');
  if (!text) return badRequest('body must be a string of 1 to 5000 characters');
  if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) {
    return badRequest('rating must be an integer from 1 to 5');
  }
  const author = String(event.requestContext.authorizer?.username ?? event.requestContext.authorizer?.sub ?? '');

  if (event.httpMethod === 'PUT') {
    const id = event.pathParameters?.id ?? '';
    if (!ID_PATTERN.test(id)) return badRequest('id must be 1 to 64 letters, digits, - or _');
    return json(200, save({ id, title, body: text, rating, author, updatedAt: new Date().toISOString() }));
  }
  return json(201, save({ id: randomUUID(), title, body: text, rating, author, updatedAt: new Date().toISOString() }));
}

function save(review: Review): Review {
  if (reviews.size >= MAX_REVIEWS && !reviews.has(review.id)) reviews.delete(reviews.keys().next().value as string);
  reviews.set(review.id, review);
  return review;
}
