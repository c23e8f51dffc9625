import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { accessMap, isPublic } from '../../../lib/contracts/access-map';
import type { AppConfig } from '../../../lib/config/app-config';
import { GATEWAY_RESPONSES } from '../../../lib/contracts/gateway-responses';
import { ENV } from '../../../lib/contracts/runtime-env';
import { WAF_RULES } from '../../../lib/constructs/api-waf';
import type { ApiStack } from '../../../lib/stacks/api-stack';
import { BUNDLE_CHECK_PASSED, DEPLOYED_AUTHORIZER_ENV, checkBundle } from '../../../fixtures/bundle-check';
import { PROD_CONTEXT, buildTestApp, functionCodeDirectory, resourceInventory } from '../../support/cdk';

// The one test file that really bundles the Lambda entries (esbuild, no Docker).
let api: ApiStack;
let config: AppConfig;
let assembly: CloudAssembly;
let template: Template;
type CfnProperties = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- CloudFormation properties of many shapes
let resources: Record<string, CfnProperties>;
let methods: CfnProperties[];
beforeAll(() => {
  const built = buildTestApp();
  ({ api, config } = built);
  assembly = built.app.synth();
  template = Template.fromStack(api);
  resources = template.findResources('AWS::ApiGateway::Resource');
  methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((method) => method.Properties);
});

/** The logical id of the function whose construct path contains `id`. */
function functionLogicalId(id: string): string {
  const ids = Object.keys(template.findResources('AWS::Lambda::Function')).filter((logicalId) =>
    logicalId.startsWith(`Api${id}`),
  );
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** The bundled code of a function (its file in the cloud assembly) and its source map's sources. */
function bundle(id: string): { file: string; code: string; hasSourceMap: boolean } {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId(id)];
  const directory = functionCodeDirectory(assembly.directory, fn.Properties.Code.S3Key);
  const file = path.join(directory, 'index.js');
  return {
    file,
    code: fs.readFileSync(file, 'utf8'),
    hasSourceMap: fs.existsSync(path.join(directory, 'index.js.map')),
  };
}

/** The full path of an API Gateway resource, rebuilt from its PathPart and parent chain. */
function resourcePath(resourceId: string): string {
  const resource = resources[resourceId];
  if (!resource) return '';
  const parent = resource.Properties.ParentId;
  return `${parent.Ref ? resourcePath(parent.Ref) : ''}/${resource.Properties.PathPart}`;
}

it('holds the expected resources, by type', () => {
  expect(resourceInventory(api)).toMatchSnapshot();
});

describe('routes from the access map', () => {
  for (const route of accessMap) {
    it(`${route.method} ${route.path} is ${isPublic(route) ? 'public' : 'behind the Lambda authorizer'}`, () => {
      const method = methods.find(
        (candidate) => candidate.HttpMethod === route.method && resourcePath(candidate.ResourceId.Ref) === route.path,
      );
      expect(method).toBeDefined();
      if (isPublic(route)) {
        expect(method!.AuthorizationType).toBe('NONE');
        expect(method!.AuthorizerId).toBeUndefined();
      } else {
        expect(method!.AuthorizationType).toBe('CUSTOM');
        expect(method!.AuthorizerId).toEqual({ Ref: expect.stringMatching(/TokenAuthorizer/) });
      }
      expect(method!.Integration).toMatchObject({ Type: 'AWS_PROXY' });
      const handlerId = functionLogicalId(`${route.handler[0].toUpperCase()}${route.handler.slice(1)}Handler`);
      expect(JSON.stringify(method!.Integration.Uri)).toContain(`"${handlerId}"`);
    });
  }

  it('has no other methods than the map’s routes and their CORS preflights', () => {
    const nonPreflight = methods.filter((method) => method.HttpMethod !== 'OPTIONS');
    expect(nonPreflight).toHaveLength(accessMap.length);
    for (const preflight of methods.filter((method) => method.HttpMethod === 'OPTIONS')) {
      expect(preflight.Integration.Type).toBe('MOCK');
    }
  });
});

