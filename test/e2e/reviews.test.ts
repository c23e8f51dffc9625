/**
 * End to end: the reviews API through `npm start`'s program (local gateway, real authorizer,
 * real handler, dynalite on disk), the CLI's --header and ETag, and durability: every write that
 * got a 2xx is still there after Ctrl-C and after SIGKILL of the whole local system.
 */
import { createServer } from 'node:net';
import { seedUsers } from '../../lib/local/seed-users';
import { sendJson, type TestResponse } from '../support/http';
import { runCli, startLocalProcess, type LocalProcess } from '../support/local-process';

jest.setTimeout(120_000);

let local: LocalProcess;
const tokens = new Map<string, string>();
const password = (email: string) => seedUsers.find((user) => user.email === email)!.password;

async function logIn(): Promise<void> {
  for (const email of ['reviewer@example.com', 'multi@example.com', 'user@example.com']) {
    const response = await sendJson(`${local.apiUrl}/auth/login`, 'POST', {
      username: email,
      password: password(email),
    });
    expect(response.status).toBe(200);
    tokens.set(email, response.json.access_token);
  }
}

function api(
  method: string,
  path: string,
  as: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  return sendJson(`${local.apiUrl}${path}`, method, body, { Authorization: `Bearer ${tokens.get(as)}`, ...headers });
}

/** Restarts on the same state directory and ports, and logs in again. */
async function restart(): Promise<void> {
  local = await startLocalProcess({
    dir: local.dir,
    apiPort: local.apiPort,
    cognitoPort: local.cognitoPort,
    dynamodbPort: local.dynamodbPort,
  });
  await logIn();
}

/** Every acknowledged review reads back exactly as it was acknowledged. */
async function expectAllStored(acknowledged: ReadonlyMap<string, unknown>): Promise<void> {
  for (const [id, review] of acknowledged) {
    const read = await api('GET', `/api/reviews/${id}`, 'user@example.com');
    expect([id, read.status, read.json]).toEqual([id, 200, review]);
  }
}

beforeAll(async () => {
  local = await startLocalProcess();
  await logIn();
});
afterAll(async () => {
  await local?.stop();
});

const content = { title: 'Solid', body: 'Does what it says.', rating: 4 };

it('names the table in outputs.json and stores under LOCAL_DIR/dynamodb', () => {
  expect(local.outputs.ReviewsTableName).toBe('CognitoJwtApi-dev-reviews');
  expect(local.stdout()).toContain(`${local.dir}/dynamodb`);
});

it('creates, reads, updates (author only, If-Match) and lists newest first', async () => {
  const created = await api('POST', '/api/reviews', 'reviewer@example.com', content);
  expect([created.status, created.headers.etag]).toEqual([201, '"1"']);
  const { id } = created.json;
  expect(created.headers.location).toBe(`/api/reviews/${id}`);

  const read = await api('GET', `/api/reviews/${id}`, 'user@example.com');
  expect([read.status, read.headers.etag, read.json]).toEqual([200, '"1"', created.json]);

  const updated = await api(
    'PUT',
    `/api/reviews/${id}`,
    'reviewer@example.com',
    { ...content, rating: 5 },
    { 'If-Match': '"1"' },
  );
  expect([updated.status, updated.headers.etag, updated.json.rating]).toEqual([200, '"2"', 5]);
  const stale = await api(
    'PUT',
    `/api/reviews/${id}`,
    'reviewer@example.com',
    { ...content, rating: 1 },
    { 'If-Match': '"1"' },
  );
  expect([stale.status, stale.headers.etag]).toEqual([412, '"2"']);
  const hijack = await api('PUT', `/api/reviews/${id}`, 'multi@example.com', { ...content, title: 'Mine now' });
  expect([hijack.status, hijack.json]).toEqual([403, { message: 'Forbidden: only the author may change this review' }]);
  expect((await api('PUT', '/api/reviews/no-such-review', 'reviewer@example.com', content)).status).toBe(404);
  expect((await api('GET', '/api/reviews/no-such-review', 'reviewer@example.com')).status).toBe(404);
  expect((await api('PUT', `/api/reviews/${id}`, 'user@example.com', content)).status).toBe(403); // not a reviewer: the gateway says no

  const newer = (await api('POST', '/api/reviews', 'multi@example.com', { ...content, title: 'Newer' })).json;
  const firstPage = await api('GET', '/api/reviews?limit=1', 'user@example.com');
  expect([firstPage.status, firstPage.json.reviews]).toEqual([200, [newer]]);
  const secondPage = await api('GET', `/api/reviews?limit=1&next=${firstPage.json.next}`, 'user@example.com');
  expect(secondPage.json.reviews).toEqual([{ ...updated.json }]);
  expect((await api('GET', '/api/reviews?limit=101', 'user@example.com')).status).toBe(400);
});

