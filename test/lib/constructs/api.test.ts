/** AuthorizedApi's own props, on a bare stack (no bundling: only the template matters here). */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Route } from '../../../lib/config/access-map';
import { configFor } from '../../../lib/config/app-config';
import { AUTHORIZER_MEMORY_MB } from '../../../lib/config/lambda-sizing';
import { AuthorizedApi, type AuthorizedApiProps } from '../../../lib/constructs/api';
import { AppTables } from '../../../lib/constructs/tables';

const config = configFor('dev');
const routes: readonly Route[] = [
  { method: 'GET', path: '/health', access: 'public', handler: 'profile' },
  { method: 'GET', path: '/api/things/{id}', access: ['user-group'], handler: 'reviews' },
];

function synthesize(props: Partial<AuthorizedApiProps> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: { region: config.env.region } });
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_example');
  const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', 'exampleclientid');
  const tables = new AppTables(stack, 'Tables', { config });
  new AuthorizedApi(stack, 'Api', { config, userPool, userPoolClient, tokenEndpoint: 'https://example.auth.us-east-1.amazoncognito.com/oauth2/token', routes, tracing: true, tables, ...props });
  return Template.fromStack(stack);
}

const authorizerMemory = (synthesized: Template): unknown => {
  const [id, fn] = Object.entries(synthesized.findResources('AWS::Lambda::Function')).find(([logicalId]) => logicalId.startsWith('ApiAuthorizer')) ?? [];
  expect(id).toBeDefined();
  return fn?.Properties.MemorySize;
};

let template: Template;
beforeAll(() => {
  template = synthesize();
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
  expect(functions.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['ApiAuthorizer', 'ApiProfileHandler', 'ApiReviewsHandler']);
});

it('turns on X-Ray tracing on the stage when asked', () => {
  template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true });
});

it('grants no Cognito permissions when no route uses the admin users handler', () => {
  expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('cognito-idp');
});

describe('authorizer memory', () => {
  it('defaults to the size the benchmark numbers justify (lib/config/lambda-sizing.ts)', () => {
    expect(authorizerMemory(template)).toBe(AUTHORIZER_MEMORY_MB);
  });

  it('takes another size from authorizerMemorySize', () => {
    expect(authorizerMemory(synthesize({ authorizerMemorySize: 1024 }))).toBe(1024);
  });

  it.each([64, 127, 10_241, 512.5])('refuses %p MB, naming the prop and the range', (size) => {
    expect(() => synthesize({ authorizerMemorySize: size })).toThrow(/authorizerMemorySize must be a whole number of MB from 128 to 10240/);
  });
});