describe('authorizer', () => {
  it('is a TOKEN authorizer on the Authorization header with the configured cache TTL', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: config.authorizer.resultsCacheTtlSeconds,
    });
  });

  it('is bundled with aws-jwt-verify and the SigV4 signer inside, no AWS SDK, no source map or kept names (lib/config/bundling.ts)', () => {
    const { code, hasSourceMap } = bundle('Authorizer');
    const requires = [...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect(requires.length).toBeGreaterThan(0);
    // Node built-ins only: the revocation check signs its reads itself (lambda/revocation/sigv4.ts), the SDK's load was most of a cold start.
    for (const required of requires) expect(required).toMatch(/^(node:)?[a-z_]+$/);
    expect(code).toContain('JWT string does not consist of exactly 3 parts'); // aws-jwt-verify's own parse error
    expect(code).not.toContain('JwksNotAvailableInCacheError'); // class names are not kept (≈ 0.6–0.9 ms per cold start)
    expect(code).not.toContain('.routes must be an array'); // the config parser: its config was checked at synth
    expect(hasSourceMap).toBe(false);
    expect(code).not.toContain('sourceMappingURL');
  });

  it('as bundled, with its config in its code and none in its environment, starts the JWKS download during Init, never loads the SDK, and still verifies and checks: allows a valid token (again after a freeze longer than the store read time-out), rejects a forged or revoked one', async () => {
    // Allows a valid token (again after a freeze), rejects a forged or revoked one, one JWKS download begun at Init, and no
    // AWS SDK: the revocation check reads the store with signed requests of its own.
    expect(await checkBundle(bundle('Authorizer').file, { environment: DEPLOYED_AUTHORIZER_ENV })).toEqual(
      BUNDLE_CHECK_PASSED,
    );
  });

  it('runs on a current Node.js runtime on arm64; source maps for the backends, not the authorizer', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const [logicalId, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      const isAuthorizer = logicalId.startsWith('ApiAuthorizer');
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe(isAuthorizer ? undefined : '--enable-source-maps');
      expect(bundle(logicalId.replace(/^Api/, '').replace(/[0-9A-F]{8}$/, '')).hasSourceMap).toBe(!isAuthorizer);
    }
  });
});

describe('environment', () => {
  it('gives every function the pool and client ids; only auth the token endpoint, callbacks and refresh lifetime; only backends the CORS origins and the clock skew', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    for (const [logicalId, fn] of Object.entries(functions)) {
      const variables = fn.Properties.Environment.Variables;
      expect(Object.keys(variables)).toEqual(expect.arrayContaining([ENV.userPoolId, ENV.userPoolClientId]));
      const isAuth = logicalId.startsWith('ApiAuthHandler');
      for (const name of [ENV.tokenEndpoint, ENV.callbackUrls, ENV.refreshTokenDays])
        expect(variables[name] !== undefined).toBe(isAuth);
      // The authorizer's config (and the auth handler's copy, for logout) is in their code, not their environment.
      expect(variables[ENV.authorizerConfig]).toBeUndefined();
      expect(variables[ENV.allowedOrigins]).toBe(
        logicalId.startsWith('ApiAuthorizer') ? undefined : config.api.allowedOrigins.join(','),
      );
      expect(variables[ENV.clockSkewSeconds]).toBe(
        logicalId.startsWith('ApiAuthorizer') ? undefined : String(config.authorizer.clockSkewSeconds),
      );
    }
    const auth = functions[functionLogicalId('AuthHandler')].Properties.Environment.Variables;
    expect(JSON.stringify(auth[ENV.tokenEndpoint])).toContain(
      `.auth.${config.env.region}.amazoncognito.com/oauth2/token`,
    );
    expect(auth[ENV.callbackUrls]).toBe(config.hostedUi.callbackUrls.join(','));
    expect(auth[ENV.refreshTokenDays]).toBe(String(config.tokens.refreshTokenDays));
  });

  it("bundles into the authorizer's code the access map's protected routes (with their scopes), the group precedence and the limits", () => {
    expect(JSON.parse(api.api.bundledAuthorizerConfig)).toEqual({
      routes: accessMap
        .filter((route) => !isPublic(route))
        .map(({ method, path, access, scopes }) => ({ method, path, access, ...(scopes ? { scopes } : {}) })),
      groupPrecedence: ['admin-group', 'reviewers-group', 'user-group'],
      resourceServer: 'cognito-jwt-api',
      limits: {
        acceptIdTokens: false,
        clockSkewSeconds: 5,
        maxTokenLifetimeSeconds: 86400,
        jwksFetchTimeoutMs: 1500,
        jwksPenaltySeconds: 10,
        maxHeaderBytes: 8192,
      },
      revocation: { enabled: true, refreshMs: 5000, readTimeoutMs: 1000, failOpen: false, retentionSeconds: 3605 },
    });
    // esbuild prints the defined string as a template literal: the JSON appears as is. The logout
    // route verifies its token with exactly these settings; no other function carries them.
    for (const id of ['Authorizer', 'AuthHandler', 'ProfileHandler'])
      expect([id, bundle(id).code.includes(api.api.bundledAuthorizerConfig)]).toEqual([id, id !== 'ProfileHandler']);
  });

  it('names the machine client to the authorizer only (the identity stack exports its id)', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const machineIds = JSON.stringify(
      functions[functionLogicalId('Authorizer')].Properties.Environment.Variables[ENV.machineClientIds],
    );
    expect(machineIds).toMatch(/MachineClient/);
    const others = Object.entries(functions).filter(([id]) => id !== functionLogicalId('Authorizer'));
    for (const [, fn] of others) expect(fn.Properties.Environment?.Variables?.[ENV.machineClientIds]).toBeUndefined();
  });
});

