/** AppTables on a bare stack: each table as its definition says, kept safe outside dev, grants exactly as listed. */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { configFor, type Stage } from '../../../lib/config/app-config';
import { ENV } from '../../../lib/contracts/runtime-env';
import { TABLES, type TableDefinition } from '../../../lib/contracts/tables';
import { AppTables, type AppTablesProps } from '../../../lib/constructs/tables';

function build(stage: Stage, props: Partial<AppTablesProps> = {}) {
  const stack = new Stack(new App(), 'Test', { env: { region: 'us-east-1' } });
  const tables = new AppTables(stack, 'Tables', { config: configFor(stage), ...props });
  const role = (id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, tables, role, template: () => Template.fromStack(stack) };
}

/** The statements of a role's inline policies. */
function statements(template: Template, roleId: string): unknown[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('the reviews table', () => {
  it('has the key and the newest-first index of its definition, on demand, encrypted, with 35 days of point-in-time recovery', () => {
    build('dev')
      .template()
      .hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true }, // the AWS managed KMS key (aws/dynamodb)
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'newestFirst',
            KeySchema: [
              { AttributeName: 'listKey', KeyType: 'HASH' },
              { AttributeName: 'createdKey', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
  });

  it('is deleted with a dev stack, and retained and deletion-protected in prod', () => {
    const dev = build('dev').template();
    expect(
      Object.values(dev.findResources('AWS::DynamoDB::Table')).map((table) => [
        table.DeletionPolicy,
        table.Properties.DeletionProtectionEnabled,
      ]),
    ).toEqual([
      ['Delete', false],
      ['Delete', false],
    ]);
    const prod = build('prod').template();
    expect(
      Object.values(prod.findResources('AWS::DynamoDB::Table')).map((table) => [
        table.DeletionPolicy,
        table.UpdateReplacePolicy,
        table.Properties.DeletionProtectionEnabled,
      ]),
    ).toEqual([
      ['Retain', 'Retain', true],
      ['Retain', 'Retain', true],
    ]);
  });

  it('lets the removal policy and the recovery period be chosen, in range', () => {
    const chosen = build('dev', { removalPolicy: RemovalPolicy.RETAIN, recoveryPeriodDays: 7 }).template();
    chosen.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 7 },
      }),
    });
    for (const days of [0, 36, 1.5]) {
      expect(() => build('dev', { recoveryPeriodDays: days })).toThrow(
        `recoveryPeriodDays must be a whole number of days from 1 to 35; got ${days}`,
      );
    }
  });
});

describe('the revocations table', () => {
  it('expires its items through the TTL attribute of its definition and keeps the feed index sorted by revocation time', () => {
    build('dev')
      .template()
      .hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'feed',
            KeySchema: [
              { AttributeName: 'feedKey', KeyType: 'HASH' },
              { AttributeName: 'revokedAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
  });

  it('lets the authorizer only BatchGetItem on the table and Query the feed index, the auth backend get and put items, the admin backend put them', () => {
    const { tables, role, template } = build('dev');
    for (const [user, id] of [
      ['authorizer', 'AuthorizerRole'],
      ['auth', 'AuthRole'],
      ['adminUsers', 'AdminRole'],
    ] as const)
      tables.grantTo(user, role(id));
    const built = template();
    const tableArn = { 'Fn::GetAtt': [expect.stringMatching(/^TablesRevocationsTable/), 'Arn'] };
    expect(statements(built, 'AuthorizerRole')).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:BatchGetItem', Resource: tableArn },
      { Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::Join': ['', [tableArn, '/index/feed']] } },
    ]);
    expect(statements(built, 'AuthRole')).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: tableArn },
    ]);
    expect(statements(built, 'AdminRole')).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], Resource: tableArn },
    ]);
    expect(Object.keys(tables.environmentFor('authorizer'))).toEqual([ENV.revocationsTable]);
  });
});

describe('grants and environment', () => {
  it('give the reviews backend item actions on the table and Query on the index only: no Scan, no wildcard', () => {
    const { tables, role, template } = build('dev');
    tables.grantTo('reviews', role('ReviewsRole'));
    const granted = statements(template(), 'ReviewsRole');
    expect(granted).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^TablesReviewsTable/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: {
          'Fn::Join': [
            '',
            [{ 'Fn::GetAtt': [expect.stringMatching(/^TablesReviewsTable/), 'Arn'] }, '/index/newestFirst'],
          ],
        },
      },
    ]);
    expect(JSON.stringify(granted)).not.toMatch(/dynamodb:\*|Scan|"\*"/);
  });

  it('give a backend no table nothing: no grant, no variable', () => {
    const { tables, role, template } = build('dev');
    tables.grantTo('profile', role('ProfileRole'));
    expect(statements(template(), 'ProfileRole')).toEqual([]);
    expect(tables.environmentFor('profile')).toEqual({});
  });

  it('name the table to its users through the variable of its definition', () => {
    const { stack, tables } = build('dev');
    const environment = tables.environmentFor('reviews');
    expect(Object.keys(environment)).toEqual([ENV.reviewsTable]);
    expect(stack.resolve(environment[ENV.reviewsTable])).toEqual({ Ref: expect.stringMatching(/^TablesReviewsTable/) });
  });

  it('build one more table from one more definition', () => {
    const audit: TableDefinition = {
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'at', type: 'N' },
      indexes: [],
      envVar: 'AUDIT_TABLE_NAME',
      outputName: 'AuditTableName',
      access: { adminUsers: { items: ['PutItem'] } },
    };
    const { tables, template } = build('dev', { definitions: { ...TABLES, audit } });
    const built = template();
    expect(Object.keys(built.findResources('AWS::DynamoDB::Table'))).toHaveLength(3);
    built.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'at', KeyType: 'RANGE' },
      ],
    });
    expect(Object.keys(tables.environmentFor('adminUsers'))).toEqual([ENV.revocationsTable, 'AUDIT_TABLE_NAME']);
    expect(() => tables.table('nope')).toThrow('No table "nope" (defined: reviews, revocations, audit)');
  });

  it('refuse definitions with mistakes before anything is built', () => {
    const broken = { reviews: { ...TABLES.reviews, indexes: [] } };
    expect(() => build('dev', { definitions: broken })).toThrow(
      /reviews may query index "newestFirst", which the table does not have/,
    );
  });
});
