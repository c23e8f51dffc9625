/**
 * AuthorizedApi's own props, on a bare stack (no bundling, but for one large access map), and the
 * authorizer it configures: built from the template's environment and the config the construct
 * bundles into its code, exactly as the Lambda reads them at cold start, it enforces the construct's
 * routes and config, not the project's defaults. Large access maps deploy: their routes travel in
 * the code, not in Lambda's 4 KB of environment.
 */
import * as path from 'node:path';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Route } from '../../../lib/contracts/access-map';
import { configFor, type AppConfig } from '../../../lib/config/app-config';
import { ENV } from '../../../lib/contracts/runtime-env';
import type { AuthorizerRuntimeConfig } from '../../../lib/contracts/authorizer-config';
import { AUTHORIZER_MEMORY_MB } from '../../../lib/config/lambda-sizing';
import { AuthorizedApi, type AuthorizedApiProps } from '../../../lib/constructs/api';
import { AppTables } from '../../../lib/constructs/tables';
import { createAuthorizer } from '../../../lambda/authorizer/handler';
import { evaluatePolicy } from '../../../lambda/authorizer/iam-policy';
import { settingsFromEnv } from '../../../lambda/authorizer/settings';
import { startLocalStore, type LocalStore } from '../../../fixtures/local-dynamo';
import {
  accessToken,
  makeSigningKey,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../../fixtures/token-factory';
import { configProblems } from '../../support/config-error';
import { generatedAccessMap, unstructuredAccessMap } from '../../../fixtures/generated-access-map';
import { GROUP_NAMES, type GroupName } from '../../../lib/contracts/groups';
import { TEN_GROUPS } from '../../../bench/tasks/policy-size';
import { BUNDLE_CHECK_PASSED, DEPLOYED_AUTHORIZER_ENV, checkBundle } from '../../../fixtures/bundle-check';
import { functionCodeDirectory } from '../../support/cdk';

// Its own routes: no throttle for the project's /auth/login (validation would name it as no route of these).
const devConfig = configFor('dev');
const config: AppConfig = { ...devConfig, api: { ...devConfig.api, methodThrottling: [] } };
const CLIENT_ID = 'exampleclientid';
const routes: readonly Route[] = [
  { method: 'GET', path: '/health', access: 'public', handler: 'profile' },
  { method: 'GET', path: '/api/things/{id}', access: ['user-group'], handler: 'reviews' },
];

interface SynthProps extends Pick<AuthorizedApiProps, 'authorizerMemorySize'> {
  readonly config?: AppConfig;
  readonly routes?: readonly Route[];
  /** Bundle the functions' code with esbuild (seconds per app). @default false */
  readonly bundling?: boolean;
  /**
   * Lift CloudFormation's 500 resources per stack, which CDK checks at synth: a large map's methods
   * and paths exceed it from ≈ 245 routes (docs/deploy.md › Policy size), and the tests using this look at
   * the authorizer, not the stack's size.
   * @default false
   */
  readonly liftStackResourceLimit?: boolean;
}

interface Synthesized {
  readonly template: Template;
  readonly api: AuthorizedApi;
  /** The cloud assembly's directory (the bundled code is in it when bundling). */
  readonly outdir: string;
}

function build(props: SynthProps = {}): Synthesized {
  const app = new App({
    context: {
      ...(props.bundling === true ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...(props.liftStackResourceLimit === true ? { '@aws-cdk/core:stackResourceLimit': 0 } : {}),
    },
  });
  const stack = new Stack(app, 'Test', { env: { region: config.env.region } });
  if (props.liftStackResourceLimit === true) {
    Validations.of(stack).acknowledge({
      id: 'CloudFormation-Validate::F0007',
      reason: 'Lifted on purpose: the test is about the authorizer, not the stack size',
    });
  }
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_example');
  const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', CLIENT_ID);
  const tables = new AppTables(stack, 'Tables', { config: props.config ?? config });
  const api = new AuthorizedApi(stack, 'Api', {
    config: props.config ?? config,
    userPool,
    userPoolClient,
    tokenEndpoint: 'https://example.auth.us-east-1.amazoncognito.com/oauth2/token',
    routes: props.routes ?? routes,
    tracing: true,
    tables,
    authorizerMemorySize: props.authorizerMemorySize,
  });
  const assembly = app.synth();
  return {
    template: Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template),
    api,
    outdir: assembly.directory,
  };
}

const synth = (props: SynthProps = {}): Template => build(props).template;

/** The authorizer function's template resource. */
function authorizerFunction(built: Template) {
  const functions = Object.entries(built.findResources('AWS::Lambda::Function'));
  const [[, fn]] = functions.filter(([logicalId]) => logicalId.startsWith('ApiAuthorizer'));
  return fn;
}

/**
 * A generated access map (fixtures/generated-access-map.ts, as the bench's policy keys use) over ten
 * groups, and the config that names them: the project's three and seven more (GroupName lists only
 * the project's; the construct takes whatever the config names).
 */
function tenGroupMap(count: number): { config: AppConfig; routes: Route[] } {
  const names = TEN_GROUPS as readonly GroupName[];
  const groups = names.map((name, i) => ({ name, precedence: i + 1, description: name }));
  const routes = generatedAccessMap(count, names).map((route) => ({ ...route, handler: 'reviews' as const }));
  return { config: { ...config, groups }, routes };
}

let construct: Synthesized;
let template: Template;
beforeAll(() => {
  construct = build();
  ({ template } = construct);
});

it('builds only the given routes, with one function per handler they use plus the authorizer', () => {
  const methods = Object.values(template.findResources('AWS::ApiGateway::Method'))
    .map((method) => method.Properties)
    .filter((method) => method.HttpMethod !== 'OPTIONS');
  expect(methods.map((method) => [method.HttpMethod, method.AuthorizationType]).sort()).toEqual([
    ['GET', 'CUSTOM'],
    ['GET', 'NONE'],
  ]);
  const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
  expect(functions.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
    'ApiAuthorizer',
    'ApiProfileHandler',
    'ApiReviewsHandler',
  ]);
});