describe('tables', () => {
  it('are on-demand tables with point-in-time recovery, encrypted, deleted with the dev stack', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(
      tables.map((table) => [
        table.DeletionPolicy,
        table.Properties.BillingMode,
        table.Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled,
        table.Properties.SSESpecification,
      ]),
    ).toEqual([
      ['Delete', 'PAY_PER_REQUEST', true, { SSEEnabled: true }],
      ['Delete', 'PAY_PER_REQUEST', true, { SSEEnabled: true }],
    ]);
  });

  it('name the revocation store to the authorizer, the auth and the admin backends only; the writers also learn how long to keep revocations', () => {
    const tableRef = { Ref: expect.stringMatching(/^TablesRevocationsTable/) };
    for (const [logicalId, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
      const variables = fn.Properties.Environment.Variables;
      const writer = ['ApiAuthHandler', 'ApiAdminUsersHandler'].some((prefix) => logicalId.startsWith(prefix));
      expect(variables[ENV.revocationsTable]).toEqual(
        writer || logicalId.startsWith('ApiAuthorizer') ? tableRef : undefined,
      );
      // 60-minute access tokens plus the 5 s skew; users' cut-offs: 30-day refresh tokens plus the skew.
      expect(variables[ENV.revocationRetentionSeconds]).toBe(writer ? '3605' : undefined);
      expect(variables[ENV.revocationUserRetentionSeconds]).toBe(writer ? '2592005' : undefined);
    }
  });

  it('reaches the reviews handler (only) through REVIEWS_TABLE_NAME, and is output as ReviewsTableName', () => {
    const tableRef = { Ref: expect.stringMatching(/^TablesReviewsTable/) };
    for (const [logicalId, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
      const variable = fn.Properties.Environment.Variables[ENV.reviewsTable];
      if (logicalId.startsWith('ApiReviewsHandler')) expect(variable).toEqual(tableRef);
      else expect(variable).toBeUndefined();
    }
    expect(template.findOutputs('ReviewsTableName')).toEqual({ ReviewsTableName: { Value: tableRef } });
  });
});

describe('gateway responses', () => {
  it.each([
    ['UNAUTHORIZED', GATEWAY_RESPONSES.unauthorized],
    ['ACCESS_DENIED', GATEWAY_RESPONSES.accessDenied],
    ['MISSING_AUTHENTICATION_TOKEN', GATEWAY_RESPONSES.missingAuthenticationToken],
    ['AUTHORIZER_FAILURE', GATEWAY_RESPONSES.authorizerFailure],
  ])('%s answers the same JSON as the local gateway, with CORS', (type, { statusCode, body }) => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: String(statusCode),
      ResponseTemplates: { 'application/json': JSON.stringify(body) },
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.Access-Control-Allow-Origin': `'${config.api.allowedOrigins[0]}'`,
      }),
    });
  });

  it.each(['DEFAULT_4XX', 'DEFAULT_5XX'])('%s carries the CORS origin', (type) => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.Access-Control-Allow-Origin': `'${config.api.allowedOrigins[0]}'`,
      }),
    });
  });
});

