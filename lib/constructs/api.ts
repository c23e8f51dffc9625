import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { accessMap, isPublic, type HandlerName, type Route } from '../config/access-map';
import { resourceName, type AppConfig } from '../config/app-config';
import { AUTHORIZER_BUNDLING, HANDLER_BUNDLING, nodeOptionsFor, type FunctionBundling } from '../config/bundling';
import { corsPolicy, gatewayResponseCorsHeaders, type CorsPolicy } from '../config/cors';
import { GATEWAY_RESPONSES, type GatewayResponseName } from '../config/gateway-responses';
import { AUTHORIZER_MEMORY_MB, HANDLER_MEMORY_MB, LAMBDA_MEMORY_RANGE_MB } from '../config/lambda-sizing';
import { ENV } from '../config/runtime-env';
import type { HandlerDataAccess } from './tables';

export interface AuthorizedApiProps {
  readonly config: AppConfig;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** The Hosted UI token endpoint `/auth/token` exchanges codes at. */
  readonly tokenEndpoint: string;
  /** The tables the backends use: each function gets the variables naming its tables and its grants on them. */
  readonly tables: HandlerDataAccess;
  /**
   * Which group may call which route.
   * @default the project's access map (lib/config/access-map.ts)
   */
  readonly routes?: readonly Route[];
  /**
   * How long Lambda and access logs are kept.
   * @default one month
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * X-Ray tracing on the API stage (API Gateway's own segments; needs no IAM on the Lambdas).
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
 * A REST API built from the access map: every route that is not public goes through a TOKEN
 * authorizer (the Authorization header) backed by the Lambda in lambda/authorizer.
 */
export class AuthorizedApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly authorizerFunction: NodejsFunction;
  readonly handlers: Readonly<Record<HandlerName, NodejsFunction>>;

  private readonly logRetention: logs.RetentionDays;

  constructor(scope: Construct, id: string, props: AuthorizedApiProps) {
    super(scope, id);
    const { config } = props;
    const routes = props.routes ?? accessMap;
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    const cors = corsPolicy(config.api.allowedOrigins, routes);
    const poolEnvironment = {
      [ENV.stage]: config.stage,
      [ENV.userPoolId]: props.userPool.userPoolId,
      [ENV.userPoolClientId]: props.userPoolClient.userPoolClientId,
    };
    const authorizerMemory = validMemorySize(props.authorizerMemorySize ?? AUTHORIZER_MEMORY_MB, 'authorizerMemorySize');
    this.authorizerFunction = this.lambdaFunction('Authorizer', 'authorizer/index.ts', poolEnvironment, AUTHORIZER_BUNDLING, authorizerMemory);
    // Backends send the CORS headers of their own answers: API Gateway adds none to proxy integrations.
    const backendEnvironment = { ...poolEnvironment, [ENV.allowedOrigins]: cors.allowOrigins.join(',') };
    const handlerEnvironment: Record<HandlerName, Record<string, string>> = {
      auth: { ...backendEnvironment, [ENV.tokenEndpoint]: props.tokenEndpoint, [ENV.callbackUrls]: config.hostedUi.callbackUrls.join(',') },
      profile: backendEnvironment,
      adminUsers: backendEnvironment,
      reviews: backendEnvironment,
    };
    const handlerNames = [...new Set(routes.map((route) => route.handler))];
    this.handlers = Object.fromEntries(
      handlerNames.map((name) => [
        name,
        this.lambdaFunction(
          `${name[0].toUpperCase()}${name.slice(1)}Handler`,
          `handlers/${name}.ts`,
          { ...handlerEnvironment[name], ...props.tables.environmentFor(name) },
          HANDLER_BUNDLING,
          HANDLER_MEMORY_MB,
        ),
      ]),
    ) as Record<HandlerName, NodejsFunction>;
    for (const name of handlerNames) props.tables.grantTo(name, this.handlers[name]);
    this.handlers.adminUsers?.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cognito-idp:ListUsers', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser'],
        resources: [props.userPool.userPoolArn],
      }),
    );

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: this.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.api = new apigateway.RestApi(this, 'RestApi', {
      restApiName: resourceName(config, 'api'),
      cloudWatchRole: true,
      deployOptions: {
        stageName: config.api.stageName,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false, // would log request headers, i.e. tokens
        tracingEnabled: props.tracing,
        throttlingRateLimit: config.api.throttlingRateLimit,
        throttlingBurstLimit: config.api.throttlingBurstLimit,
      },
      // The local gateway answers preflights from the same policy (lib/config/cors.ts).
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
    const validator = this.api.addRequestValidator('RequestValidator', { validateRequestBody: true, validateRequestParameters: true });
    for (const route of routes) {
      const method = this.api.root.resourceForPath(route.path).addMethod(
        route.method,
        new apigateway.LambdaIntegration(this.handlers[route.handler]),
        isPublic(route)
          ? { authorizationType: apigateway.AuthorizationType.NONE, requestValidator: validator }
          : { authorizationType: apigateway.AuthorizationType.CUSTOM, authorizer, requestValidator: validator },
      );
      if (isPublic(route)) {
        acknowledgeUnauthenticated(method, `${route.method} ${route.path} is public in the access map (it is how callers obtain tokens)`);
      } else {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason: 'A Lambda TOKEN authorizer verifies the Cognito user pool JWT (aws-jwt-verify) and applies group-based access from the access map, which a Cognito authorizer cannot',
        });
      }
    }
  }

  private lambdaFunction(id: string, entry: string, environment: Record<string, string>, bundling: FunctionBundling, memorySize: number): NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention: this.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    // Own role with write access to its own log group only (instead of the broad managed policy).
    const role = new iam.Role(this, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    return new NodejsFunction(this, id, {
      entry: path.join(LAMBDA_DIR, entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      environment: { ...environment, ...withNodeOptions(nodeOptionsFor(bundling)) },
      bundling: { ...bundling, format: OutputFormat.CJS },
    });
  }

  /** API Gateway's own answers (401, 403, 500, …) as JSON with CORS, the same bodies the local gateway sends. */
  private addGatewayResponses(cors: CorsPolicy): void {
    const responseHeaders = Object.fromEntries(Object.entries(gatewayResponseCorsHeaders(cors)).map(([name, value]) => [name, `'${value}'`]));
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
    throw new Error(`AuthorizedApi: ${prop} must be a whole number of MB from ${min} to ${max}; got ${value}`);
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
