import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { accessMap, isPublic, type HandlerName, type Route } from '../contracts/access-map';
import { AUDIT_LOG_GROUPS, resourceName, type AppConfig, type AuditLogGroup } from '../config/app-config';
import { AUTHORIZER_BUNDLING, HANDLER_BUNDLING, nodeOptionsFor, type FunctionBundling } from '../config/bundling';
import { assertNoProblems, ConfigError } from '../config/config-error';
import { corsPolicy, gatewayResponseCorsHeaders, type CorsPolicy } from '../contracts/cors';
import {
  authorizerEnvironment,
  handlerEnvironment,
  type BackendSettings,
  type PoolIds,
} from '../config/function-environment';
import { GATEWAY_RESPONSES, type GatewayResponseName } from '../contracts/gateway-responses';
import { AUTHORIZER_MEMORY_MB, HANDLER_MEMORY_MB, LAMBDA_MEMORY_RANGE_MB } from '../config/lambda-sizing';
import { routeProblems, validateConfig } from '../config/validation';
import { policySizeProblems } from '../../lambda/authorizer/largest-policy';
import { ENV } from '../contracts/runtime-env';
import { assertEnvironmentFits, authorizerConfigInCode } from './lambda-environment';
import type { HandlerDataAccess } from './tables';

export interface AuthorizedApiProps {
  /** The app's config; validated here, one error per broken rule. The authorizer gets its part in its code (AUTHORIZER_CONFIG). */
  readonly config: AppConfig;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /**
   * Machine clients (client-credentials grant) whose tokens the authorizer accepts, deciding each
   * route from the token's scopes (Route.scopes).
   * @default none: only the user client's tokens are accepted
   */
  readonly machineClients?: readonly IUserPoolClient[];
  /** The Hosted UI token endpoint `/auth/token` exchanges codes at. */
  readonly tokenEndpoint: string;
  /** The tables the functions use: each gets the variables naming its tables and its grants on them (the authorizer: the revocation feed). */
  readonly tables: HandlerDataAccess;
  /**
   * Which group may call which route: API Gateway's resources and methods, and exactly what the
   * authorizer enforces (bundled into its code in AUTHORIZER_CONFIG).
   * @default the project's access map (lib/contracts/access-map.ts)
   */
  readonly routes?: readonly Route[];
  /**
   * How long Lambda and access logs are kept.
   * @default one month
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Keep the audit-bearing log groups (AUDIT_LOG_GROUPS: authorizer, auth, admin, access log) when
   * the stack is deleted; the others are deleted with it.
   * @default false
   */
  readonly retainAuditLogs?: boolean;
  /**
   * Customer managed key the log groups are encrypted with (its policy must let CloudWatch Logs use it).
   * @default CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * X-Ray active tracing on the API stage and every function (API Gateway decides the sampling; the
   * functions' roles get permission to send segments).
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * Memory of the authorizer function, MB (128–10,240). Lambda's CPU share grows with it, which is
   * what the first decision of a cold start waits on (lib/config/lambda-sizing.ts, bench/README.md).
   * @default AUTHORIZER_MEMORY_MB (lib/config/lambda-sizing.ts)
   */
  readonly authorizerMemorySize?: number;
}

const LAMBDA_DIR = path.join(__dirname, '..', '..', 'lambda');

const GATEWAY_RESPONSE_TYPES: ReadonlyArray<[apigateway.ResponseType, GatewayResponseName]> = [
  [apigateway.ResponseType.UNAUTHORIZED, 'unauthorized'],
  [apigateway.ResponseType.ACCESS_DENIED, 'accessDenied'],
  [apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, 'missingAuthenticationToken'],
  [apigateway.ResponseType.AUTHORIZER_FAILURE, 'authorizerFailure'],
  [apigateway.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, 'authorizerFailure'],
  [apigateway.ResponseType.REQUEST_TOO_LARGE, 'requestTooLarge'],
];

/**
 * Access log fields: API Gateway's standard ones, plus who called (the authorizer's principalId,
 * the token's `sub`) and how the authorizer did (status, latency; empty when its cache answered or
 * the route is public). Never a header, so never a token.
 */