/** What DELETE and GET /api/admin/users need at Cognito. */
const ADMIN_USERS_COGNITO_ACTIONS = [
  'cognito-idp:ListUsers',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:ListUsersInGroup',
];

describe('least privilege', () => {
  it('grants Cognito actions on this pool only: AdminUserGlobalSignOut to the auth handler alone, listing and deleting users to the admin users handler alone', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((policy) => policy.Properties);
    const cognitoStatements = policies.flatMap((policy) =>
      policy.PolicyDocument.Statement.filter((statement: { Action: string | string[] }) =>
        JSON.stringify(statement.Action).includes('cognito-idp'),
      ).map((statement: unknown) => ({ roles: policy.Roles, statement })),
    );
    const poolArn = { 'Fn::ImportValue': expect.stringMatching(/UserPool.*Arn/) };
    expect(cognitoStatements).toEqual(
      expect.arrayContaining([
        {
          roles: [{ Ref: expect.stringMatching(/^ApiAuthHandlerRole/) }],
          statement: {
            Effect: 'Allow',
            Action: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminUserGlobalSignOut'],
            Resource: poolArn,
          },
        },
        {
          roles: [{ Ref: expect.stringMatching(/^ApiAdminUsersHandlerRole/) }],
          // Sorted by CDK (the recommended flag @aws-cdk/aws-iam:minimizePolicies).
          statement: { Effect: 'Allow', Action: [...ADMIN_USERS_COGNITO_ACTIONS].sort(), Resource: poolArn },
        },
      ]),
    );
    expect(cognitoStatements).toHaveLength(2);
  });

  it('gives DynamoDB access as the table definitions say: reviews to its handler, the revocation feed to the authorizer, revocation writes to logout and user deletion; no Scan, no wildcard', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((policy) => policy.Properties);
    const dynamoStatements = policies.flatMap((policy) =>
      policy.PolicyDocument.Statement.filter((statement: { Action: string | string[] }) =>
        JSON.stringify(statement.Action).includes('dynamodb:'),
      ).map((statement: unknown) => ({ roles: policy.Roles, statement })),
    );
    const tableArn = { 'Fn::GetAtt': [expect.stringMatching(/^TablesReviewsTable/), 'Arn'] };
    const revocationsArn = { 'Fn::GetAtt': [expect.stringMatching(/^TablesRevocationsTable/), 'Arn'] };
    const role = (name: string) => [{ Ref: expect.stringMatching(new RegExp(`^Api${name}Role`)) }];
    expect(dynamoStatements).toEqual(
      expect.arrayContaining([
        {
          roles: role('Authorizer'),
          statement: { Effect: 'Allow', Action: 'dynamodb:BatchGetItem', Resource: revocationsArn },
        },
        {
          roles: role('Authorizer'),
          statement: {
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            Resource: { 'Fn::Join': ['', [revocationsArn, '/index/feed']] },
          },
        },
        {
          roles: role('AuthHandler'),
          statement: { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: revocationsArn },
        },
        {
          roles: role('AdminUsersHandler'),
          statement: { Effect: 'Allow', Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'], Resource: revocationsArn },
        },
        {
          roles: role('ReviewsHandler'),
          statement: {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
            Resource: tableArn,
          },
        },
        {
          roles: role('ReviewsHandler'),
          statement: {
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            Resource: { 'Fn::Join': ['', [tableArn, '/index/newestFirst']] },
          },
        },
      ]),
    );
    expect(dynamoStatements).toHaveLength(6);
    expect(JSON.stringify(dynamoStatements)).not.toMatch(/dynamodb:\*|dynamodb:Scan|kms:/);
  });

  it('uses no managed policies for Lambda roles (each writes only its own log group)', () => {
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      },
    });
    expect(Object.keys(roles)).toHaveLength(5);
    for (const role of Object.values(roles)) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('stage', () => {
  it('logs access as JSON, throttles, and never logs request data', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: config.api.stageName,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          DataTraceEnabled: false,
          LoggingLevel: 'ERROR',
          ThrottlingRateLimit: config.api.throttlingRateLimit,
          ThrottlingBurstLimit: config.api.throttlingBurstLimit,
        },
        {
          HttpMethod: 'POST',
          ResourcePath: '/~1auth~1login',
          DataTraceEnabled: false,
          LoggingLevel: 'ERROR',
          ThrottlingRateLimit: 10,
          ThrottlingBurstLimit: 20,
        },
      ],
    });
  });

  it("logs the caller and the authorizer's status and latency in each access log line, and no header", () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0].Properties;
    const format = JSON.parse(stage.AccessLogSetting.Format);
    expect(format).toMatchObject({
      principalId: '$context.authorizer.principalId',
      authorizerStatus: '$context.authorizer.status',
      authorizerLatency: '$context.authorizer.latency',
      status: '$context.status',
      resourcePath: '$context.resourcePath',
    });
    expect(stage.AccessLogSetting.Format).not.toMatch(/header|authorization/i);
  });

  it('outputs ApiUrl', () => {
    expect(Object.keys(template.findOutputs('ApiUrl'))).toEqual(['ApiUrl']);
  });

  it('outputs RevocationsTableName beside ReviewsTableName', () => {
    expect(
      Object.keys(template.findOutputs('*'))
        .filter((name) => name.endsWith('TableName'))
        .sort(),
    ).toEqual(['ReviewsTableName', 'RevocationsTableName']);
  });
});

