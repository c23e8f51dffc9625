/**
 * The revocation store failing under `npm start`: the local system runs against a DynamoDB the test
 * controls (DYNAMODB_ENDPOINT: dynalite behind a TCP proxy that can reset or hang connections),
 * with the bound at 0 (AUTHORIZER_CACHE_TTL=0, REVOCATION_REFRESH_SECONDS=0: every request is
 * authorized afresh and reads the store). Down → 401 with REVOCATION_UNAVAILABLE in the decision
 * log, never a 5xx; back → allowed again.
 */
import { startLocalStore, type LocalStore } from '../../fixtures/local-dynamo';
import { seedUsers } from '../../lib/local/seed-users';
import { send, sendJson } from '../support/http';
import { startLocalProcess, type LocalProcess } from '../support/local-process';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

jest.setTimeout(120_000);

let store: LocalStore;
let proxy: TcpProxy;
let local: LocalProcess;
const user = seedUsers.find((candidate) => candidate.groups.includes('user-group'))!;

beforeAll(async () => {
  store = await startLocalStore();
  proxy = await startTcpProxy(Number(new URL(store.endpoint).port));
  local = await startLocalProcess({
    env: { DYNAMODB_ENDPOINT: proxy.url, AUTHORIZER_CACHE_TTL: '0', REVOCATION_REFRESH_SECONDS: '0' },
  });
});
afterAll(async () => {
  await local?.stop();
  await proxy?.close();
  await store?.stop();
});

async function loginSession(): Promise<{ access_token: string; refresh_token: string }> {
  const response = await sendJson(`${local.apiUrl}/auth/login`, 'POST', {
    username: user.email,
    password: user.password,
  });
  expect(response.status).toBe(200);
  return response.json as { access_token: string; refresh_token: string };
}
const login = async (): Promise<string> => (await loginSession()).access_token;

const profile = async (token: string) =>
  (await send(`${local.apiUrl}/api/profile`, { headers: { Authorization: `Bearer ${token}` } })).status;
const decisions = (reason: string) =>
  local
    .stdout()
    .split('\n')
    .filter((line) => line.includes('"authorization decision"') && line.includes(`"reason":"${reason}"`)).length;

/** Calls until the answer is `wanted` or 15 s have passed; every answer on the way. */
async function until(token: string, wanted: number): Promise<number[]> {
  const deadline = Date.now() + 15_000;
  const seen: number[] = [];
  for (;;) {
    seen.push(await profile(token));
    if (seen.at(-1) === wanted || Date.now() > deadline) return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('uses the DynamoDB it was given (its tables created there), and with the bound at 0 a logout takes effect on the very next request', async () => {
  expect(local.stdout()).toContain(`DynamoDB (local) ${proxy.url} (DYNAMODB_ENDPOINT)`);
  expect(local.stdout()).toContain('a revoked token passes for at most 0 s');
  const session = await loginSession();
  const token = session.access_token;
  expect(await profile(token)).toBe(200);
  expect(
    (
      await sendJson(
        `${local.apiUrl}/auth/logout`,
        'POST',
        { refreshToken: session.refresh_token },
        { Authorization: `Bearer ${token}` },
      )
    ).status,
  ).toBe(200);
  expect(await profile(token)).toBe(401);
});

it.each([
  ['down (connections reset)', 'refuse' as const],
  ['hanging (no answer within the read time-out)', 'hang' as const],
])('store %s → 401 with REVOCATION_UNAVAILABLE, never a 5xx; store back → allowed again', async (_name, mode) => {
  const token = await login();
  expect(await profile(token)).toBe(200);
  const before = decisions('REVOCATION_UNAVAILABLE');
  proxy.set(mode);
  try {
    const answers = await Promise.all(Array.from({ length: 5 }, () => profile(token)));
    expect(answers).toEqual([401, 401, 401, 401, 401]);
    await local.untilStdout(() => decisions('REVOCATION_UNAVAILABLE') > before);
  } finally {
    proxy.set('pass');
  }
  const recovered = await until(token, 200);
  expect(recovered.at(-1)).toBe(200);
  expect(recovered.filter((status) => status !== 401 && status !== 200)).toEqual([]);
});