const ACCESS_LOG_FIELDS = {
  requestId: apigateway.AccessLogField.contextRequestId(),
  ip: apigateway.AccessLogField.contextIdentitySourceIp(),
  requestTime: apigateway.AccessLogField.contextRequestTime(),
  httpMethod: apigateway.AccessLogField.contextHttpMethod(),
  resourcePath: apigateway.AccessLogField.contextResourcePath(),
  status: apigateway.AccessLogField.contextStatus(),
  protocol: apigateway.AccessLogField.contextProtocol(),
  responseLength: apigateway.AccessLogField.contextResponseLength(),
  responseLatency: apigateway.AccessLogField.contextResponseLatency(),
  integrationLatency: apigateway.AccessLogField.contextIntegrationLatency(),
  principalId: apigateway.AccessLogField.contextAuthorizerPrincipalId(),
  authorizerStatus: apigateway.AccessLogField.contextAuthorizerStatus(),
  authorizerLatency: apigateway.AccessLogField.contextAuthorizerLatency(),
  errorType: apigateway.AccessLogField.contextErrorResponseType(),
};

/** Execution logging of errors only, never request data. */
const STAGE_LOGGING = {
  loggingLevel: apigateway.MethodLoggingLevel.ERROR,
  dataTraceEnabled: false, // would log request headers, i.e. tokens
} as const;

/**
 * A REST API built from the access map: every route that is not public goes through a TOKEN
 * authorizer (the Authorization header) backed by the Lambda in lambda/authorizer, which enforces
 * exactly the construct's routes and config.
 */
