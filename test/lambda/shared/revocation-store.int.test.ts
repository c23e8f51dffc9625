/** The writers' side of the revocation store against a real local DynamoDB (dynalite), with an injected clock. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../lambda/shared/dynamodb-client';
import { createRevocationStore, revocationStoreFromEnv } from '../../../lambda/shared/revocation-store';
import { StoreError } from '../../../lambda/shared/store-error';
import { ENV } from '../../../lib/config/runtime-env';
import { startLocalStore, type LocalStore } from '../../../fixtures/local-dynamo';
import { freePort } from '../../support/local-process';

let dynamo: LocalStore;
let clock = 1_700_000_000_250;
const RETENTION = 3605;

beforeAll(async () => {
  dynamo = await startLocalStore();
});
afterAll(() => dynamo.stop());

const client = () => createDocumentClient(dynamo.env);
const store = () =>
  createRevocationStore({
    client: client(),
    tableName: dynamo.tables.revocations,
    retentionSeconds: RETENTION,
    now: () => clock,
  });
const item = async (id: string) =>
  (await client().send(new GetCommand({ TableName: dynamo.tables.revocations, Key: { id }, ConsistentRead: true })))
    .Item;

it('records a session with its revocation time and an expiry one retention after it', async () => {
  await store().revokeSession('sub-s', 'jti-s');
  expect(await item('session#jti-s')).toEqual({
    id: 'session#jti-s',
    feedKey: 'revocations',
    kind: 'session',
    sub: 'sub-s',
    sessionId: 'jti-s',
    revokedAt: clock,
    expiresAt: Math.ceil(clock / 1000) + RETENTION,
  });
});

it("records a user's cut-off, never moves it back, and reads it while it lives", async () => {
  const revocations = store();
  await revocations.revokeUser('sub-u', 1_700_000_010);
  await revocations.revokeUser('sub-u', 1_700_000_005);
  expect(await revocations.userRevokedBefore('sub-u')).toBe(1_700_000_010);
  await revocations.revokeUser('sub-u', 1_700_000_020);
  expect(await revocations.userRevokedBefore('sub-u')).toBe(1_700_000_020);
  expect(await revocations.userRevokedBefore('nobody')).toBeUndefined();
});

it('revokes every token of a deleted user: the cut-off is the expiry itself', async () => {
  await store().revokeUser('sub-deleted');
  const expiresAt = Math.ceil(clock / 1000) + RETENTION;
  expect(await item('user#sub-deleted')).toMatchObject({ kind: 'user', revokedBefore: expiresAt, expiresAt });
});

it('ignores an expired item on read (DynamoDB deletes them late, dynalite never), and lets a new one replace it', async () => {
  await store().revokeUser('sub-old', 1_700_000_100);
  const saved = clock;
  clock += (RETENTION + 2) * 1000;
  try {
    expect(await store().userRevokedBefore('sub-old')).toBeUndefined();
    await store().revokeUser('sub-old', 1_700_000_050); // earlier cut-off, but the old item has expired
    expect(await store().userRevokedBefore('sub-old')).toBe(1_700_000_050);
  } finally {
    clock = saved;
  }
});

it('fails with a StoreError naming the operation when DynamoDB cannot be reached', async () => {
  const down = revocationStoreFromEnv({
    ...dynamo.env,
    [ENV.dynamodbEndpoint]: `http://127.0.0.1:${await freePort()}`,
    [ENV.revocationRetentionSeconds]: '3605',
  });
  await expect(down.revokeSession('s', 'j')).rejects.toThrow(StoreError);
  await expect(down.revokeSession('s', 'j')).rejects.toMatchObject({ operation: 'PutItem', throttled: false });
});

it('reads its settings from the environment and names a bad one', () => {
  expect(() => revocationStoreFromEnv({ ...dynamo.env, [ENV.revocationRetentionSeconds]: '0' })).toThrow(
    'Environment variable REVOCATION_RETENTION_SECONDS must be a positive whole number of seconds',
  );
  expect(() => revocationStoreFromEnv({ [ENV.revocationRetentionSeconds]: '60' })).toThrow(
    'Environment variable REVOCATIONS_TABLE_NAME is not set',
  );
});
