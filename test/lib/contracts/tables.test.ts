/** The table definitions: sound as written, and every kind of mistake is named before a synth or a start. */
import { ENV } from '../../../lib/contracts/runtime-env';
import {
  TABLES,
  assertValidTables,
  tableDefinitionProblems,
  tableEnvironment,
  tableOutputs,
  type TableDefinition,
} from '../../../lib/contracts/tables';

const reviews: TableDefinition = TABLES.reviews;

it('are sound as written', () => {
  expect(tableDefinitionProblems(TABLES)).toEqual([]);
  expect(() => assertValidTables(TABLES)).not.toThrow();
});

it('give each table its output and variable names', () => {
  expect(tableOutputs({ reviews: 'T', revocations: 'R' })).toEqual({
    ReviewsTableName: 'T',
    RevocationsTableName: 'R',
  });
  expect(tableEnvironment({ reviews: 'T', revocations: 'R' })).toEqual({
    [ENV.reviewsTable]: 'T',
    [ENV.revocationsTable]: 'R',
  });
});

it("keep revocations for as long as DynamoDB's TTL attribute says, readable by the authorizer through the feed index and a batch of point reads only", () => {
  expect(TABLES.revocations.timeToLiveAttribute).toBe('expiresAt');
  expect(TABLES.revocations.access).toEqual({
    authorizer: { items: ['BatchGetItem'], queryIndexes: ['feed'] },
    auth: { items: ['GetItem', 'PutItem'] },
    adminUsers: { items: ['PutItem', 'DeleteItem'] },
  });
});

it('refuse a TTL attribute that is a key or not a valid name', () => {
  const revocations: TableDefinition = TABLES.revocations;
  expect(tableDefinitionProblems({ a: { ...revocations, timeToLiveAttribute: 'id' } })).toEqual([
    'table "a": timeToLiveAttribute "id" must be a valid attribute name that is not a key',
  ]);
  expect(tableDefinitionProblems({ a: { ...revocations, timeToLiveAttribute: 'bad name' } })).toEqual([
    'table "a": timeToLiveAttribute "bad name" must be a valid attribute name that is not a key',
  ]);
});

it('name each problem, one line each', () => {
  const broken: Record<string, TableDefinition> = {
    ok: reviews,
    'bad key': { ...reviews, envVar: 'OTHER', outputName: 'Other' },
    twin: { ...reviews, envVar: 'TWIN' },
    badIndexes: {
      ...reviews,
      envVar: 'B',
      outputName: 'B',
      partitionKey: { name: 'bad key', type: 'S' },
      indexes: [reviews.indexes[0], reviews.indexes[0], { name: 'ix', partitionKey: { name: 'p', type: 'S' } }],
      access: { reviews: { items: ['GetItem'], queryIndexes: ['missing'] } },
    },
  };
  expect(tableDefinitionProblems(broken)).toEqual([
    'table "bad key": the key must be 1 to 200 letters, digits, _ . or -',
    'table "twin": outputName "ReviewsTableName" is used by another table',
    'table "badIndexes": key attribute "bad key" is not a valid name',
    'table "badIndexes": index "newestFirst" is defined twice',
    'table "badIndexes": index "ix" must be 3 to 255 letters, digits, _ . or -',
    'table "badIndexes": reviews may query index "missing", which the table does not have',
  ]);
  expect(() => assertValidTables(broken)).toThrow(
    /^Invalid table definitions \(lib\/contracts\/tables\.ts\):\n {2}table "bad key"/,
  );
});