it('turns on X-Ray tracing on the stage and in every function when asked', () => {
  template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true });
  const functions = Object.values(template.findResources('AWS::Lambda::Function'));
  for (const fn of functions) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
});

it('gives the authorizer the revocation feed (its table, Query on the index) only while the check is on', () => {
  const authorizerOf = ({ template: built, api }: Synthesized) => {
    const fn = authorizerFunction(built);
    const role = fn.Properties.Role['Fn::GetAtt'][0] as string;
    const statements = Object.values(built.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: unknown }>);
    return {
      variables: fn.Properties.Environment.Variables as Record<string, unknown>,
      dynamo: statements.filter((statement) => JSON.stringify(statement.Action).includes('dynamodb')),
      revocationEnabled: (JSON.parse(api.bundledAuthorizerConfig) as AuthorizerRuntimeConfig).revocation.enabled,
    };
  };
  const on = authorizerOf(construct);
  expect(on.variables[ENV.revocationsTable]).toBeDefined();
  expect(on.dynamo.map((statement) => statement.Action)).toEqual(['dynamodb:BatchGetItem', 'dynamodb:Query']);
  expect(on.revocationEnabled).toBe(true);
  const off = authorizerOf(build({ config: { ...config, revocation: { ...config.revocation, enabled: false } } }));
  expect(off.variables[ENV.revocationsTable]).toBeUndefined();
  expect(off.dynamo).toEqual([]);
  expect(off.revocationEnabled).toBe(false);
});

it('grants no Cognito permissions when no route uses the admin users handler', () => {
  expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('cognito-idp');
});

