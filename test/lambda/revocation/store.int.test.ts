/** The writers' side of the revocation store against a real local DynamoDB (dynalite), with an injected clock. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../lib/clients/dynamodb-client';
import { createRevocationStore, revocationStoreFromEnv } from '../../../lambda/revocation/store';
import { StoreError } from '../../../lambda/shared/store-error';
import { ENV } from '../../../lib/contracts/runtime-env';
import { startLocalStore, type LocalStore } from '../../../fixtures/local-dynamo';
import { freePort } from '../../support/local-process';

let dynamo: LocalStore;
let clock = 1_700_000_000_250;
const RETENTION = 3605;
/** A user's cut-off also refuses refresh tokens: kept a refresh-token lifetime (30 days) plus the skew. */
const USER_RETENTION = 30 * 86_400 + 5;

beforeAll(async () => {
  dynamo = await startLocalStore();
});
afterAll(() => dynamo.stop());

const client = () => createDocumentClient(dynamo.env);
const store = () =>
  createRevocationStore({
    client: client(),
    tableName: dynamo.tables.revocations,
    retention: { tokenSeconds: RETENTION, userSeconds: USER_RETENTION },
    now: () => clock,
  });
const item = async (id: string) =>
  (await client().send(new GetCommand({ TableName: dynamo.tables.revocations, Key: { id }, ConsistentRead: true })))
    .Item;

it('records a session with its revocation time and an expiry one token window after it', async () => {
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

it("keeps a user's cut-off a refresh-token lifetime: still read one second before, gone one second after", async () => {
  await store().revokeUser('sub-long', 1_700_000_001);
  const expiresAt = Math.ceil(clock / 1000) + USER_RETENTION;
  expect(await item('user#sub-long')).toMatchObject({ kind: 'user', revokedBefore: 1_700_000_001, expiresAt });
  const saved = clock;
  try {
    clock = (expiresAt - 1) * 1000;
    expect(await store().userRevokedBefore('sub-long')).toBe(1_700_000_001);
    clock = (expiresAt + 1) * 1000;
    expect(await store().userRevokedBefore('sub-long')).toBeUndefined();
  } finally {
    clock = saved;
  }
});

it('revokes every token of a deleted user: every token issued up to one token window ahead', async () => {
  await store().revokeUser('sub-deleted');
  const now = Math.ceil(clock / 1000);
  expect(await item('user#sub-deleted')).toMatchObject({
    kind: 'user',
    revokedBefore: now + RETENTION,
    expiresAt: now + USER_RETENTION,
  });
});

describe('isRevoked (what logout asks about its own token)', () => {
  const token = (sub: string, issuedAt: number, sessionId?: string) => ({ sub, issuedAt, sessionId });

  it("is true for a token of a revoked session and for one issued before its user's cut-off", async () => {
    const revocations = store();
    await revocations.revokeSession('sub-r', 'jti-r');
    await revocations.revokeUser('sub-c', 1_700_000_010);
    expect(await revocations.isRevoked(token('sub-r', 1_700_000_000, 'jti-r'))).toBe(true);
    expect(await revocations.isRevoked(token('sub-c', 1_700_000_009, 'jti-other'))).toBe(true);
  });

  it('is false for a token issued at or after the cut-off, of another session, or of a user never revoked', async () => {
    const revocations = store();
    await revocations.revokeUser('sub-k', 1_700_000_010);
    expect(await revocations.isRevoked(token('sub-k', 1_700_000_010, 'jti-k'))).toBe(false);
    expect(await revocations.isRevoked(token('sub-n', 1_700_000_000, 'jti-n'))).toBe(false);
    expect(await revocations.isRevoked(token('sub-n', 1_700_000_000))).toBe(false);
  });
});

it('ignores an expired item on read (DynamoDB deletes them late, dynalite never), and lets a new one replace it', async () => {
  await store().revokeUser('sub-old', 1_700_000_100);
  const saved = clock;
  clock += (USER_RETENTION + 2) * 1000;
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
    [ENV.revocationUserRetentionSeconds]: '2592005',
  });
  await expect(down.revokeSession('s', 'j')).rejects.toThrow(StoreError);
  await expect(down.revokeSession('s', 'j')).rejects.toMatchObject({ operation: 'PutItem', throttled: false });
});

it('reads its settings from the environment and names a bad one', () => {
  expect(() => revocationStoreFromEnv({ ...dynamo.env, [ENV.revocationRetentionSeconds]: '0' })).toThrow(
    'Environment variable REVOCATION_RETENTION_SECONDS must be a positive whole number of seconds',
  );
  expect(() =>
    revocationStoreFromEnv({
      ...dynamo.env,
      [ENV.revocationRetentionSeconds]: '3605',
      [ENV.revocationUserRetentionSeconds]: '1.5',
    }),
  ).toThrow('Environment variable REVOCATION_USER_RETENTION_SECONDS must be a positive whole number of seconds');
  expect(() => revocationStoreFromEnv({ [ENV.revocationRetentionSeconds]: '60' })).toThrow(
    'Environment variable REVOCATIONS_TABLE_NAME is not set',
  );
});
