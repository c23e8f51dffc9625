/**
 * What the authorizer's full reload reads when a month of sign-outs has been recorded at one per
 * second (`revocation_full_reload_items`, `revocation_full_reload_rru`), and the heap its in-memory
 * copy then holds. Sign-outs are written through the writers' real path (the revocation store and
 * its item codec, with the retention the construct gives the auth function), newest first, into a
 * fresh local DynamoDB; the reload is the check's own (its feed, its settings, its clock).
 *
 * The feed is a Query on a sort key (`revokedAt >= since`): the reload reads a newest-first run of
 * the month. So writing goes on, ten minutes of sign-outs at a time, until ten minutes older than
 * the last ones add nothing to what the reload reads; everything older would add nothing either.
 * That way the numbers follow the retention the code has, whatever it is, without writing 2.6
 * million items when the reload reads an hour of them. `capItems` bounds the writing: a reload
 * still growing there is reported as `complete: false` (a lower bound).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { accessMap } from '../../lib/contracts/access-map';
import { configFor, type AppConfig } from '../../lib/config/app-config';
import { authorizerRuntimeConfig, handlerEnvironment } from '../../lib/config/function-environment';
import type { RevocationRetention } from '../../lib/contracts/revocation-items';
import { ENV } from '../../lib/contracts/runtime-env';
import { callDynamo, dynamoEndpointFromEnv } from '../../lambda/revocation/dynamodb-request';
import { createRevocationFeed, feedQuery, type RevocationFeed } from '../../lambda/revocation/feed';
import { createRevocationCheck } from '../../lambda/revocation/check';
import { createDocumentClient } from '../../lib/clients/dynamodb-client';
import { createRevocationStore } from '../../lambda/revocation/store';
import { isJsonObject, type JsonObject } from '../../lib/contracts/json';
import { startLocalStore, type LocalStore } from '../../fixtures/local-dynamo';

export interface FullReloadRun {
  /** Items the full reload read (Query answers, every page). */
  readonly items: number;
  /** Read request units those Queries consumed (eventually consistent: 0.5 per 4 KB per page). */
  readonly rru: number;
  readonly pages: number;
  /** Sign-outs written (newest first, one per second) before older ones stopped adding to the reload. */
  readonly signOutsWritten: number;
  /** False when `capItems` stopped the writing while the reload still grew: the numbers are lower bounds. */
  readonly complete: boolean;
  /** The retention the writers were given, seconds, per item kind (as the construct sets it on the auth function). */
  readonly writerRetention: RevocationRetention;
  /** How far back the reload reads, seconds (the authorizer's `retentionSeconds`). */
  readonly reloadReachSeconds: number;
  /** V8 heap the check's in-memory copy holds after the reload (heap after − before, both after a full GC), MB. */
  readonly heapMb: number;
}

export interface FullReloadOptions {
  readonly capItems: number;
}

const STAGE = 'prod';
const CHUNK_SECONDS = 600;
/** Every tenth sign-out is "everywhere" (a user's cut-off), the rest end one session: what POST /auth/logout writes. */
const EVERYWHERE_EVERY = 10;
const WRITERS = 8;

export async function measureFullReload(options: FullReloadOptions): Promise<FullReloadRun> {
  const config = configFor(STAGE);
  const store = await startLocalStore();
  try {
    const writerRetention = authFunctionRetention(config);
    const startedAt = Date.now();
    const write = signOutWriter(store, writerRetention, startedAt);
    let written = 0;
    let read: ReloadReads = { items: -1, rru: 0, pages: 0 };
    let complete = false;
    while (written < options.capItems) {
      await write(written, written + CHUNK_SECONDS);
      written += CHUNK_SECONDS;
      const next = await reloadReads(store, config, startedAt);
      complete = next.items === read.items;
      read = next;
      if (complete) break;
    }
    return {
      ...read,
      heapMb: await heapHeldByCopy(store, config, startedAt),
      complete,
      signOutsWritten: written,
      writerRetention,
      reloadReachSeconds: authorizerRuntimeConfig(config, accessMap).revocation.retentionSeconds,
    };
  } finally {
    await store.stop();
  }
}

/** The retention the construct sets on the auth function (POST /auth/logout), per item kind. */
function authFunctionRetention(config: AppConfig): RevocationRetention {
  const env = handlerEnvironment(
    'auth',
    config,
    accessMap,
    { userPoolId: 'us-east-1_Bench', userPoolClientId: 'bench' },
    { allowedOrigins: [], tokenEndpoint: 'https://bench.invalid/oauth2/token', callbackUrls: [] },
  );
  return {
    tokenSeconds: Number(env[ENV.revocationRetentionSeconds]),
    userSeconds: Number(env[ENV.revocationUserRetentionSeconds]),
  };
}

