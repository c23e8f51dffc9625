/**
 * The reviews backend with API Gateway-shaped events against a real local DynamoDB (dynalite):
 * every rule of the API — ownership, 404 without upsert, versions and ETags, If-Match as a
 * conditional write, listing newest first with a cursor, 400 for bad input, never a 500.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { FORBIDDEN_NOT_AUTHOR, reviewsBackend } from '../../../lambda/handlers/reviews';
import { createBackend, type BackendHandler } from '../../../lambda/shared/backend';
import { ENV } from '../../../lib/contracts/runtime-env';
import { startLocalStore, type LocalStore } from '../../../fixtures/local-dynamo';
import { freePort } from '../../support/local-process';
import { proxyEvent } from '../../support/proxy-event';

const alice = { principalId: 'sub-alice', sub: 'sub-alice', username: 'alice@example.com', groups: 'reviewers-group' };
const bob = { principalId: 'sub-bob', sub: 'sub-bob', username: 'bob@example.com', groups: 'reviewers-group' };
const valid = { title: 'Great', body: 'Worth it.', rating: 5 };

interface Backend {
  readonly handler: BackendHandler;
  readonly logs: string[];
  /** The clock the backend stamps reviews with (epoch ms); tests move it. */
  clock: number;
}

/** The real backend factory and init, with a clock the test controls. */
function backend(env: Record<string, string>): Backend {
  const state: Backend = {
    logs: [],
    clock: Date.parse('2030-01-01T00:00:00.000Z'),
    handler: createBackend(
      {
        ...reviewsBackend,
        init: (runtimeEnv, logger) => ({ ...reviewsBackend.init(runtimeEnv, logger), now: () => state.clock }),
      },
      { env, logSink: (line) => state.logs.push(line) },
    ),
  };
  return state;
}

const body = (result: APIGatewayProxyResult) => JSON.parse(result.body);
/** Request bodies are declared JSON, as every JSON client sends them. */
const JSON_TYPE = { 'Content-Type': 'application/json' };
const lastLog = (logs: string[]) => JSON.parse(logs[logs.length - 1]);

let dynamo: LocalStore;
let reviews: Backend;
beforeAll(async () => {
  dynamo = await startLocalStore();
  reviews = backend(dynamo.env);
});
afterAll(() => dynamo.stop());

const create = (content: unknown, caller: Record<string, string> = alice) =>
  reviews.handler(proxyEvent('POST', '/api/reviews', { body: content, authorizer: caller, headers: JSON_TYPE }));
const get = (id: string, caller: Record<string, string> = bob) =>
  reviews.handler(
    proxyEvent('GET', '/api/reviews/{id}', { path: `/api/reviews/${id}`, pathParameters: { id }, authorizer: caller }),
  );
const put = (
  id: string,
  content: unknown,
  caller: Record<string, string> = alice,
  headers: Record<string, string> = {},
) =>
  reviews.handler(
    proxyEvent('PUT', '/api/reviews/{id}', {
      path: `/api/reviews/${id}`,
      pathParameters: { id },
      body: content,
      authorizer: caller,
      headers: { ...JSON_TYPE, ...headers },
    }),
  );

async function createdId(): Promise<string> {
  const result = await create(valid);
  expect(result.statusCode).toBe(201);
  return body(result).id;
}