it('CLI: sends If-Match with --header and prints the ETag', async () => {
  const env = { LOCAL_DIR: local.dir };
  expect(
    (await runCli(['login', '--username', 'reviewer@example.com', '--password', password('reviewer@example.com')], env))
      .status,
  ).toBe(0);
  const created = await runCli(['call', 'POST', '/api/reviews', '--data', JSON.stringify(content)], env);
  expect(created.status).toBe(0);
  const [etagLine, ...json] = created.stdout.trim().split('\n');
  expect(etagLine).toBe('ETag: "1"');
  const { id } = JSON.parse(json.join('\n'));

  const data = JSON.stringify({ ...content, rating: 2 });
  const updated = await runCli(
    ['call', 'PUT', `/api/reviews/${id}`, '--data', data, '--header', 'If-Match: "1"', '--header', 'X-Trace: e2e'],
    env,
  );
  expect([updated.status, updated.stdout.split('\n')[0]]).toEqual([0, 'ETag: "2"']);
  const stale = await runCli(['call', 'PUT', `/api/reviews/${id}`, '--data', data, '--header', 'If-Match: "1"'], env);
  expect([stale.status, stale.stdout.split('\n')[0]]).toEqual([1, 'ETag: "2"']);
  expect(stale.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/^cli: PUT \/api\/reviews\/.*Precondition failed.*\(HTTP 412\)$/),
  ]);
});

it('refuses a DYNAMODB_PORT in use with the same one line as the other ports', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    await expect(startLocalProcess({ dynamodbPort: port })).rejects.toThrow(
      new RegExp(
        `local system exited with 1: npm start: Port ${port} is already in use: set DYNAMODB_PORT to a free port \\(e\\.g\\. DYNAMODB_PORT=${port + 100} npm start\\)$`,
      ),
    );
  } finally {
    blocker.close();
  }
});

describe('nothing acknowledged is lost', () => {
  it('across Ctrl-C and a restart', async () => {
    const acknowledged = new Map<string, unknown>();
    for (let index = 0; index < 5; index++) {
      const created = await api('POST', '/api/reviews', 'reviewer@example.com', {
        ...content,
        title: `before Ctrl-C ${index}`,
      });
      expect(created.status).toBe(201);
      acknowledged.set(created.json.id, created.json);
    }
    const [someId] = acknowledged.keys();
    const updated = await api(
      'PUT',
      `/api/reviews/${someId}`,
      'reviewer@example.com',
      { ...content, title: 'updated before Ctrl-C' },
      { 'If-Match': '"1"' },
    );
    expect(updated.status).toBe(200);
    acknowledged.set(someId, updated.json);

    // Ctrl-C: the system stops itself cleanly (exit 0), and the writes are there afterwards.
    expect((await local.interrupt()).exitCode).toBe(0);
    await restart();
    await expectAllStored(acknowledged);
  });

  it('across SIGKILL of the whole local system while writes are in flight, and a restart', async () => {
    const acknowledged = new Map<string, unknown>();
    let killed: Promise<void> | undefined;
    // 40 writes at once; the whole process group is killed as soon as 10 have been acknowledged.
    const writes = Array.from({ length: 40 }, (_, index) =>
      api('POST', '/api/reviews', 'reviewer@example.com', { ...content, title: `in flight ${index}` }).then(
        (response) => {
          if (response.status === 201) acknowledged.set(response.json.id, response.json);
          if (acknowledged.size >= 10) killed ??= local.kill();
        },
      ),
    );
    await Promise.allSettled(writes);
    await (killed ?? local.kill());
    expect(acknowledged.size).toBeGreaterThanOrEqual(10);

    await restart();
    await expectAllStored(acknowledged);
    const listed = await api('GET', '/api/reviews?limit=100', 'user@example.com');
    const listedIds = new Set(listed.json.reviews.map((review: { id: string }) => review.id));
    for (const id of acknowledged.keys()) expect(listedIds.has(id)).toBe(true);
  });
});
