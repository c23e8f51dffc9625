/** The review store against a real local DynamoDB: what the handler tests cannot reach through the API's limits. */
import { createDocumentClient } from '../../../lib/clients/dynamodb-client';
import type { ListPosition } from '../../../lambda/reviews/cursor';
import type { Review } from '../../../lambda/reviews/review';
import { createReviewStore, type ReviewStore } from '../../../lambda/reviews/store';
import { StoreError } from '../../../lambda/shared/store-error';
import { startLocalStore, type LocalStore } from '../../../fixtures/local-dynamo';

let dynamo: LocalStore;
let store: ReviewStore;
beforeAll(async () => {
  dynamo = await startLocalStore();
  store = createReviewStore(createDocumentClient(dynamo.env), dynamo.tables.reviews);
});
afterAll(() => dynamo.stop());

const review = (index: number, body: string): Review => {
  const at = new Date(Date.UTC(2030, 0, 1, 0, 0, index)).toISOString();
  return {
    id: `big-${index}`,
    title: `big ${index}`,
    body,
    rating: 4,
    author: 'a',
    authorSub: 's',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
};

it('pages where DynamoDB stops at 1 MB, before the limit, without losing or repeating a review', async () => {
  // 15 reviews of 100,000 characters: more than 1 MB, so one Query cannot return them all.
  for (let index = 0; index < 15; index++) await store.create(review(index, 'x'.repeat(100_000)));
  const first = await store.list(100);
  expect(first.reviews.length).toBeLessThan(15);
  expect(first.next).toBeDefined();
  const titles = first.reviews.map((item) => item.title);
  let next: ListPosition | undefined = first.next;
  while (next) {
    const page = await store.list(100, next);
    titles.push(...page.reviews.map((item) => item.title));
    next = page.next;
  }
  expect(titles).toEqual(Array.from({ length: 15 }, (_, index) => `big ${14 - index}`));
});

it('refuses to store a second review with an existing id (no overwrite)', async () => {
  const original = review(99, 'first');
  await store.create(original);
  await expect(store.create({ ...original, body: 'second' })).rejects.toThrow(StoreError);
  expect((await store.get(original.id))?.body).toBe('first');
});
