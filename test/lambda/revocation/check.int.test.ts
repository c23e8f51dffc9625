/**
 * The revocation check against a real local DynamoDB (dynalite): revocations recorded by the
 * writers' store, read through the real feed, with one injected clock for writers and reader. A
 * TCP proxy in front of the store takes it down (connections reset) or makes it hang.
 */
import { createRevocationStore, type RevocationStore } from '../../../lambda/revocation/store';
import { createDocumentClient } from '../../../lib/clients/dynamodb-client';
import { createRevocationFeed, type RevocationFeed } from '../../../lambda/revocation/feed';
import { createRevocationLookup } from '../../../lambda/revocation/point-read';
import {
  LOOKBACK_MS,
  RETRY_AFTER_FAILURE_MS,
  createRevocationCheck,
  type RevocationCheck,
  type RevocationSettings,
  type TokenSession,
} from '../../../lambda/revocation/check';
import { TokenRejectedError } from '../../../lambda/token/reasons';
import type { Revocation } from '../../../lib/contracts/revocation-items';
import { ENV } from '../../../lib/contracts/runtime-env';
import { startLocalStore, type LocalStore } from '../../../fixtures/local-dynamo';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';

const RETENTION = 3605;
/** Users' cut-offs live a refresh-token lifetime in the store (30 days and 5 s in dev). */
const USER_RETENTION = 30 * 86_400 + 5;
const SETTINGS: RevocationSettings = { refreshMs: 5000, retentionSeconds: RETENTION, failOpen: false };
let dynamo: LocalStore;
let proxy: TcpProxy;
let clock: number;
let writer: RevocationStore;
let run = 0;

beforeAll(async () => {
  dynamo = await startLocalStore();
});
afterAll(async () => {
  await dynamo.stop();
});
// A proxy per test: a read a check starts after a test's last decision ends with it, and counts stay the test's own.
afterEach(() => proxy.close());
beforeEach(async () => {
  proxy = await startTcpProxy(Number(new URL(dynamo.endpoint).port));
  // Each test lives in its own hour, far from the others' revocations.
  clock = 1_800_000_000_000 + ++run * 10 * RETENTION * 1000;
  writer = createRevocationStore({
    client: createDocumentClient(dynamo.env),
    tableName: dynamo.tables.revocations,
    retention: { tokenSeconds: RETENTION, userSeconds: USER_RETENTION },
    now: () => clock,
  });
});

/** A check reading the store through the proxy; every revocation its pulls read goes into `seen`. */
function reader(
  settings: Partial<RevocationSettings> = {},
  timeoutMs = 2000,
  seen: Revocation[] = [],
): RevocationCheck {
  const feed = createRevocationFeed({
    tableName: dynamo.tables.revocations,
    env: { ...dynamo.env, [ENV.dynamodbEndpoint]: proxy.url },
    timeoutMs,
  });
  const counted: RevocationFeed = {
    async since(sinceMs) {
      const page = await feed.since(sinceMs);
      seen.push(...page.revocations);
      return page;
    },
  };
  return createRevocationCheck({ ...SETTINGS, ...settings }, counted, () => clock);
}

/** Query requests the readers sent through the proxy. */
const reads = () => proxy.sent('DynamoDB_20120810.Query');
const seconds = () => Math.floor(clock / 1000);
const token = (sub: string, sessionId: string, issuedAt = seconds() - 60): TokenSession => ({
  sub,
  sessionId,
  issuedAt,
});

/** The verdict, or the reason code it was rejected with. */
async function decide(check: RevocationCheck, session: TokenSession): Promise<string> {
  try {
    return await check.check(session);
  } catch (error) {
    if (error instanceof TokenRejectedError) return error.reason;
    throw error;
  }
}

it('rejects the tokens of a revoked session, and only those', async () => {
  await writer.revokeSession('alice', `s-${run}`);
  const check = reader();
  expect(await decide(check, token('alice', `s-${run}`))).toBe('REVOKED');
  expect(await decide(check, token('alice', `other-${run}`))).toBe('current');
  expect(await decide(check, token('bob', `b-${run}`))).toBe('current');
});

it("rejects a user's tokens issued before the cut-off, and not those issued at or after it", async () => {
  await writer.revokeUser('carol', seconds());
  const check = reader();
  expect(await decide(check, token('carol', 'c1', seconds() - 1))).toBe('REVOKED');
  expect(await decide(check, token('carol', 'c2', seconds()))).toBe('current');
  expect(await decide(check, token('dave', 'd1', seconds() - 1))).toBe('current');
});