describe('POST /api/reviews', () => {
  it('creates version 1 owned by the caller, with ETag "1" and a Location, and stores it', async () => {
    const result = await create(valid);
    const review = body(result);
    expect(result.statusCode).toBe(201);
    expect(review).toEqual({
      ...valid,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      author: 'alice@example.com',
      authorSub: 'sub-alice',
      version: 1,
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
    expect(result.headers).toMatchObject({ ETag: '"1"', Location: `/v1/api/reviews/${review.id}` });
    const read = await get(review.id);
    expect([read.statusCode, body(read), read.headers?.ETag]).toEqual([200, review, '"1"']);
    expect(lastLog(reviews.logs)).toMatchObject({
      service: 'reviews',
      reason: 'FOUND',
      status: 200,
      route: 'GET /api/reviews/{id}',
    });
  });

  it.each([
    ['no body', undefined],
    ['not JSON', '{'],
    ['a JSON array', '[1]'],
    ['missing title', { body: 'b', rating: 3 }],
    ['title too long', { ...valid, title: 't'.repeat(201) }],
    ['body empty', { ...valid, body: '' }],
    ['body too long', { ...valid, body: 'b'.repeat(5001) }],
    ['rating 0', { ...valid, rating: 0 }],
    ['rating 6', { ...valid, rating: 6 }],
    ['rating 2.5', { ...valid, rating: 2.5 }],
    ['rating as string', { ...valid, rating: '5' }],
  ])('answers %s with 400 and stores nothing', async (_name, requestBody) => {
    const result = await create(requestBody);
    expect([result.statusCode, typeof body(result).message]).toEqual([400, 'string']);
    expect(lastLog(reviews.logs)).toMatchObject({ reason: 'BAD_REQUEST', status: 400 });
  });

  it('accepts the longest title and body', async () => {
    expect((await create({ ...valid, title: 't'.repeat(200), body: '€'.repeat(5000) })).statusCode).toBe(201);
  });
});

describe('GET /api/reviews/{id}', () => {
  it('answers an unknown id with 404 and a malformed one with 400', async () => {
    expect([(await get('no-such-review')).statusCode, body(await get('no-such-review'))]).toEqual([
      404,
      { message: 'Review not found' },
    ]);
    for (const id of ['../etc', 'a'.repeat(65), 'has space', '']) expect((await get(id)).statusCode).toBe(400);
  });
});

describe('PUT /api/reviews/{id}', () => {
  it('lets the author replace the content: version 2, ETag "2", createdAt kept, updatedAt moved', async () => {
    const id = await createdId();
    reviews.clock += 60_000;
    const result = await put(id, { title: 'Changed', body: 'On reflection.', rating: 3 });
    expect(result.statusCode).toBe(200);
    expect(result.headers?.ETag).toBe('"2"');
    expect(body(result)).toMatchObject({
      id,
      title: 'Changed',
      rating: 3,
      version: 2,
      author: 'alice@example.com',
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:01:00.000Z',
    });
    expect(body(await get(id))).toEqual(body(result));
  });

  it("refuses another reviewer's change with 403 and the exact message, and leaves the review as it was", async () => {
    const id = await createdId();
    const before = body(await get(id));
    const result = await put(id, { ...valid, title: 'Hijacked' }, bob);
    expect([result.statusCode, body(result)]).toEqual([403, { message: FORBIDDEN_NOT_AUTHOR }]);
    expect(FORBIDDEN_NOT_AUTHOR).toBe('Forbidden: only the author may change this review');
    expect(lastLog(reviews.logs)).toMatchObject({ reason: 'NOT_AUTHOR', status: 403, id });
    expect(body(await get(id))).toEqual(before);
  });

  it('answers an unknown id with 404 and creates nothing (no upsert)', async () => {
    const result = await put('never-created', valid);
    expect([result.statusCode, body(result)]).toEqual([404, { message: 'Review not found' }]);
    expect((await get('never-created')).statusCode).toBe(404);
  });

  it('applies a matching If-Match, refuses a stale one with 412 and the current ETag, writing nothing', async () => {
    const id = await createdId();
    expect((await put(id, { ...valid, title: 'v2' }, alice, { 'If-Match': '"1"' })).statusCode).toBe(200);
    const stale = await put(id, { ...valid, title: 'lost update' }, alice, { 'if-match': '"1"' });
    expect([stale.statusCode, stale.headers?.ETag]).toEqual([412, '"2"']);
    expect(body(stale).message).toMatch(/^Precondition failed/);
    expect(lastLog(reviews.logs)).toMatchObject({ reason: 'VERSION_MISMATCH', status: 412, version: 2 });
    expect(body(await get(id))).toMatchObject({ title: 'v2', version: 2 });
  });

  it.each([
    ['*', 200],
    ['"2", "1"', 200],
    ['W/"1"', 412],
    ['"01"', 412],
    ['"abc"', 412],
    ['"1", W/"1"', 200],
  ])('If-Match %s on version 1 → %i', async (ifMatch, status) => {
    const id = await createdId();
    expect((await put(id, valid, alice, { 'If-Match': ifMatch })).statusCode).toBe(status);
    expect(body(await get(id)).version).toBe(status === 200 ? 2 : 1);
  });

  it.each(['1', '"1",', '"1" "2"', '', 'W/1', `"${'1'.repeat(2000)}"`])(
    'answers a malformed If-Match %j with 400',
    async (ifMatch) => {
      const id = await createdId();
      const result = await put(id, valid, alice, { 'If-Match': ifMatch });
      expect([result.statusCode, body(result).message]).toEqual([
        400,
        'If-Match must be * or a list of entity tags like "3"',
      ]);
    },
  );

  it('says 404 before 412, and 403 before 412', async () => {
    expect((await put('never-created', valid, alice, { 'If-Match': '"7"' })).statusCode).toBe(404);
    const id = await createdId();
    expect((await put(id, valid, bob, { 'If-Match': '"7"' })).statusCode).toBe(403);
    expect((await put(id, valid, bob, { 'If-Match': 'W/"1"' })).statusCode).toBe(403);
  });

  it('answers bad ids and bodies with 400 before touching the store', async () => {
    const id = await createdId();
    expect((await put('../etc', valid)).statusCode).toBe(400);
    expect((await put(id, { ...valid, rating: 9 })).statusCode).toBe(400);
    expect((await put(id, 'not json')).statusCode).toBe(400);
    expect(body(await get(id)).version).toBe(1);
  });

  it('20 concurrent PUTs with the same If-Match: exactly one 200, nineteen 412, and the winner is stored', async () => {
    const id = await createdId();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, writer) =>
        put(id, { ...valid, title: `writer ${writer}` }, alice, { 'If-Match': '"1"' }),
      ),
    );
    const statuses = results.map((result) => result.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(19);
    const winner = body(results[statuses.indexOf(200)]);
    expect(body(await get(id))).toEqual(winner);
    expect(winner).toMatchObject({ version: 2, title: expect.stringMatching(/^writer \d+$/) });
    for (const loser of results.filter((result) => result.statusCode === 412)) expect(loser.headers?.ETag).toBe('"2"');
  });
});

