/** The admin-deletion lock against a real local DynamoDB (dynalite), its conditional writes the serialisation point; clock injected. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  ADMIN_DELETION_LOCK_ID,
  LEASE_SECONDS,
  createAdminDeletionLock,
  type AdminDeletionLock,
} from '../../../lambda/admin/admin-deletion-lock';
import { createDocumentClient } from '../../../lib/clients/dynamodb-client';
import { StoreError } from '../../../lambda/shared/store-error';
import { ENV } from '../../../lib/contracts/runtime-env';
import { startLocalStore, type LocalStore } from '../../../fixtures/local-dynamo';
import { freePort } from '../../support/local-process';

let dynamo: LocalStore;
let clock = 1_700_000_000_000;

beforeAll(async () => {
  dynamo = await startLocalStore();
});
afterAll(() => dynamo.stop());

const lock = (env: Record<string, string> = dynamo.env): AdminDeletionLock =>
  createAdminDeletionLock({
    client: createDocumentClient(env),
    tableName: dynamo.tables.revocations,
    now: () => clock,
  });
const item = async () =>
  (
    await createDocumentClient(dynamo.env).send(
      new GetCommand({
        TableName: dynamo.tables.revocations,
        Key: { id: ADMIN_DELETION_LOCK_ID },
        ConsistentRead: true,
      }),
    )
  ).Item;

/** Holds the lock until the returned `release` is called; resolves once it is held (or refused). */
async function holdOpen(target: AdminDeletionLock) {
  let release!: () => void;
  const holding = new Promise<void>((resolve) => (release = resolve));
  let settled!: (held: boolean) => void;
  const held = new Promise<boolean>((resolve) => (settled = resolve));
  const done = target.whileHeld(async () => {
    settled(true);
    await holding;
    return 'done';
  });
  void done.then((value) => value === undefined && settled(false));
  return { held: await held, release, done };
}

it('lets one holder at a time run: of 10 taking it at once exactly one runs, and the item is gone afterwards', async () => {
  const attempts = await Promise.all(Array.from({ length: 10 }, () => holdOpen(lock())));
  expect(attempts.filter((attempt) => attempt.held)).toHaveLength(1);
  expect(await item()).toMatchObject({ expiresAt: Math.floor(clock / 1000) + LEASE_SECONDS });
  for (const attempt of attempts) attempt.release();
  expect(await Promise.all(attempts.map((attempt) => attempt.done))).toEqual(
    attempts.map((attempt) => (attempt.held ? 'done' : undefined)),
  );
  expect(await item()).toBeUndefined();
  expect(await lock().whileHeld(() => Promise.resolve('again'))).toBe('again');
});

it('gives the lock back when the work fails', async () => {
  await expect(lock().whileHeld(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(await item()).toBeUndefined();
});

it("is taken over once a dead holder's lease has run out, and a late holder never removes its successor's", async () => {
  const dead = await holdOpen(lock());
  expect(dead.held).toBe(true);
  clock += (LEASE_SECONDS - 1) * 1000;
  expect(await lock().whileHeld(() => Promise.resolve('early'))).toBeUndefined();
  clock += 2000;
  const successor = await holdOpen(lock());
  expect(successor.held).toBe(true);
  dead.release();
  await dead.done;
  expect(await item()).toBeDefined();
  successor.release();
  await successor.done;
  expect(await item()).toBeUndefined();
});

it('fails with a StoreError, running nothing, when DynamoDB cannot be reached', async () => {
  const down = lock({ ...dynamo.env, [ENV.dynamodbEndpoint]: `http://127.0.0.1:${await freePort()}` });
  let ran = false;
  await expect(down.whileHeld(() => Promise.resolve((ran = true)))).rejects.toThrow(StoreError);
  expect(ran).toBe(false);
});
