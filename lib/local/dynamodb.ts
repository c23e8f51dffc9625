/**
 * The local DynamoDB: dynalite (a DynamoDB implementation on LevelDB) in this process, its data
 * under `<state dir>/dynamodb`, and the tables of lib/contracts/tables.ts created in it idempotently.
 *
 * Facts this relies on (dynalite 4): data written before a request is answered is in LevelDB's
 * log, so it survives the process being stopped or killed; CreateTable of an existing table is
 * `ResourceInUseException`; UpdateTimeToLive is not supported, so nothing expires here (readers
 * check an item's expiry attribute themselves, as they must in AWS, where deletion lags); a second
 * process opening the same data directory fails on its first request with an uncaught error, so
 * the directory's lock is checked before dynalite starts.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  ResourceInUseException,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { resourceName, type AppConfig } from '../config/app-config';
import { ENV, isLoopbackUrl } from '../contracts/runtime-env';
import { assertValidTables, TABLES, type TableDefinition, type TableKey } from '../contracts/tables';
import { createDynamoClient } from '../clients/dynamodb-client';
import { isJsonObject } from '../contracts/json';

export interface LocalDynamo {
  /** e.g. `http://127.0.0.1:8000` */
  readonly endpoint: string;
  /** Where the data lives (`<state dir>/dynamodb`); `undefined` for a DynamoDB this process did not start. */
  readonly dataDir: string | undefined;
  stop(): Promise<void>;
}

/** A loopback DynamoDB someone else runs (e.g. dynalite or DynamoDB Local): used as it is, never stopped. */
export function externalDynamo(endpoint: string): LocalDynamo {
  if (!isLoopbackUrl(endpoint))
    throw new LocalDynamoError(
      `${ENV.dynamodbEndpoint} must be a loopback URL such as http://127.0.0.1:8000; got "${endpoint}"`,
    );
  return { endpoint, dataDir: undefined, stop: () => Promise.resolve() };
}

export interface LocalDynamoOptions {
  /** State directory; the data goes to `<dir>/dynamodb`. */
  readonly dir: string;
  readonly host: string;
  readonly port: number;
}

export class LocalDynamoError extends Error {
  readonly name = 'LocalDynamoError';
}

const ACTIVE_TIMEOUT_MS = 5000;