describe('callers and configuration', () => {
  it('answers a request without a caller (no authorizer context) with 403', async () => {
    const result = await reviews.handler(proxyEvent('POST', '/api/reviews', { body: valid, headers: JSON_TYPE }));
    expect(result.statusCode).toBe(403);
    expect(lastLog(reviews.logs)).toMatchObject({ reason: 'NO_CALLER' });
  });

  it('answers 500 with CONFIG_ERROR naming the variable when the table name is missing', async () => {
    const env = Object.fromEntries(Object.entries(dynamo.env).filter(([name]) => name !== ENV.reviewsTable));
    const broken = backend(env);
    expect((await broken.handler(proxyEvent('GET', '/api/reviews', { authorizer: alice }))).statusCode).toBe(500);
    expect(lastLog(broken.logs)).toMatchObject({
      reason: 'CONFIG_ERROR',
      detail: expect.stringContaining(ENV.reviewsTable),
    });
  });

  it('refuses a DynamoDB endpoint override that is not on this machine', async () => {
    const broken = backend({ ...dynamo.env, [ENV.dynamodbEndpoint]: 'https://dynamodb.evil.example' });
    expect((await broken.handler(proxyEvent('GET', '/api/reviews', { authorizer: alice }))).statusCode).toBe(500);
    expect(lastLog(broken.logs)).toMatchObject({
      reason: 'CONFIG_ERROR',
      detail: expect.stringContaining(ENV.dynamodbEndpoint),
    });
  });
});

describe('DynamoDB down', () => {
  let silent: Server | undefined;
  const held = new Set<Socket>();
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  });

  it('answers 502 (not 500) when nothing listens at the endpoint', async () => {
    const down = backend({ ...dynamo.env, [ENV.dynamodbEndpoint]: `http://127.0.0.1:${await freePort()}` });
    const result = await down.handler(
      proxyEvent('GET', '/api/reviews/{id}', { pathParameters: { id: 'x' }, authorizer: alice }),
    );
    expect([result.statusCode, body(result)]).toEqual([502, { message: 'Review store unavailable' }]);
    expect(lastLog(down.logs)).toMatchObject({ level: 'ERROR', reason: 'STORE_UNAVAILABLE', operation: 'GetItem' });
  });

  it('answers 502 instead of hanging when the endpoint accepts but never answers', async () => {
    const server = createServer((socket) => held.add(socket)); // holds every connection open, says nothing
    silent = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const hung = backend({ ...dynamo.env, [ENV.dynamodbEndpoint]: `http://127.0.0.1:${port}` });
    const result = await hung.handler(
      proxyEvent('POST', '/api/reviews', { body: valid, authorizer: alice, headers: JSON_TYPE }),
    );
    expect(result.statusCode).toBe(502);
    expect(lastLog(hung.logs)).toMatchObject({
      reason: 'STORE_UNAVAILABLE',
      operation: 'PutItem',
      error: 'TimeoutError',
    });
  });
});