it('learns of a new revocation at its next pull, at most refreshMs later: reads grow with time, not with decisions', async () => {
  const check = reader();
  const session = token('erin', `e-${run}`);
  expect(await decide(check, session)).toBe('current');
  const readsAfterFirstPull = reads();
  clock += 1000;
  await writer.revokeSession('erin', `e-${run}`);
  // Within the refresh interval the in-memory copy answers, without a read.
  for (let i = 0; i < 1000; i++) expect(await check.check(session)).toBe('current');
  expect(reads()).toBe(readsAfterFirstPull);
  clock += SETTINGS.refreshMs - 1000;
  expect(await decide(check, session)).toBe('REVOKED');
  expect(reads()).toBe(readsAfterFirstPull + 1);
});

it('reads the store for every decision with refreshMs 0 (the bound is then the gateway cache alone)', async () => {
  const check = reader({ refreshMs: 0 });
  const before = reads();
  const session = token('frank', `f-${run}`);
  expect(await decide(check, session)).toBe('current');
  await writer.revokeSession('frank', `f-${run}`);
  expect(await decide(check, session)).toBe('REVOKED');
  expect(reads() - before).toBe(2);
});

it("still picks up a revocation recorded behind the reader's clock (index lag, writers' clocks), within the look-back", async () => {
  const check = reader();
  expect(await decide(check, token('gina', `g-${run}`))).toBe('current');
  const readerTime = clock;
  clock -= LOOKBACK_MS / 2; // a writer whose clock is 15 s behind
  await writer.revokeSession('gina', `g-${run}`);
  clock = readerTime + SETTINGS.refreshMs;
  expect(await decide(check, token('gina', `g-${run}`))).toBe('REVOKED');
});

it('forgets a revocation once every token it covers has expired', async () => {
  await writer.revokeSession('hank', `h-${run}`);
  const check = reader();
  expect(await decide(check, token('hank', `h-${run}`))).toBe('REVOKED');
  clock += (RETENTION + 2) * 1000;
  expect(await decide(check, token('hank', `h-${run}`))).toBe('current');
});

it("keeps a user's cut-off, which the store keeps a refresh-token lifetime, only one token window: a full reload then neither reads nor keeps it", async () => {
  const cutOff = seconds();
  await writer.revokeUser('kim', cutOff);
  // A token window of a minute: the pull after it is an incremental one (full reloads come every 10 minutes).
  const warm = reader({ retentionSeconds: 60 });
  expect(await decide(warm, token('kim', 'k1', cutOff - 1))).toBe('REVOKED');
  clock += 62 * 1000;
  // Every token issued before the cut-off has expired by now: the entry is dropped, not kept for 30 days.
  expect(await decide(warm, token('kim', 'k1', cutOff - 1))).toBe('current');
  clock += (RETENTION - 60) * 1000;
  const seen: Revocation[] = [];
  const cold = reader({}, 2000, seen);
  expect(await decide(cold, token('kim', 'k1', cutOff - 1))).toBe('current');
  expect(seen.filter((revocation) => revocation.sub === 'kim')).toEqual([]);
  // The store still has it: the refresh check refuses the user's older refresh tokens.
  expect(await writer.userRevokedBefore('kim')).toBe(cutOff);
});

describe('when the store cannot be read', () => {
  it('fails closed with REVOCATION_UNAVAILABLE, reads at most once a second meanwhile, and recovers when the store is back', async () => {
    await writer.revokeSession('ivy', `i-${run}`);
    const check = reader({ refreshMs: 0 });
    proxy.set('refuse');
    expect(await decide(check, token('jim', `j-${run}`))).toBe('REVOCATION_UNAVAILABLE');
    const attempts = proxy.connections();
    for (let i = 0; i < 100; i++) expect(await decide(check, token('jim', `j-${run}`))).toBe('REVOCATION_UNAVAILABLE');
    expect(proxy.connections()).toBe(attempts);
    proxy.set('pass');
    clock += RETRY_AFTER_FAILURE_MS;
    expect(await decide(check, token('jim', `j-${run}`))).toBe('current');
    expect(await decide(check, token('ivy', `i-${run}`))).toBe('REVOKED');
  });

  it('gives up on a store that does not answer within the read time-out', async () => {
    const check = reader({}, 300);
    proxy.set('hang');
    expect(await decide(check, token('kim', `k-${run}`))).toBe('REVOCATION_UNAVAILABLE');
  });

  it('lets a verified token pass unchecked with failOpen, and says so', async () => {
    const check = reader({ failOpen: true });
    proxy.set('refuse');
    expect(await decide(check, token('lee', `l-${run}`))).toBe('unchecked');
  });
});