/** Starts dynalite on `host:port` (0: any free port); rejects with the listen error (e.g. EADDRINUSE) as is. */
export async function startLocalDynamo(options: LocalDynamoOptions): Promise<LocalDynamo> {
  const dataDir = path.join(options.dir, 'dynamodb');
  mkdirSync(dataDir, { recursive: true });
  await assertDataDirFree(dataDir);
  const server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${options.host}:${port}`;
  try {
    await untilDatabaseOpen(endpoint);
  } catch (error) {
    await closeServer(server);
    throw error;
  }
  return { endpoint, dataDir, stop: () => closeServer(server) };
}

/**
 * dynalite opens LevelDB in the background; its first answer means the directory's lock is held, so
 * no second `npm start` can pass `assertDataDirFree` in between (a race a loaded machine makes real).
 */
async function untilDatabaseOpen(endpoint: string): Promise<void> {
  const client = createDynamoClient({ [ENV.dynamodbEndpoint]: endpoint });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
  } finally {
    client.destroy();
  }
}

/** How long requests in flight may take to finish when the server closes, before their connections are cut. */
const DRAIN_LIMIT_MS = 1000;

/**
 * Stops accepting, closes idle connections (SDK clients keep them alive), lets requests in flight
 * finish, then closes the server and so its database: dynalite would throw "Database is not open"
 * from a query still running (e.g. the authorizer's first read during its Init) and end the process.
 */
function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), DRAIN_LIMIT_MS);
  return closed.finally(() => clearTimeout(cut));
}

async function assertDataDirFree(dataDir: string): Promise<void> {
  // dynalite's own copy of LevelDB, so the check opens the directory exactly as dynalite will.
  const { Level } = createRequire(require.resolve('dynalite'))('level') as typeof import('level');
  const database = new Level(dataDir);
  try {
    await database.open();
  } catch (error) {
    // abstract-level: LEVEL_DATABASE_NOT_OPEN, with the reason (e.g. LEVEL_LOCKED) as its cause.
    const cause = error instanceof Error && isJsonObject(error.cause) ? error.cause.code : undefined;
    const reason = typeof cause === 'string' ? cause : error instanceof Error ? error.message : String(error);
    throw new LocalDynamoError(
      reason === 'LEVEL_LOCKED'
        ? `The local DynamoDB data in ${dataDir} is in use by another process (another npm start with this LOCAL_DIR?): stop it or set LOCAL_DIR`
        : `Cannot open the local DynamoDB data in ${dataDir} (${reason}): delete that directory to start over`,
    );
  }
  await database.close();
}

/**
 * Creates every table of `definitions` that does not exist yet and checks that existing ones have
 * the defined keys and indexes. Returns each table's name by its key.
 */
export async function ensureTables(
  dynamo: LocalDynamo,
  config: AppConfig,
  definitions: Readonly<Record<TableKey, TableDefinition>> = TABLES,
): Promise<Readonly<Record<TableKey, string>>> {
  assertValidTables(definitions);
  const client = createDynamoClient({ [ENV.dynamodbEndpoint]: dynamo.endpoint }, config.env.region);
  try {
    const names: Array<[TableKey, string]> = [];
    for (const [key, definition] of Object.entries(definitions) as Array<[TableKey, TableDefinition]>) {
      const name = resourceName(config, key);
      await ensureTable(client, createTableInput(name, definition), dynamo);
      names.push([key, name]);
    }
    return Object.fromEntries(names) as Record<TableKey, string>;
  } finally {
    client.destroy();
  }
}

async function ensureTable(client: DynamoDBClient, input: CreateTableCommandInput, dynamo: LocalDynamo): Promise<void> {
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    if (Table && schemaOf(Table) !== schemaOf(input)) {
      const remedy = dynamo.dataDir
        ? `delete ${dynamo.dataDir} to recreate it`
        : `delete that table at ${dynamo.endpoint} to recreate it`;
      throw new LocalDynamoError(
        `The local table ${input.TableName} has other keys or indexes than lib/contracts/tables.ts defines: ${remedy} (its data is lost)`,
      );
    }
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new LocalDynamoError(`The local table ${input.TableName} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** CreateTable's input for a definition: on-demand, every index projecting all attributes. */
export function createTableInput(tableName: string, definition: TableDefinition): CreateTableCommandInput {
  const keySchema = (partitionKey: TableDefinition['partitionKey'], sortKey?: TableDefinition['sortKey']) => [
    { AttributeName: partitionKey.name, KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
  const attributes = [
    definition.partitionKey,
    definition.sortKey,
    ...definition.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  const types = new Map(
    attributes.flatMap((attribute) => (attribute ? [[attribute.name, attribute.type] as const] : [])),
  );
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...types].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: keySchema(definition.partitionKey, definition.sortKey),
    GlobalSecondaryIndexes:
      definition.indexes.length > 0
        ? definition.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: 'ALL' },
          }))
        : undefined,
  };
}

/** Keys, key types and indexes in one comparable string (the same for a CreateTable input and its DescribeTable answer). */
function schemaOf(
  table: Pick<TableDescription, 'KeySchema' | 'AttributeDefinitions' | 'GlobalSecondaryIndexes'>,
): string {
  const types = new Map(
    (table.AttributeDefinitions ?? []).map((attribute) => [attribute.AttributeName, attribute.AttributeType]),
  );
  const keys = (schema: TableDescription['KeySchema']) =>
    (schema ?? []).map((key) => `${key.AttributeName}:${types.get(key.AttributeName)}:${key.KeyType}`).join(',');
  const indexes = (table.GlobalSecondaryIndexes ?? [])
    .map((index) => `${index.IndexName}(${keys(index.KeySchema)})`)
    .sort();
  return [keys(table.KeySchema), ...indexes].join(' ');
}