describe('alarms and Lambda permissions, in every stage', () => {
  it('sends every alarm to the alarm topic, which accepts only TLS publishers, and outputs its ARN as AlarmTopicArn', () => {
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(template.findOutputs('AlarmTopicArn').AlarmTopicArn.Value).toEqual({ Ref: topicId });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    });
    expect(template.findResources('AWS::SNS::Subscription')).toEqual({});
  });

  it('gives every Lambda permission the account as SourceAccount (CT.LAMBDA.PR.2)', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    // One per handler for the whole API (every stage, the console's test-invoke-stage included), one for the authorizer.
    expect(permissions).toHaveLength(new Set(accessMap.map((route) => route.handler)).size + 1);
    for (const permission of permissions) {
      expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(permission.Properties.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
    }
  });
});

describe('dev keeps the cheaper settings (README stage table)', () => {
  it('no X-Ray, a month of logs deleted with the stack, no KMS key, no WAF', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: false });
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function')))
      expect(fn.Properties.TracingConfig).toBeUndefined();
    for (const logGroup of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(logGroup.DeletionPolicy).toBe('Delete');
      expect(logGroup.Properties.RetentionInDays).toBe(30);
      expect(logGroup.Properties.KmsKeyId).toBeUndefined();
    }
    expect(template.findResources('AWS::KMS::Key')).toEqual({});
    expect(template.findResources('AWS::WAFv2::WebACL')).toEqual({});
  });
});

