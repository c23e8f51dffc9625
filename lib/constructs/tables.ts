import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AppConfig } from '../config/app-config';
import {
  assertValidTables,
  TABLES,
  type FunctionName,
  type KeyAttribute,
  type TableAccess,
  type TableDefinition,
} from '../contracts/tables';

/** What the API construct needs from the tables: for each function, the variables naming its tables and its grants. */
export interface HandlerDataAccess {
  /** The variables that name the tables `user` (a backend or the authorizer) may use (none if it uses none). */
  environmentFor(user: FunctionName): Record<string, string>;
  /** Grants `grantee` exactly what the table definitions allow `user`, on those tables only. */
  grantTo(user: FunctionName, grantee: iam.IGrantable): void;
}

export interface AppTablesProps {
  /** The stage decides what deleting the stack does to the data. */
  readonly config: AppConfig;
  /**
   * The tables to build, by key.
   * @default the project's tables (lib/contracts/tables.ts)
   */
  readonly definitions?: Readonly<Record<string, TableDefinition>>;
  /**
   * How many days back point-in-time recovery can restore, 1 to 35.
   * @default 35
   */
  readonly recoveryPeriodDays?: number;
  /**
   * What deleting the stack does to the tables.
   * @default DESTROY in dev; RETAIN (and deletion protection) in every other stage
   */
  readonly removalPolicy?: RemovalPolicy;
}

const DEFAULT_RECOVERY_PERIOD_DAYS = 35;

/**
 * The app's DynamoDB tables, one per definition in lib/contracts/tables.ts: on-demand, point-in-time
 * recovery, encrypted with the AWS managed key, protected from deletion outside dev. Grants follow
 * each definition's `access`: item actions on the table, Query on the named indexes, nothing else.
 */
export class AppTables extends Construct implements HandlerDataAccess {
  private readonly definitions: Readonly<Record<string, TableDefinition>>;
  private readonly tables: ReadonlyMap<string, dynamodb.Table>;

  constructor(scope: Construct, id: string, props: AppTablesProps) {
    super(scope, id);
    this.definitions = props.definitions ?? TABLES;
    assertValidTables(this.definitions);
    const recoveryPeriodInDays = props.recoveryPeriodDays ?? DEFAULT_RECOVERY_PERIOD_DAYS;
    if (!Number.isInteger(recoveryPeriodInDays) || recoveryPeriodInDays < 1 || recoveryPeriodInDays > 35) {
      throw new Error(`recoveryPeriodDays must be a whole number of days from 1 to 35; got ${recoveryPeriodInDays}`);
    }
    const isDev = props.config.stage === 'dev';
    const removalPolicy = props.removalPolicy ?? (isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);

    this.tables = new Map(
      Object.entries(this.definitions).map(([key, definition]) => {
        const table = new dynamodb.Table(this, `${key[0].toUpperCase()}${key.slice(1)}Table`, {
          partitionKey: attribute(definition.partitionKey),
          sortKey: definition.sortKey && attribute(definition.sortKey),
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          encryption: dynamodb.TableEncryption.AWS_MANAGED,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays },
          deletionProtection: !isDev,
          removalPolicy,
          timeToLiveAttribute: definition.timeToLiveAttribute,
        });
        for (const index of definition.indexes) {
          table.addGlobalSecondaryIndex({
            indexName: index.name,
            partitionKey: attribute(index.partitionKey),
            sortKey: index.sortKey && attribute(index.sortKey),
            projectionType: dynamodb.ProjectionType.ALL,
          });
        }
        return [key, table] as const;
      }),
    );
  }

  /** The table of a definition's key. */
  table(key: string): dynamodb.ITable {
    const table = this.tables.get(key);
    if (!table) throw new Error(`No table "${key}" (defined: ${[...this.tables.keys()].join(', ')})`);
    return table;
  }

  environmentFor(user: FunctionName): Record<string, string> {
    return Object.fromEntries(
      this.usedBy(user).map(({ key, definition }) => [definition.envVar, this.table(key).tableName]),
    );
  }

  grantTo(user: FunctionName, grantee: iam.IGrantable): void {
    for (const { key, access } of this.usedBy(user)) {
      const { items, queryIndexes = [] } = access;
      const { tableArn } = this.table(key);
      if (items.length > 0)
        iam.Grant.addToPrincipal({
          grantee,
          actions: items.map((action) => `dynamodb:${action}`),
          resourceArns: [tableArn],
        });
      if (queryIndexes.length > 0) {
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['dynamodb:Query'],
          resourceArns: queryIndexes.map((index) => `${tableArn}/index/${index}`),
        });
      }
    }
  }

  /** The tables `user` may use, with what it may do. */
  private usedBy(user: FunctionName): Array<{ key: string; definition: TableDefinition; access: TableAccess }> {
    return Object.entries(this.definitions).flatMap(([key, definition]) => {
      const access = definition.access[user];
      return access ? [{ key, definition, access }] : [];
    });
  }
}

function attribute(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER };
}
