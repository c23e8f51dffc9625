/**
 * The reviews API, stored in DynamoDB (lambda/reviews/store.ts):
 *   POST /api/reviews            create (reviewers-group) → 201
 *   PUT  /api/reviews/{id}       replace title, body and rating (the author only; If-Match) → 200
 *   GET  /api/reviews/{id}       one review → 200
 *   GET  /api/reviews            newest first, `limit` (1–100, default 20) and the `next` cursor → 200
 * Every answer with one review carries `ETag: "<version>"`. One log line per request, with a reason.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ENV, requireEnv } from '../../lib/contracts/runtime-env';
import { createBackend, type BackendDefinition } from '../shared/backend';
import { createDocumentClient } from '../../lib/clients/dynamodb-client';
import { isResult, json, type ProxyResult } from '../shared/http';
import type { Logger } from '../shared/logger';
import { encodeCursor } from '../reviews/cursor';
import { callerOf, parseIfMatch, parseListQuery, parseReviewContent, parseReviewId } from '../reviews/input';
import { etagOf, type Review } from '../reviews/review';
import { createReviewStore, type ReviewStore } from '../reviews/store';
import { StoreError, storeErrorResult } from '../shared/store-error';

export interface ReviewsDeps {
  readonly store: ReviewStore;
  /** Epoch milliseconds (tests pass their own clock). */
  readonly now: () => number;
  readonly newId: () => string;
}

export const FORBIDDEN_NOT_AUTHOR = 'Forbidden: only the author may change this review';

export const reviewsBackend: BackendDefinition<ReviewsDeps> = {
  service: 'reviews',
  init: (env) => ({
    store: createReviewStore(createDocumentClient(env), requireEnv(env, ENV.reviewsTable)),
    now: Date.now,
    newId: randomUUID,
  }),
  handle: (event, deps, { logger }) => handleReviews(event, deps, logger),
};

type Decide = (reason: string, result: ProxyResult, fields?: Record<string, string | number>) => ProxyResult;

export async function handleReviews(
  event: APIGatewayProxyEvent,
  deps: ReviewsDeps,
  logger: Logger,
): Promise<ProxyResult> {
  const route = `${event.httpMethod} ${event.resource}`;
  const decide: Decide = (reason, result, fields = {}) => {
    logger.log(result.statusCode >= 500 ? 'ERROR' : 'INFO', 'reviews decision', {
      route,
      reason,
      status: result.statusCode,
      ...fields,
    });
    return result;
  };
  const caller = callerOf(event);
  if (!caller) return decide('NO_CALLER', json(403, { message: 'Forbidden' }));
  try {
    switch (route) {
      case 'POST /api/reviews':
        return await createReview(event, deps, caller.sub, caller.username, decide);
      case 'PUT /api/reviews/{id}':
        return await updateReview(event, deps, caller.sub, decide);
      case 'GET /api/reviews/{id}':
        return await getReview(event, deps, decide);
      case 'GET /api/reviews':
        return await listReviews(event, deps, decide);
      default:
        return decide('UNKNOWN_ROUTE', json(404, { message: 'Not found' }));
    }
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    const { reason, result } = storeErrorResult(error, 'Review store unavailable');
    return decide(reason, result, { operation: error.operation, error: error.errorName });
  }
}

async function createReview(
  event: APIGatewayProxyEvent,
  deps: ReviewsDeps,
  sub: string,
  username: string,
  decide: Decide,
): Promise<ProxyResult> {
  const content = parseReviewContent(event);
  if (isResult(content)) return decide('BAD_REQUEST', content);
  const now = new Date(deps.now()).toISOString();
  const review: Review = {
    id: deps.newId(),
    ...content,
    author: username,
    authorSub: sub,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await deps.store.create(review);
  const location = `${event.requestContext.path ?? event.path}/${review.id}`;
  return decide('CREATED', reviewResult(201, review, { Location: location }), { id: review.id });
}

async function updateReview(
  event: APIGatewayProxyEvent,
  deps: ReviewsDeps,
  sub: string,
  decide: Decide,
): Promise<ProxyResult> {
  const id = parseReviewId(event);
  if (isResult(id)) return decide('BAD_REQUEST', id);
  const content = parseReviewContent(event);
  if (isResult(content)) return decide('BAD_REQUEST', content);
  const ifMatch = parseIfMatch(event);
  if (isResult(ifMatch)) return decide('BAD_REQUEST', ifMatch);
  const updatedAt = new Date(deps.now()).toISOString();
  const outcome = await deps.store.update({ id, content, authorSub: sub, updatedAt, ifMatch });
  switch (outcome.kind) {
    case 'updated':
      return decide('UPDATED', reviewResult(200, outcome.review), { id, version: outcome.review.version });
    case 'notFound':
      return decide('NOT_FOUND', notFound(), { id });
    case 'notAuthor':
      return decide('NOT_AUTHOR', json(403, { message: FORBIDDEN_NOT_AUTHOR }), { id });
    case 'versionMismatch':
      return decide(
        'VERSION_MISMATCH',
        json(
          412,
          { message: `Precondition failed: the review is at version ${outcome.current.version}; fetch it and retry` },
          { ETag: etagOf(outcome.current) },
        ),
        { id, version: outcome.current.version },
      );
  }
}

async function getReview(event: APIGatewayProxyEvent, deps: ReviewsDeps, decide: Decide): Promise<ProxyResult> {
  const id = parseReviewId(event);
  if (isResult(id)) return decide('BAD_REQUEST', id);
  const review = await deps.store.get(id);
  return review ? decide('FOUND', reviewResult(200, review), { id }) : decide('NOT_FOUND', notFound(), { id });
}

async function listReviews(event: APIGatewayProxyEvent, deps: ReviewsDeps, decide: Decide): Promise<ProxyResult> {
  const query = parseListQuery(event);
  if (isResult(query)) return decide('BAD_REQUEST', query);
  const page = await deps.store.list(query.limit, query.after);
  return decide('LISTED', json(200, { reviews: page.reviews, next: page.next ? encodeCursor(page.next) : null }), {
    count: page.reviews.length,
  });
}

function reviewResult(statusCode: number, review: Review, headers: Record<string, string> = {}): ProxyResult {
  return json(statusCode, review, { ETag: etagOf(review), ...headers });
}

const notFound = (): ProxyResult => json(404, { message: 'Review not found' });

export const handler = createBackend(reviewsBackend);
