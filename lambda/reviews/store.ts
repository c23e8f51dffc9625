/**
 * Reviews in DynamoDB (the `reviews` table of lib/contracts/tables.ts). Every write is one
 * conditional request, so concurrent writers cannot overwrite each other: an update applies only
 * if the review exists, belongs to the caller and (with If-Match) is still at an expected version.
 * When the condition fails, a consistent read says which part failed; it never leads to a write.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { REVIEWS_NEWEST_FIRST } from '../../lib/contracts/tables';
import { callStore, StoreError } from '../shared/store-error';
import { createdKeyOf, type ListPosition } from './cursor';
import type { IfMatch, ReviewContent } from './input';
import { reviewFromItem, type Review } from './review';

export type UpdateOutcome =
  | { readonly kind: 'updated'; readonly review: Review }
  | { readonly kind: 'notFound' }
  | { readonly kind: 'notAuthor' }
  | { readonly kind: 'versionMismatch'; readonly current: Review };

export interface ReviewPage {
  readonly reviews: readonly Review[];
  /** Where the next page starts; absent on the last page. */
  readonly next?: ListPosition;
}

export interface UpdateRequest {
  readonly id: string;
  readonly content: ReviewContent;
  readonly authorSub: string;
  readonly updatedAt: string;
  readonly ifMatch?: IfMatch;
}

export interface ReviewStore {
  /** Stores a new review; its id must be new. */
  create(review: Review): Promise<void>;
  get(id: string): Promise<Review | undefined>;
  update(request: UpdateRequest): Promise<UpdateOutcome>;
  /** Newest first, `limit` per page, after `after` if given. */
  list(limit: number, after?: ListPosition): Promise<ReviewPage>;
}

/** The value of `listKey` on every review: the newest-first index has one partition. */
const LIST_PARTITION = 'review';
const { partitionKey: LIST_KEY, sortKey: CREATED_KEY } = REVIEWS_NEWEST_FIRST;

export function createReviewStore(client: DynamoDBDocumentClient, tableName: string): ReviewStore {
  const get = async (id: string): Promise<Review | undefined> => {
    const answer = await callStore('GetItem', () =>
      client.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true })),
    );
    return answer.Item ? storedReview(answer.Item) : undefined;
  };

  /** Why a conditional update did not apply (read after the fact; nothing is written). */
  const explain = async (id: string, authorSub: string): Promise<UpdateOutcome> => {
    const current = await get(id);
    if (!current) return { kind: 'notFound' };
    if (current.authorSub !== authorSub) return { kind: 'notAuthor' };
    return { kind: 'versionMismatch', current };
  };

  return {
    async create(review) {
      const item = {
        ...review,
        [LIST_KEY.name]: LIST_PARTITION,
        [CREATED_KEY.name]: createdKeyOf(review.createdAt, review.id),
      };
      await callStore('PutItem', () =>
        client.send(
          new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(id)' }),
        ),
      ).catch((error: unknown) => {
        throw error instanceof ConditionalCheckFailedException
          ? new StoreError('PutItem', 'DuplicateId', false)
          : error;
      });
    },

    get,

    async update(request) {
      const { ifMatch } = request;
      // Only tags that cannot match any version (weak ones, foreign values): nothing to try.
      if (ifMatch?.kind === 'versions' && ifMatch.versions.length === 0) return explain(request.id, request.authorSub);
      try {
        const answer = await callStore('UpdateItem', () =>
          client.send(new UpdateCommand(updateCommandInput(tableName, request))),
        );
        return { kind: 'updated', review: storedReview(answer.Attributes) };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return explain(request.id, request.authorSub);
        throw error;
      }
    },

    async list(limit, after) {
      // One more than asked: its presence says whether a next page exists.
      const answer = await callStore('Query', () =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: REVIEWS_NEWEST_FIRST.name,
            KeyConditionExpression: '#list = :list',
            ExpressionAttributeNames: { '#list': LIST_KEY.name },
            ExpressionAttributeValues: { ':list': LIST_PARTITION },
            ScanIndexForward: false,
            Limit: limit + 1,
            ExclusiveStartKey: after && {
              id: after.id,
              [LIST_KEY.name]: LIST_PARTITION,
              [CREATED_KEY.name]: after.createdKey,
            },
          }),
        ),
      );
      const reviews = (answer.Items ?? []).slice(0, limit).map(storedReview);
      // More items than asked, or DynamoDB stopped early at its 1 MB page size: there is a next page.
      const more = (answer.Items?.length ?? 0) > limit || answer.LastEvaluatedKey !== undefined;
      const last = reviews.at(-1);
      return last && more
        ? { reviews, next: { id: last.id, createdKey: createdKeyOf(last.createdAt, last.id) } }
        : { reviews };
    },
  };
}

function updateCommandInput(tableName: string, request: UpdateRequest): ConstructorParameters<typeof UpdateCommand>[0] {
  const { content, ifMatch } = request;
  const versions = ifMatch?.kind === 'versions' ? ifMatch.versions : [];
  const versionValues = Object.fromEntries(versions.map((version, index) => [`:v${index}`, version]));
  const versionCondition = versions.length > 0 ? ` AND #version IN (${Object.keys(versionValues).join(', ')})` : '';
  return {
    TableName: tableName,
    Key: { id: request.id },
    UpdateExpression:
      'SET #title = :title, #body = :body, #rating = :rating, #updatedAt = :updatedAt, #version = #version + :one',
    ConditionExpression: `attribute_exists(#id) AND #authorSub = :authorSub${versionCondition}`,
    ExpressionAttributeNames: {
      '#id': 'id',
      '#title': 'title',
      '#body': 'body',
      '#rating': 'rating',
      '#updatedAt': 'updatedAt',
      '#version': 'version',
      '#authorSub': 'authorSub',
    },
    ExpressionAttributeValues: {
      ':title': content.title,
      ':body': content.body,
      ':rating': content.rating,
      ':updatedAt': request.updatedAt,
      ':one': 1,
      ':authorSub': request.authorSub,
      ...versionValues,
    },
    ReturnValues: 'ALL_NEW',
  };
}

/** An item of our own table that is not a review means the table holds foreign data: a store failure, not bad input. */
function storedReview(item: unknown): Review {
  const review = reviewFromItem(item);
  if (!review) throw new StoreError('read', 'MalformedItem', false);
  return review;
}
