/**
 * The DynamoDB tables, each written once: key schema, indexes, which variable carries its name to
 * the functions, its output name and who may do what with it. The CDK construct
 * (lib/constructs/tables.ts) builds the tables and grants from here; the local system
 * (lib/local/dynamodb.ts) creates the same tables in dynalite. A new table is one more entry.
 *
 * Must stay free of aws-cdk-lib imports: the reviews backend reads its index and key names here.
 */
import type { HandlerName } from './access-map';
import { ENV } from './runtime-env';

export interface KeyAttribute {
  readonly name: string;
  /** String or number (binary keys are not used). */
  readonly type: 'S' | 'N';
}

/** A global secondary index; it projects every attribute. */
export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

/** A function that may be given a table: a backend, or the authorizer. */
export type FunctionName = HandlerName | 'authorizer';

/** Item-level actions, granted on the table itself. */
export type ItemAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

/** What one function may do with a table: item actions on the table, `Query` on the named indexes only. */
export interface TableAccess {
  readonly items: readonly ItemAction[];
  /** @default none */
  readonly queryIndexes?: readonly string[];
}

export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes: readonly IndexDefinition[];
  /**
   * The number attribute (epoch seconds) after which DynamoDB may delete an item. Readers must
   * still check it: deletion lags by up to days in AWS, and the local DynamoDB never deletes.
   * @default none: items stay until deleted
   */
  readonly timeToLiveAttribute?: string;
  /** The environment variable that hands the table's name to the functions of `access`. */
  readonly envVar: string;
  /** The stack output with the table's name (also a key of the local outputs.json). */
  readonly outputName: string;
  /** Which function may do what; nobody else gets anything. */
  readonly access: Readonly<Partial<Record<FunctionName, TableAccess>>>;
}

/**
 * Reviews newest first: one partition (`listKey` is the same on every review) sorted by
 * `createdKey` = `<createdAt ISO>#<id>`, so reviews created in the same millisecond keep a stable
 * order (by id) across pages. One partition is plenty for a reviews API (DynamoDB takes about
 * 1,000 writes/s per partition); shard `listKey` if it ever is not.
 */
export const REVIEWS_NEWEST_FIRST = {
  name: 'newestFirst',
  partitionKey: { name: 'listKey', type: 'S' },
  sortKey: { name: 'createdKey', type: 'S' },
} as const satisfies IndexDefinition;

/**
 * Revocations newest last: one partition (`feedKey` is the same on every item) sorted by
 * `revokedAt` (epoch milliseconds), so an authorizer pulls what is new with one Query
 * (lib/contracts/revocation-items.ts). Revocations are rare (logouts, sign-outs, deleted users): one
 * partition takes about 1,000 writes/s.
 */
export const REVOCATION_FEED = {
  name: 'feed',
  partitionKey: { name: 'feedKey', type: 'S' },
  sortKey: { name: 'revokedAt', type: 'N' },
} as const satisfies IndexDefinition;

export const TABLES = {
  reviews: {
    partitionKey: { name: 'id', type: 'S' },
    indexes: [REVIEWS_NEWEST_FIRST],
    envVar: ENV.reviewsTable,
    outputName: 'ReviewsTableName',
    // No Scan and no Query on the table: listing is a Query on the index.
    access: { reviews: { items: ['GetItem', 'PutItem', 'UpdateItem'], queryIndexes: [REVIEWS_NEWEST_FIRST.name] } },
  },
  revocations: {
    partitionKey: { name: 'id', type: 'S' },
    indexes: [REVOCATION_FEED],
    timeToLiveAttribute: 'expiresAt',
    envVar: ENV.revocationsTable,
    outputName: 'RevocationsTableName',
    access: {
      // The authorizer pulls the feed, and for a cold instance's first decision reads the token's own
      // two items in one BatchGetItem (lambda/revocation/point-read.ts): no other item action, no Scan.
      authorizer: { items: ['BatchGetItem'], queryIndexes: [REVOCATION_FEED.name] },
      // Logout records sessions and sign-outs; a refresh checks its user's sign-out.
      auth: { items: ['GetItem', 'PutItem'] },
      // Deleting a user records the user's revocation first; deleting an admin holds the admin-group
      // lock meanwhile (lambda/admin/admin-deletion-lock.ts: a conditional put, a conditional delete).
      adminUsers: { items: ['PutItem', 'DeleteItem'] },
    },
  },
} as const satisfies Readonly<Record<string, TableDefinition>>;