describe('prod hardening', () => {
  let prod: Template;
  beforeAll(() => {
    const built = buildTestApp({
      context: { ...PROD_CONTEXT, account: '123456789012', alarmEmail: 'ops@example.com' },
      bundling: false,
    });
    prod = Template.fromStack(built.api);
  });
  const logGroupsById = () => prod.findResources('AWS::Logs::LogGroup');

  it('traces with X-Ray on the stage and in every function', () => {
    prod.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true });
    const functions = Object.values(prod.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const fn of functions) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });

  it('keeps every log group a year, encrypted with the stack’s KMS key; the audit-bearing ones outlive the stack', () => {
    const keyId = Object.keys(prod.findResources('AWS::KMS::Key'))[0];
    const kept: string[] = [];
    for (const [logicalId, logGroup] of Object.entries(logGroupsById())) {
      expect(logGroup.Properties.RetentionInDays).toBe(365);
      expect(logGroup.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      if (logGroup.DeletionPolicy === 'Retain') kept.push(logicalId.replace(/Logs[0-9A-F]{8}$/, ''));
    }
    // The authorizer's decisions, the auth and admin handlers' audit lines, the access log (AUDIT_LOG_GROUPS).
    expect(kept.sort()).toEqual(['ApiAccess', 'ApiAdminUsersHandler', 'ApiAuthHandler', 'ApiAuthorizer']);
  });

  it('has a KMS key rotated yearly and retained, usable by CloudWatch Logs of this account only, granting only to AWS services', () => {
    const [key] = Object.values(prod.findResources('AWS::KMS::Key'));
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.Properties).toMatchObject({ EnableKeyRotation: true, RotationPeriodInDays: 365 });
    const statements = key.Properties.KeyPolicy.Statement as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a key policy
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Condition: {
            ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:123456789012:log-group:*' },
          },
        }),
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        }),
        {
          Sid: 'GrantsOnlyByAndForAwsServices',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
        },
      ]),
    );
    prod.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }),
    });
  });

  it('puts a WAF web ACL on the stage: allow by default, a per-IP rate limit on /auth/* from the config, the IP reputation list', () => {
    const [acl] = Object.values(prod.findResources('AWS::WAFv2::WebACL')).map((resource) => resource.Properties);
    expect(acl).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    expect(acl.Rules).toHaveLength(2);
    expect(acl.Rules[0]).toMatchObject({
      Name: WAF_RULES.authRateLimit,
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          AggregateKeyType: 'IP',
          Limit: config.api.waf.authRateLimit,
          EvaluationWindowSec: config.api.waf.evaluationWindowSeconds,
        },
      },
    });
    expect(acl.Rules[1]).toMatchObject({
      Name: WAF_RULES.ipReputation,
      OverrideAction: { None: {} },
      Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } },
    });
    const stageId = Object.keys(prod.findResources('AWS::ApiGateway::Stage'))[0];
    const [association] = Object.values(prod.findResources('AWS::WAFv2::WebACLAssociation'));
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(`"${stageId}"`);
  });

  it('rate-limits exactly the /auth/* routes of the access map, as WAF sees their paths on the stage', () => {
    const [acl] = Object.values(prod.findResources('AWS::WAFv2::WebACL')).map((resource) => resource.Properties);
    const match = acl.Rules[0].Statement.RateBasedStatement.ScopeDownStatement.ByteMatchStatement;
    expect(match).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH' });
    expect(match.TextTransformations).toEqual([{ Priority: 0, Type: 'LOWERCASE' }]);
    for (const route of accessMap) {
      const requestPath = `/${config.api.stageName}${route.path.replace(/\{[^}]+\}/g, 'x')}`.toLowerCase();
      expect([route.path, requestPath.startsWith(match.SearchString)]).toEqual([
        route.path,
        route.path.startsWith('/auth/'),
      ]);
    }
  });

  it('adds no managed rule group that judges what a request carries (it could block what the access map allows)', () => {
    const groups = JSON.stringify(prod.findResources('AWS::WAFv2::WebACL')).match(/AWSManagedRules\w+/g);
    // Not the Common Rule Set (bodies over 8 KB, HTML in a review, no User-Agent), SQLi, known bad inputs, …
    expect([...new Set(groups)]).toEqual(['AWSManagedRulesAmazonIpReputationList']);
  });

  it('subscribes the alarm email to the alarm topic', () => {
    prod.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('puts a literal SourceAccount on every Lambda permission when the account is known', () => {
    for (const permission of Object.values(prod.findResources('AWS::Lambda::Permission')))
      expect(permission.Properties.SourceAccount).toBe('123456789012');
  });
});
