/** The local DynamoDB: tables from lib/contracts/tables.ts, created idempotently; data survives a restart; clear failures. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../../../lib/clients/dynamodb-client';
import { configFor } from '../../../lib/config/app-config';
import { ENV } from '../../../lib/contracts/runtime-env';
import { REVIEWS_NEWEST_FIRST, TABLES, type TableDefinition, type TableKey } from '../../../lib/contracts/tables';
import { createTableInput, ensureTables, startLocalDynamo, type LocalDynamo } from '../../../lib/local/dynamodb';
import { freePort } from '../../support/local-process';

const config = configFor('dev');
let dir: string;
const started: LocalDynamo[] = [];

async function start(): Promise<LocalDynamo> {
  const dynamo = await startLocalDynamo({ dir, host: '127.0.0.1', port: await freePort() });
  started.push(dynamo);
  return dynamo;
}
async function stop(dynamo: LocalDynamo): Promise<void> {
  started.splice(started.indexOf(dynamo), 1);
  await dynamo.stop();
}
const client = (dynamo: LocalDynamo) => createDynamoClient({ [ENV.dynamodbEndpoint]: dynamo.endpoint });

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'local-dynamo-'));
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((dynamo) => dynamo.stop()));
  rmSync(dir, { recursive: true, force: true });
});

it('creates the reviews table with the defined key and newest-first index, on demand', async () => {
  const dynamo = await start();
  const names = await ensureTables(dynamo, config);
  expect(names).toEqual({ reviews: 'CognitoJwtApi-dev-reviews', revocations: 'CognitoJwtApi-dev-revocations' });
  const { Table } = await client(dynamo).send(new DescribeTableCommand({ TableName: names.reviews }));
  expect(Table).toMatchObject({
    TableStatus: 'ACTIVE',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      expect.objectContaining({
        IndexName: REVIEWS_NEWEST_FIRST.name,
        KeySchema: [
          { AttributeName: 'listKey', KeyType: 'HASH' },
          { AttributeName: 'createdKey', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      }),
    ],
  });
});

it('is idempotent, and keeps the data across a stop and a start on the same directory', async () => {
  let dynamo = await start();
  const { reviews } = await ensureTables(dynamo, config);
  await client(dynamo).send(new PutItemCommand({ TableName: reviews, Item: { id: { S: 'kept' } } }));
  await stop(dynamo);
  dynamo = await start();
  expect(await ensureTables(dynamo, config)).toEqual({ reviews, revocations: 'CognitoJwtApi-dev-revocations' });
  const { Item } = await client(dynamo).send(new GetItemCommand({ TableName: reviews, Key: { id: { S: 'kept' } } }));
  expect(Item).toEqual({ id: { S: 'kept' } });
});

it('refuses an existing table whose keys differ from the definition, saying what to delete', async () => {
  const dynamo = await start();
  await ensureTables(dynamo, config);
  const changed: Record<TableKey, TableDefinition> = {
    ...TABLES,
    reviews: { ...TABLES.reviews, indexes: [], access: {} },
  };
  await expect(ensureTables(dynamo, config, changed)).rejects.toThrow(
    `The local table CognitoJwtApi-dev-reviews has other keys or indexes than lib/contracts/tables.ts defines: delete ${path.join(dir, 'dynamodb')} to recreate it (its data is lost)`,
  );
});

it('refuses a data directory another process holds, in one line, instead of failing later', async () => {
  await start();
  await expect(start()).rejects.toThrow(
    /^The local DynamoDB data in .* is in use by another process \(another npm start with this LOCAL_DIR\?\): stop it or set LOCAL_DIR$/,
  );
});

it('passes the listen error on (the local system names the port variable)', async () => {
  const first = await start();
  const port = Number(new URL(first.endpoint).port);
  const otherDir = mkdtempSync(path.join(tmpdir(), 'local-dynamo-'));
  try {
    await expect(startLocalDynamo({ dir: otherDir, host: '127.0.0.1', port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  } finally {
    rmSync(otherDir, { recursive: true, force: true });
  }
});

it('builds CreateTable input with each key attribute defined once', () => {
  const input = createTableInput('t', TABLES.reviews);
  expect(input.AttributeDefinitions).toEqual([
    { AttributeName: 'id', AttributeType: 'S' },
    { AttributeName: 'listKey', AttributeType: 'S' },
    { AttributeName: 'createdKey', AttributeType: 'S' },
  ]);
  expect(createTableInput('t', { ...TABLES.reviews, indexes: [] }).GlobalSecondaryIndexes).toBeUndefined();
});