describe('the authorizer it deploys', () => {
  const API_PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:api1/v1';
  const arn = (method: string, path: string): string => `${API_PREFIX}/${method}${path}`;
  let key: SigningKey;
  let jwks: JwksServer;
  let dynamo: LocalStore;
  beforeAll(async () => {
    key = makeSigningKey('construct-key');
    [jwks, dynamo] = await Promise.all([startJwksServer([key]), startLocalStore()]);
  });
  afterAll(() => Promise.all([jwks.close(), dynamo.stop()]));

  /**
   * The authorizer as its Lambda starts from the template's variables and the config bundled into its
   * code (issuer pointed at a loopback JWKS; its revocation table, a deploy-time reference in the
   * template, a local DynamoDB's).
   */
  function deployedAuthorizer({ template: built, api }: Synthesized) {
    const variables: Record<string, unknown> = authorizerFunction(built).Properties.Environment.Variables;
    expect(variables[ENV.revocationsTable]).toEqual({ Ref: expect.stringMatching(/^TablesRevocationsTable/) });
    expect(variables[ENV.authorizerConfig]).toBeUndefined();
    const settings = settingsFromEnv({
      ...(variables as Record<string, string>),
      [ENV.authorizerConfig]: api.bundledAuthorizerConfig,
      ...dynamo.env,
      [ENV.region]: 'us-east-1',
      [ENV.issuerOverride]: jwks.issuer,
      [ENV.jwksUriOverride]: jwks.jwksUri,
    });
    const authorize = createAuthorizer(settings, { logSink: () => undefined });
    return (groups: string[], methodArn: string): Promise<APIGatewayAuthorizerResult> =>
      authorize({
        type: 'TOKEN',
        authorizationToken: `Bearer ${accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key, groups })}`,
        methodArn,
      });
  }

  it("enforces exactly the construct's routes: its own route allowed, none of the default access map", async () => {
    const authorize = deployedAuthorizer(construct);
    const answer = await authorize(['user-group'], arn('GET', '/api/things/42'));
    expect(evaluatePolicy(answer.policyDocument, arn('GET', '/api/things/42'))).toBe('allow');
    // In the project's access map any valid token may call these; this construct has no such routes.
    expect(evaluatePolicy(answer.policyDocument, arn('GET', '/api/profile'))).not.toBe('allow');
    expect(evaluatePolicy(answer.policyDocument, arn('GET', '/api/admin/users'))).not.toBe('allow');
  });

  it('denies a group the routes do not grant (a 403 at API Gateway)', async () => {
    const answer = await deployedAuthorizer(construct)(['admin-group'], arn('GET', '/api/things/42'));
    expect(evaluatePolicy(answer.policyDocument, arn('GET', '/api/things/42'))).not.toBe('allow');
  });

  it("uses the construct's config: its group precedence decides primaryGroup", async () => {
    const groups = config.groups.map((group) => (group.name === 'user-group' ? { ...group, precedence: 0 } : group));
    const answer = await deployedAuthorizer(build({ config: { ...config, groups } }))(
      ['admin-group', 'user-group'],
      arn('GET', '/api/things/1'),
    );
    expect(answer.context).toMatchObject({ primaryGroup: 'user-group' });
  });
});

describe('checks at synth', () => {
  const problems = (props: Parameters<typeof synth>[0]) => configProblems(() => synth(props));

  it("fails when what stays in a function's environment would exceed Lambda's 4 KB (here the CORS origins)", () => {
    const allowedOrigins = Array.from({ length: 40 }, (_, i) => `https://app-${i}.${'x'.repeat(90)}.example.com`);
    expect(problems({ config: { ...config, api: { ...config.api, allowedOrigins } } })).toEqual([
      expect.stringMatching(
        /^The environment of the ProfileHandler function takes up to \d+ bytes; Lambda allows 4096 in total: use fewer or shorter callback URLs, allowed origins or machine clients$/,
      ),
    ]);
  });

  it("fails when the authorizer's largest policy would not fit its answer (API Gateway: 8 KB)", () => {
    const unstructured = unstructuredAccessMap(200, GROUP_NAMES).map((route) => ({
      ...route,
      handler: 'reviews' as const,
    }));
    expect(problems({ routes: unstructured })).toEqual([
      expect.stringMatching(
        /^routes: the authorizer's largest policy reaches \d+ bytes, over the 7168 its answer has room for/,
      ),
    ]);
  });

  it('fails on routes that grant an unknown group, repeat, or have a malformed path', () => {
    const bad: Route[] = [
      { method: 'GET', path: '/api/x', access: ['admin-group'], handler: 'reviews' },
      { method: 'GET', path: '/api/x', access: ['admin-group'], handler: 'reviews' },
      { method: 'GET', path: 'api/y', access: ['admin-group'], handler: 'reviews' },
      { method: 'GET', path: '/api/z', access: ['user-group'], handler: 'reviews' },
    ];
    const withoutUserGroup = { ...config, groups: config.groups.filter((group) => group.name !== 'user-group') };
    expect(problems({ config: withoutUserGroup, routes: bad })).toEqual([
      'routes: "GET /api/x" appears more than once',
      'routes: "GET api/y" has a malformed path (segments of A-Z a-z 0-9 . _ ~ - or {param})',
      'routes: "GET /api/z" grants "user-group", which is not a configured group',
    ]);
  });

  it('validates its config: the authorizer cache TTL within API Gateway’s 0–3600 s', () => {
    expect(
      problems({ config: { ...config, authorizer: { ...config.authorizer, resultsCacheTtlSeconds: 7200 } } }),
    ).toEqual([
      "config.authorizer.resultsCacheTtlSeconds must be a whole number from 0 to 3600 (API Gateway's limit; 0 turns the cache off); got 7200",
    ]);
  });
});