export type TableKey = keyof typeof TABLES;
export const TABLE_KEYS = Object.keys(TABLES) as readonly TableKey[];

/** The outputs naming the tables (`ReviewsTableName`, …), by their output names. */
export type TableOutputs = { readonly [K in TableKey as (typeof TABLES)[K]['outputName']]: string };

export function tableOutputs(names: Readonly<Record<TableKey, string>>): TableOutputs {
  return Object.fromEntries(TABLE_KEYS.map((key) => [TABLES[key].outputName, names[key]])) as TableOutputs;
}

/** The variables naming the tables, for the local system (which gives every function all of them). */
export function tableEnvironment(names: Readonly<Record<TableKey, string>>): Record<string, string> {
  return Object.fromEntries(TABLE_KEYS.map((key) => [TABLES[key].envVar, names[key]]));
}

/** Table keys become part of local table names (`<app>-<stage>-<key>`, at most 255 characters). */
const KEY = /^[A-Za-z0-9_.-]{1,200}$/;
const NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const ATTRIBUTE = /^[A-Za-z0-9_.-]{1,255}$/;

/** Every mistake in the definitions, one line each (empty when they are sound). */
export function tableDefinitionProblems(definitions: Readonly<Record<string, TableDefinition>>): string[] {
  const problems: string[] = [];
  const seen = { envVar: new Set<string>(), outputName: new Set<string>() };
  for (const [key, definition] of Object.entries(definitions)) {
    if (!KEY.test(key)) problems.push(`table "${key}": the key must be 1 to 200 letters, digits, _ . or -`);
    for (const field of ['envVar', 'outputName'] as const) {
      if (seen[field].has(definition[field]))
        problems.push(`table "${key}": ${field} "${definition[field]}" is used by another table`);
      seen[field].add(definition[field]);
    }
    const indexNames = definition.indexes.map((index) => index.name);
    const keys = [
      definition.partitionKey,
      definition.sortKey,
      ...definition.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
    ];
    for (const attribute of keys) {
      if (attribute && !ATTRIBUTE.test(attribute.name))
        problems.push(`table "${key}": key attribute "${attribute.name}" is not a valid name`);
    }
    const ttl = definition.timeToLiveAttribute;
    if (ttl !== undefined && (!ATTRIBUTE.test(ttl) || keys.some((attribute) => attribute?.name === ttl))) {
      problems.push(`table "${key}": timeToLiveAttribute "${ttl}" must be a valid attribute name that is not a key`);
    }
    for (const name of indexNames) {
      if (!NAME.test(name)) problems.push(`table "${key}": index "${name}" must be 3 to 255 letters, digits, _ . or -`);
      if (indexNames.indexOf(name) !== indexNames.lastIndexOf(name))
        problems.push(`table "${key}": index "${name}" is defined twice`);
    }
    for (const [user, access] of Object.entries(definition.access)) {
      for (const index of access?.queryIndexes ?? []) {
        if (!indexNames.includes(index))
          problems.push(`table "${key}": ${user} may query index "${index}", which the table does not have`);
      }
    }
  }
  return [...new Set(problems)];
}

/** Throws one Error listing every problem of the definitions. */
export function assertValidTables(definitions: Readonly<Record<string, TableDefinition>>): void {
  const problems = tableDefinitionProblems(definitions);
  if (problems.length > 0)
    throw new Error(`Invalid table definitions (lib/contracts/tables.ts):\n  ${problems.join('\n  ')}`);
}