/** Writes sign-outs number `from` to `to` (number n at `startedAt` − n s), WRITERS at a time, through one client. */
function signOutWriter(store: LocalStore, retention: RevocationRetention, startedAt: number) {
  const client = createDocumentClient(store.env);
  return async (from: number, to: number): Promise<void> => {
    let next = from;
    const writer = async (): Promise<void> => {
      for (let n = next++; n < to; n = next++) {
        const at = startedAt - n * 1000;
        const revocations = createRevocationStore({
          client,
          tableName: store.tables.revocations,
          retention,
          now: () => at,
        });
        if (n % EVERYWHERE_EVERY === 0) await revocations.revokeUser(`signed-out-${n}`, Math.floor(at / 1000));
        else await revocations.revokeSession(`signed-out-${n}`, `session-${n}`);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
  };
}

interface ReloadReads {
  readonly items: number;
  readonly rru: number;
  readonly pages: number;
}

/** A fresh check (a cold start) at `now`: its first pull is the full reload; the Queries it sent, repeated for their consumed capacity. */
async function reloadReads(store: LocalStore, config: AppConfig, now: number): Promise<ReloadReads> {
  const settings = authorizerRuntimeConfig(config, accessMap).revocation;
  const feed = createRevocationFeed({ tableName: store.tables.revocations, env: store.env, timeoutMs: 60_000 });
  const asked: number[] = [];
  const recording: RevocationFeed = { since: (sinceMs) => (asked.push(sinceMs), feed.since(sinceMs)) };
  await createRevocationCheck(settings, recording, () => now).check({ sub: 'probe', issuedAt: 0, sessionId: 'probe' });
  if (asked.length !== 1) throw new Error(`bench: the full reload made ${asked.length} pulls`);
  return consumedBy(store, asked[0]);
}

/** The feed's Query from `sinceMs`, every page, with DynamoDB's ReturnConsumedCapacity (what the reload was billed). */
async function consumedBy(store: LocalStore, sinceMs: number): Promise<ReloadReads> {
  const endpoint = dynamoEndpointFromEnv(store.env);
  let items = 0;
  let rru = 0;
  let pages = 0;
  let start: JsonObject | undefined;
  do {
    const page = await callDynamo(endpoint, {
      operation: 'Query',
      input: { ...feedQuery(store.tables.revocations, sinceMs, start), ReturnConsumedCapacity: 'TOTAL' },
      deadline: Date.now() + 60_000,
    });
    pages++;
    items += typeof page.Count === 'number' ? page.Count : 0;
    rru += isJsonObject(page.ConsumedCapacity) ? Number(page.ConsumedCapacity.CapacityUnits) : NaN;
    start = isJsonObject(page.LastEvaluatedKey) ? page.LastEvaluatedKey : undefined;
  } while (start);
  return { items, rru, pages };
}

/**
 * Heap the check's in-memory copy holds once the full reload is applied, MB: used heap after −
 * before, both after a full GC, over COPIES checks loaded side by side (divided by COPIES: one
 * copy is small beside what else this process allocates). The reload's answer is read first and
 * handed to each check as a fresh copy from memory, so the local DynamoDB (in this process)
 * allocates nothing in between.
 */
async function heapHeldByCopy(store: LocalStore, config: AppConfig, now: number): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const settings = authorizerRuntimeConfig(config, accessMap).revocation;
  const feed = createRevocationFeed({ tableName: store.tables.revocations, env: store.env, timeoutMs: 60_000 });
  const page = await feed.since(now - settings.retentionSeconds * 1000);
  const probe = { sub: 'probe', issuedAt: 0, sessionId: 'probe' };
  const loaded = async () => {
    // A copy of its own per check, strings included, as each instance parses its own answer.
    const check = createRevocationCheck(settings, { since: () => Promise.resolve(structuredClone(page)) }, () => now);
    await check.check(probe);
    return check;
  };
  await loaded(); // the code it runs is compiled before the baseline
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const checks = [];
  for (let i = 0; i < COPIES; i++) checks.push(await loaded());
  gc();
  gc();
  const held = (process.memoryUsage().heapUsed - before) / COPIES;
  for (const check of checks) await check.check(probe); // the copies stay reachable until measured
  return Math.round((held / 1048576) * 100) / 100;
}

const COPIES = 20;
