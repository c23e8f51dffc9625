import { Match, Template } from 'aws-cdk-lib/assertions';
import { accessMap, isPublic } from '../../../lib/config/access-map';
import { GATEWAY_RESPONSES } from '../../../lib/config/gateway-responses';
import { buildTestApp, stableTemplate } from '../../support/cdk';

const { api, config } = buildTestApp();
const template = Template.fromStack(api);
const resources = template.findResources('AWS::ApiGateway::Resource');
const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((method) => method.Properties);

/** The full path of an API Gateway resource, rebuilt from its PathPart and parent chain. */
function resourcePath(resourceId: string): string {
  const resource = resources[resourceId];
  if (!resource) return '';
  const parent = resource.Properties.ParentId;
  return `${parent.Ref ? resourcePath(parent.Ref) : ''}/${resource.Properties.PathPart}`;
}

it('matches the snapshot', () => {
  expect(stableTemplate(api)).toMatchSnapshot();
});

describe('routes from the access map', () => {
  for (const route of accessMap) {
    it(`${route.method} ${route.path} is ${isPublic(route) ? 'public' : 'behind the Lambda authorizer'}`, () => {
      const method = methods.find((candidate) => candidate.HttpMethod === route.method && resourcePath(candidate.ResourceId.Ref) === route.path);
      expect(method).toBeDefined();
      if (isPublic(route)) {
        expect(method!.AuthorizationType).toBe('NONE');
        expect(method!.AuthorizerId).toBeUndefined();
      } else {
        expect(method!.AuthorizationType).toBe('CUSTOM');
        expect(method!.AuthorizerId).toEqual({ Ref: expect.stringMatching(/TokenAuthorizer/) });
      }
      expect(method!.Integration).toMatchObject({ Type: 'AWS_PROXY' });
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

  it('runs on a current Node.js runtime on arm64 with source maps', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((fn) => fn.Properties);
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.Environment.Variables).toMatchObject({ APP_STAGE: 'dev', NODE_OPTIONS: '--enable-source-maps' });
    }
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
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Access-Control-Allow-Origin': `'${config.api.allowedOrigins[0]}'` }),
    });
  });
});

describe('least privilege', () => {
  it('lets only the admin users handler call ListUsers and AdminDeleteUser, on this pool only', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((policy) => policy.Properties);
    const cognitoStatements = policies.flatMap((policy) =>
      policy.PolicyDocument.Statement.filter((statement: { Action: string | string[] }) => JSON.stringify(statement.Action).includes('cognito-idp')).map(
        (statement: unknown) => ({ roles: policy.Roles, statement }),
      ),
    );
    expect(cognitoStatements).toHaveLength(1);
    expect(cognitoStatements[0].roles).toEqual([{ Ref: expect.stringMatching(/AdminUsersHandlerRole/) }]);
    expect(cognitoStatements[0].statement).toMatchObject({
      Effect: 'Allow',
      Action: ['cognito-idp:ListUsers', 'cognito-idp:AdminDeleteUser'],
      Resource: { 'Fn::ImportValue': expect.stringMatching(/UserPool.*Arn/) },
    });
  });

  it('uses no managed policies for Lambda roles (each writes only its own log group)', () => {
    const roles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] } } });
    expect(Object.keys(roles)).toHaveLength(5);
    for (const role of Object.values(roles)) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('stage', () => {
  it('logs access as JSON, throttles, and never logs request data', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: config.api.stageName,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ DataTraceEnabled: false, LoggingLevel: 'ERROR', ThrottlingRateLimit: config.api.throttlingRateLimit, ThrottlingBurstLimit: config.api.throttlingBurstLimit })],
    });
  });

  it('outputs ApiUrl', () => {
    expect(Object.keys(template.findOutputs('ApiUrl'))).toEqual(['ApiUrl']);
  });
});