// CloudFormation's 500 resources per stack is the next limit (docs/deploy.md › Policy size).
describe('large access maps: the routes travel in the code, not the environment', () => {
  it('synthesizes a 200-route map (10 groups) in one stack, with an environment that does not grow with it', () => {
    const large = tenGroupMap(200);
    const { template: built, api } = build(large);
    expect(JSON.parse(api.bundledAuthorizerConfig).routes).toHaveLength(200);
    const small = authorizerFunction(template).Properties.Environment.Variables;
    const largeEnvironment = authorizerFunction(built).Properties.Environment.Variables;
    expect(largeEnvironment[ENV.authorizerConfig]).toBeUndefined();
    expect(Object.keys(largeEnvironment).sort()).toEqual(Object.keys(small).sort());
    // One invoke permission per handler however many routes it serves (its resource policy has 20 KB).
    const handlers = new Set(large.routes.map((route) => route.handler)).size;
    expect(Object.keys(built.findResources('AWS::Lambda::Permission'))).toHaveLength(handlers + 1);
    expect(Object.keys(built.toJSON().Resources).length).toBeLessThanOrEqual(500);
  }, 120_000); // 411 resources: ≈ 5–8 s on a quiet machine

  it('bundles a 500-route map (10 groups) into the authorizer, which decides from it with none in its environment', async () => {
    const large = tenGroupMap(500);
    const { template: built, outdir } = build({ ...large, bundling: true, liftStackResourceLimit: true });
    const fn = authorizerFunction(built);
    expect(fn.Properties.Environment.Variables[ENV.authorizerConfig]).toBeUndefined();
    const bundleFile = path.join(functionCodeDirectory(outdir, fn.Properties.Code.S3Key), 'index.js');
    // A route of the map only the first group may call (creating in its own domain): absent from the project's map.
    const call = { method: 'POST', path: '/api/domain-0/collection-0', groups: [TEN_GROUPS[0]] };
    expect(large.routes.find((route) => route.method === call.method && route.path === call.path)?.access).toEqual([
      TEN_GROUPS[0],
    ]);
    expect(await checkBundle(bundleFile, { environment: DEPLOYED_AUTHORIZER_ENV, call })).toEqual(BUNDLE_CHECK_PASSED);
  }, 180_000); // 951 resources and two bundles: ≈ 25 s on a quiet machine, several times that on a busy one
});

describe('authorizer memory', () => {
  const authorizerMemory = (synthesized: Template): unknown => {
    const [id, fn] =
      Object.entries(synthesized.findResources('AWS::Lambda::Function')).find(([logicalId]) =>
        logicalId.startsWith('ApiAuthorizer'),
      ) ?? [];
    expect(id).toBeDefined();
    return fn?.Properties.MemorySize;
  };

  it('defaults to the size the benchmark numbers justify (lib/config/lambda-sizing.ts)', () => {
    expect(authorizerMemory(template)).toBe(AUTHORIZER_MEMORY_MB);
  });

  it('takes another size from authorizerMemorySize', () => {
    expect(authorizerMemory(synth({ authorizerMemorySize: 512 }))).toBe(512);
  });

  it.each([64, 127, 10_241, 512.5])('refuses %p MB in one line naming the prop and the range', (size) => {
    expect(configProblems(() => synth({ authorizerMemorySize: size }))).toEqual([
      `AuthorizedApi: authorizerMemorySize must be a whole number of MB from 128 to 10240; got ${size}`,
    ]);
  });
});