describe("a cold instance's first decision", () => {
  /**
   * A check whose full read (the real feed) is held until `release`, its point reads going to the
   * store at once; both through this test's proxy, so `proxy.sent` counts each kind.
   */
  function heldReader(settings: Partial<RevocationSettings> = {}, timeoutMs = 2000) {
    const reads = {
      tableName: dynamo.tables.revocations,
      env: { ...dynamo.env, [ENV.dynamodbEndpoint]: proxy.url },
      timeoutMs,
    };
    const feed = createRevocationFeed(reads);
    const points = createRevocationLookup(reads);
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let fullReads = 0;
    const since = async (sinceMs: number) => {
      fullReads++;
      await gate;
      return feed.since(sinceMs);
    };
    const check = createRevocationCheck(
      { ...SETTINGS, ...settings },
      { since, lookup: (token) => points.lookup(token) },
      () => clock,
    );
    return { check, release, fullReads: () => fullReads };
  }
  const pointReads = () => proxy.sent('DynamoDB_20120810.BatchGetItem');
  /** One turn of the event loop: whatever a check had scheduled after answering has started by then. */
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('reads only its own items, leaves no read running once answered, and the next decision loads the copy and waits for it', async () => {
    await writer.revokeSession('nia', `n-${run}`);
    const held = heldReader();
    await nextTurn();
    expect([pointReads(), reads(), held.fullReads()]).toEqual([0, 0, 0]);
    expect(await decide(held.check, token('nia', `n-${run}`))).toBe('REVOKED');
    await nextTurn();
    expect([pointReads(), held.fullReads()]).toEqual([1, 0]);
    let second: unknown;
    const deciding = decide(held.check, token('nia', `other-${run}`)).then((verdict) => (second = verdict));
    await nextTurn();
    expect([held.fullReads(), second]).toEqual([1, undefined]);
    held.release();
    expect(await deciding).toBe('current');
    expect(await decide(held.check, token('nia', `n-${run}`))).toBe('REVOKED');
    expect([pointReads(), reads(), held.fullReads()]).toEqual([1, 1, 1]);
  });

  it("refuses a revoked session, and a signed-out user's token issued before the cut-off, from the point read", async () => {
    await writer.revokeSession('olga', `o-${run}`);
    await writer.revokeUser('pete', seconds());
    expect(await decide(heldReader().check, token('olga', `o-${run}`))).toBe('REVOKED');
    expect(await decide(heldReader().check, token('pete', `p-${run}`, seconds() - 1))).toBe('REVOKED');
    expect(await decide(heldReader().check, token('pete', `p2-${run}`, seconds()))).toBe('current');
    expect(await decide(heldReader().check, token('olga', `other-${run}`))).toBe('current');
    expect([pointReads(), reads()]).toEqual([4, 0]);
  });

  it('fails closed when the point read fails (then at most one read a second, and recovers), and lets the token pass unchecked with failOpen', async () => {
    const held = heldReader();
    proxy.set('refuse');
    expect(await decide(held.check, token('sam', `s-${run}`))).toBe('REVOCATION_UNAVAILABLE');
    const attempts = proxy.connections();
    expect(await decide(held.check, token('sam', `s-${run}`))).toBe('REVOCATION_UNAVAILABLE');
    expect(proxy.connections()).toBe(attempts);
    expect(await decide(heldReader({ failOpen: true }).check, token('sam', `s-${run}`))).toBe('unchecked');
    proxy.set('pass');
    clock += RETRY_AFTER_FAILURE_MS;
    expect(await decide(held.check, token('sam', `s-${run}`))).toBe('current');
    expect([pointReads(), held.fullReads()]).toEqual([1, 0]);
  });

  it('fails closed when the point read gets no answer within the read time-out', async () => {
    const held = heldReader({}, 300);
    proxy.set('hang');
    expect(await decide(held.check, token('tess', `t-${run}`))).toBe('REVOCATION_UNAVAILABLE');
  });
});