export class AuthorizedApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly authorizerFunction: NodejsFunction;
  /**
   * The AUTHORIZER_CONFIG JSON (routes, group precedence, limits, revocation check) bundled into the
   * authorizer's code and the auth function's (logout verifies tokens as the authorizer does): not
   * in their environments, where Lambda's 4 KB would cap the access map at ≈ 50 routes.
   */
  readonly bundledAuthorizerConfig: string;
  /** Where the authorizer writes its decision lines (the monitoring construct counts them). */
  readonly authorizerLogGroup: logs.ILogGroup;
  readonly handlers: Readonly<Record<HandlerName, NodejsFunction>>;

  private readonly logSettings: Pick<AuthorizedApiProps, 'logRetention' | 'retainAuditLogs' | 'logEncryptionKey'>;
  private readonly tracing: boolean;

  constructor(scope: Construct, id: string, props: AuthorizedApiProps) {
    super(scope, id);
    const { config } = props;
    const routes = props.routes ?? accessMap;
    this.logSettings = props;
    this.tracing = props.tracing ?? false;

    assertNoProblems([...validateConfig(config), ...routeProblems(routes, config)]);
    assertNoProblems(
      policySizeProblems(
        routes,
        config.groups.map((group) => group.name),
        config.api.stageName,
      ),
    );

    const cors = corsPolicy(config.api.allowedOrigins, routes);
    const pool = {
      userPoolId: props.userPool.userPoolId,
      userPoolClientId: props.userPoolClient.userPoolClientId,
      machineClientIds: (props.machineClients ?? []).map((client) => client.userPoolClientId),
    };
    const authorizerMemory = validMemorySize(
      props.authorizerMemorySize ?? AUTHORIZER_MEMORY_MB,
      'authorizerMemorySize',
    );
    // The revocation check reads the store's feed (lib/contracts/tables.ts); switched off, the authorizer gets no table at all.
    const revocationTables = config.revocation.enabled ? props.tables.environmentFor('authorizer') : {};
    const authorizerVariables = { ...authorizerEnvironment(config, routes, pool), ...revocationTables };
    this.bundledAuthorizerConfig = authorizerVariables[ENV.authorizerConfig];
    this.authorizerFunction = this.lambdaFunction(
      'Authorizer',
      'authorizer',
      'authorizer/index.ts',
      authorizerVariables,
      AUTHORIZER_BUNDLING,
      authorizerMemory,
    );
    if (config.revocation.enabled) props.tables.grantTo('authorizer', this.authorizerFunction);
    this.authorizerLogGroup = this.authorizerFunction.logGroup;
    // Backends send the CORS headers of their own answers: API Gateway adds none to proxy integrations.
    this.handlers = this.handlerFunctions(routes, config, pool, props.tables, {
      tokenEndpoint: props.tokenEndpoint,
      callbackUrls: config.hostedUi.callbackUrls,
      allowedOrigins: cors.allowOrigins,
    });
    // Logout: is the token's user still there (AdminGetUser), and sign-out everywhere on every refresh path
    // whatever scopes the presented token has (AdminUserGlobalSignOut; GlobalSignOut needs aws.cognito.signin.user.admin).
    this.handlers.auth?.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminUserGlobalSignOut'],
        resources: [props.userPool.userPoolArn],
      }),
    );
    this.handlers.adminUsers?.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'cognito-idp:ListUsers',
          'cognito-idp:AdminGetUser',
          'cognito-idp:AdminDeleteUser',
          // Deleting an admin first counts admin-group's members: its last one is never deleted.
          'cognito-idp:ListUsersInGroup',
        ],
        resources: [props.userPool.userPoolArn],
      }),
    );

    const accessLogs = this.logGroup('AccessLogs', 'accessLog');
    this.api = new apigateway.RestApi(this, 'RestApi', {
      restApiName: resourceName(config, 'api'),
      cloudWatchRole: true,
      deployOptions: {
        stageName: config.api.stageName,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        ...STAGE_LOGGING,
        tracingEnabled: this.tracing,
        throttlingRateLimit: config.api.throttlingRateLimit,
        throttlingBurstLimit: config.api.throttlingBurstLimit,
        // Routes with a throttle of their own (e.g. /auth/login): one caller cannot use up the stage's rate.
        // A method's own settings replace the stage's for it, so they repeat the logging settings.
        methodOptions: Object.fromEntries(
          config.api.methodThrottling.map(({ method, path, rateLimit, burstLimit }) => [
            `${path}/${method}`,
            { ...STAGE_LOGGING, throttlingRateLimit: rateLimit, throttlingBurstLimit: burstLimit },
          ]),
        ),
      },
      // The local gateway answers preflights from the same policy (lib/contracts/cors.ts).
      defaultCorsPreflightOptions: {
        allowOrigins: [...cors.allowOrigins],
        allowHeaders: [...cors.allowHeaders],
        allowMethods: [...cors.allowMethods],
        allowCredentials: cors.allowCredentials,
      },
    });
    this.addGatewayResponses(cors);

    this.addRoutes(routes, Duration.seconds(config.authorizer.resultsCacheTtlSeconds));
    this.acknowledgePreflights();
  }

  /** A method per route, each to its handler; all but the public ones behind the TOKEN authorizer. */
  private addRoutes(routes: readonly Route[], resultsCacheTtl: Duration): void {
    const authorizer = new apigateway.TokenAuthorizer(this, 'TokenAuthorizer', {
      handler: this.authorizerFunction,
      identitySource: apigateway.IdentitySource.header('Authorization'),
      resultsCacheTtl,
    });
    const validator = this.api.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    for (const route of routes) {
      const method = this.api.root.resourceForPath(route.path).addMethod(
        route.method,
        // One invoke permission per handler for this API (its stages and the console's test
        // invocations), not two per method: a function's resource policy holds at most 20,480 bytes
        // (two statements of ≈ 400–500 bytes per route fill it at ≈ 20–25 routes of one handler), and a
        // stack 500 resources (docs/deploy.md › Policy size).
        new apigateway.LambdaIntegration(this.handlers[route.handler], { scopePermissionToMethod: false }),
        isPublic(route)
          ? { authorizationType: apigateway.AuthorizationType.NONE, requestValidator: validator }
          : { authorizationType: apigateway.AuthorizationType.CUSTOM, authorizer, requestValidator: validator },
      );
      if (isPublic(route)) {
        acknowledgeUnauthenticated(
          method,
          `${route.method} ${route.path} is public in the access map (it is how callers obtain tokens)`,
        );
      } else {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason:
            'A Lambda TOKEN authorizer verifies the Cognito user pool JWT (aws-jwt-verify) and applies group-based access from the access map, which a Cognito authorizer cannot',
        });
      }
    }
  }

  /** One function per handler of the routes, each with its environment and its grants on the tables it uses. */
  private handlerFunctions(
    routes: readonly Route[],
    config: AppConfig,
    pool: PoolIds,
    tables: HandlerDataAccess,
    settings: BackendSettings,
  ): Record<HandlerName, NodejsFunction> {
    const names = [...new Set(routes.map((route) => route.handler))];
    const functions = names.map((name) => {
      const environment = {
        ...handlerEnvironment(name, config, routes, pool, settings),
        ...tables.environmentFor(name),
      };
      const handler = this.lambdaFunction(
        `${name[0].toUpperCase()}${name.slice(1)}Handler`,
        name,
        `handlers/${name}.ts`,
        environment,
        HANDLER_BUNDLING,
        HANDLER_MEMORY_MB,
      );
      tables.grantTo(name, handler);
      return [name, handler] as const;
    });
    return Object.fromEntries(functions) as Record<HandlerName, NodejsFunction>;
  }

  /** A log group with the configured retention and key; audit-bearing ones retained if so configured. */
  private logGroup(id: string, name: AuditLogGroup | HandlerName): logs.LogGroup {
    const { logRetention, retainAuditLogs, logEncryptionKey } = this.logSettings;
    const isAudit = AUDIT_LOG_GROUPS.some((auditName) => auditName === name);
    return new logs.LogGroup(this, id, {
      retention: logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: logEncryptionKey,
      removalPolicy: isAudit && retainAuditLogs === true ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }

  private lambdaFunction(
    id: string,
    logName: AuditLogGroup | HandlerName,
    entry: string,
    environment: Record<string, string>,
    bundling: FunctionBundling,
    memorySize: number,
  ): NodejsFunction {
    const logGroup = this.logGroup(`${id}Logs`, logName);
    // Own role with write access to its own log group only (instead of the broad managed policy).
    const role = new iam.Role(this, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    if (this.tracing) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions',
      });
    }
    const { environment: variables, define } = authorizerConfigInCode(id, {
      ...environment,
      ...withNodeOptions(nodeOptionsFor(bundling)),
    });
    assertEnvironmentFits(id, variables);
    return new NodejsFunction(this, id, {
      entry: path.join(LAMBDA_DIR, entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize,
      timeout: Duration.seconds(10),
      tracing: this.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      role,
      logGroup,
      environment: variables,
      bundling: { ...bundling, format: OutputFormat.CJS, define },
    });
  }

  /** API Gateway's own answers (401, 403, 500, …) as JSON with CORS, the same bodies the local gateway sends. */
  private addGatewayResponses(cors: CorsPolicy): void {
    const responseHeaders = Object.fromEntries(
      Object.entries(gatewayResponseCorsHeaders(cors)).map(([name, value]) => [name, `'${value}'`]),
    );
    for (const [type, name] of GATEWAY_RESPONSE_TYPES) {
      const { statusCode, body } = GATEWAY_RESPONSES[name];
      this.api.addGatewayResponse(`${name}${type.responseType}`, {
        type,
        statusCode: String(statusCode),
        responseHeaders,
        templates: { 'application/json': JSON.stringify(body) },
      });
    }
    for (const type of [apigateway.ResponseType.DEFAULT_4XX, apigateway.ResponseType.DEFAULT_5XX]) {
      this.api.addGatewayResponse(type.responseType, { type, responseHeaders });
    }
  }

  /** CORS preflight (OPTIONS) methods carry no authorizer by design: browsers send them without credentials. */
  private acknowledgePreflights(): void {
    for (const resource of this.api.methods.map((method) => method.resource)) {
      const preflight = resource.node.tryFindChild('OPTIONS');
      if (preflight) acknowledgeUnauthenticated(preflight, 'CORS preflight: browsers send OPTIONS without credentials');
    }
  }
}

/** Lambda accepts whole MB from 128 to 10,240. */
function validMemorySize(value: number, prop: string): number {
  const { min, max } = LAMBDA_MEMORY_RANGE_MB;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError([`AuthorizedApi: ${prop} must be a whole number of MB from ${min} to ${max}; got ${value}`]);
  }
  return value;
}

function withNodeOptions(nodeOptions: string | undefined): Record<string, string> {
  return nodeOptions === undefined ? {} : { NODE_OPTIONS: nodeOptions };
}

function acknowledgeUnauthenticated(scope: Construct, reason: string): void {
  Validations.of(scope).acknowledge({ id: 'AwsSolutions-APIG4', reason });
  Validations.of(scope).acknowledge({ id: 'AwsSolutions-COG4', reason });
}
