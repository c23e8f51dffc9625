import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { accessMap, isPublic } from '../../../lib/config/access-map';
import type { AppConfig } from '../../../lib/config/app-config';
import { GATEWAY_RESPONSES } from '../../../lib/config/gateway-responses';
import { ENV } from '../../../lib/config/runtime-env';
import type { ApiStack } from '../../../lib/stacks/api-stack';
import { checkBundle } from '../../../fixtures/bundle-check';
import { buildTestApp, resourceInventory } from '../../support/cdk';

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
  const directory = path.join(assembly.directory, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
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

  it('is bundled with aws-jwt-verify inside, the AWS SDK left to the runtime (DynamoDB only, for the revocation check), no source map or kept names (lib/config/bundling.ts)', () => {
    const { code, hasSourceMap } = bundle('Authorizer');
    const requires = [...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect(requires.length).toBeGreaterThan(0);
    // Node built-ins, and the one SDK client the revocation check loads on its first read.
    for (const required of requires) expect(required).toMatch(/^((node:)?[a-z_]+|@aws-sdk\/client-dynamodb)$/);
    expect(requires).toContain('@aws-sdk/client-dynamodb');
    expect(code).toContain('JWT string does not consist of exactly 3 parts'); // aws-jwt-verify's own parse error
    expect(code).not.toContain('JwksNotAvailableInCacheError'); // class names are not kept (≈ 0.6–0.9 ms per cold start)
    expect(hasSourceMap).toBe(false);
    expect(code).not.toContain('sourceMappingURL');
  });

  it('as bundled, starts the JWKS download during Init, leaves the SDK unloaded, and still verifies and checks: allows a valid token, rejects a forged or revoked one', async () => {
    expect(await checkBundle(bundle('Authorizer').file)).toEqual({
      authorizes: true,
      rejectsForeignKey: true,
      rejectsRevoked: true,
      jwksFetchStartedAtInit: true,
      // The revocation check loads the AWS SDK on its first read, never at Init.
      sdkLoadedAtInit: false,
      jwksRequests: 1,
    });
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
      // The auth handler verifies logout's token as the authorizer does.
      expect(variables[ENV.authorizerConfig] !== undefined).toBe(logicalId.startsWith('ApiAuthorizer') || isAuth);
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

  it("hands the authorizer the access map's protected routes (with their scopes), the group precedence and the limits", () => {
    const variables =
      template.findResources('AWS::Lambda::Function')[functionLogicalId('Authorizer')].Properties.Environment.Variables;
    expect(JSON.parse(variables[ENV.authorizerConfig])).toEqual({
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
    // The logout route verifies its token with exactly these settings.
    const auth =
      template.findResources('AWS::Lambda::Function')[functionLogicalId('AuthHandler')].Properties.Environment
        .Variables;
    expect(auth[ENV.authorizerConfig]).toBe(variables[ENV.authorizerConfig]);
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
      // 60-minute access tokens plus the 5 s skew.
      expect(variables[ENV.revocationRetentionSeconds]).toBe(writer ? '3605' : undefined);
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

describe('least privilege', () => {
  it('lets only the admin users handler call ListUsers, AdminGetUser and AdminDeleteUser, on this pool only', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((policy) => policy.Properties);
    const cognitoStatements = policies.flatMap((policy) =>
      policy.PolicyDocument.Statement.filter((statement: { Action: string | string[] }) =>
        JSON.stringify(statement.Action).includes('cognito-idp'),
      ).map((statement: unknown) => ({ roles: policy.Roles, statement })),
    );
    expect(cognitoStatements).toHaveLength(1);
    expect(cognitoStatements[0].roles).toEqual([{ Ref: expect.stringMatching(/AdminUsersHandlerRole/) }]);
    expect(cognitoStatements[0].statement).toMatchObject({
      Effect: 'Allow',
      Action: ['cognito-idp:ListUsers', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser'],
      Resource: { 'Fn::ImportValue': expect.stringMatching(/UserPool.*Arn/) },
    });
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
          statement: { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: revocationsArn },
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
    expect(dynamoStatements).toHaveLength(5);
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
        Match.objectLike({
          DataTraceEnabled: false,
          LoggingLevel: 'ERROR',
          ThrottlingRateLimit: config.api.throttlingRateLimit,
          ThrottlingBurstLimit: config.api.throttlingBurstLimit,
        }),
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