describe('GET /api/reviews', () => {
  // A table of its own: these tests state exactly what the list holds.
  let listDynamo: LocalStore;
  let lister: Backend;
  beforeAll(async () => {
    listDynamo = await startLocalStore();
    lister = backend(listDynamo.env);
  });
  afterAll(() => listDynamo.stop());

  const list = (query?: Record<string, string>) =>
    lister.handler({ ...proxyEvent('GET', '/api/reviews', { authorizer: bob }), queryStringParameters: query ?? null });

  /** Every page from the first, following `next`; the titles in order. */
  async function walk(limit: number): Promise<{ titles: string[]; pages: number }> {
    const titles: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const result = await list({ limit: String(limit), ...(next ? { next } : {}) });
      expect(result.statusCode).toBe(200);
      const page = body(result);
      expect(page.reviews.length).toBeLessThanOrEqual(limit);
      titles.push(...page.reviews.map((review: { title: string }) => review.title));
      next = page.next;
      pages++;
    } while (next);
    return { titles, pages };
  }

  it('is empty at first, with next null', async () => {
    expect(body(await list())).toEqual({ reviews: [], next: null });
  });

  it('lists newest first; reviews created in the same millisecond keep one order across pages', async () => {
    const post = (title: string) =>
      lister.handler(
        proxyEvent('POST', '/api/reviews', { body: { ...valid, title }, authorizer: alice, headers: JSON_TYPE }),
      );
    for (let minute = 0; minute < 5; minute++) {
      lister.clock = Date.parse('2030-01-01T00:00:00.000Z') + minute * 60_000;
      expect((await post(`minute ${minute}`)).statusCode).toBe(201);
    }
    lister.clock += 60_000; // three reviews in one millisecond
    for (const title of ['tie a', 'tie b', 'tie c']) expect((await post(title)).statusCode).toBe(201);

    const all = body(await list({ limit: '100' }));
    expect(all.next).toBeNull();
    const titles: string[] = all.reviews.map((review: { title: string }) => review.title);
    expect(titles.slice(3)).toEqual(['minute 4', 'minute 3', 'minute 2', 'minute 1', 'minute 0']);
    expect([...titles.slice(0, 3)].sort()).toEqual(['tie a', 'tie b', 'tie c']);
    // Ties are ordered by id, descending: the same order on every read and on every page size.
    const ids: string[] = all.reviews.slice(0, 3).map((review: { id: string }) => review.id);
    expect(ids).toEqual([...ids].sort().reverse());
    for (const limit of [1, 2, 3, 7, 8]) {
      const walked = await walk(limit);
      expect(walked.titles).toEqual(titles);
      expect(walked.pages).toBe(Math.ceil(titles.length / limit));
    }
  });

  it('defaults to 20 per page and returns a review as GET by id does', async () => {
    const page = body(await list());
    expect(page.reviews.length).toBe(8);
    const first = page.reviews[0];
    expect(
      body(
        await lister.handler(
          proxyEvent('GET', '/api/reviews/{id}', { pathParameters: { id: first.id }, authorizer: bob }),
        ),
      ),
    ).toEqual(first);
  });

  it.each([['0'], ['101'], ['-1'], ['1.5'], ['ten'], ['1e2'], ['']])('answers limit=%j with 400', async (limit) => {
    const result = await list({ limit });
    expect([result.statusCode, body(result).message]).toEqual([400, 'limit must be an integer from 1 to 100']);
  });

  it('answers a cursor it did not issue with 400', async () => {
    const issued: string = body(await list({ limit: '1' })).next;
    const decoded = JSON.parse(Buffer.from(issued, 'base64url').toString('utf8'));
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const next of [
      'garbage!',
      'e30',
      issued.slice(0, -2),
      forged({ ...decoded, extra: 1 }),
      forged({ ...decoded, id: '../x' }),
      forged({ ...decoded, createdKey: `yesterday#${decoded.id}` }),
      forged({ ...decoded, createdKey: '2030-01-01T00:00:00.000Z#someone-else' }),
      'A'.repeat(600),
    ]) {
      const result = await list({ next });
      expect([next, result.statusCode, body(result).message]).toEqual([
        next,
        400,
        'next must be a cursor returned by GET /api/reviews',
      ]);
    }
  });
});
