/**
 * Differential: the CORS answers the CDK API would give (read from its synthesized template: the
 * OPTIONS mock integrations and the gateway responses) against what the local gateway answers, both
 * built from the same config (lib/contracts/cors.ts). Two origins, so CDK's origin-echo template is in play.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { HANDLER_NAMES, accessMap, type HandlerName } from '../../../lib/contracts/access-map';
import { configFor, type AppConfig } from '../../../lib/config/app-config';
import { corsPolicy } from '../../../lib/contracts/cors';
import { AuthorizedApi } from '../../../lib/constructs/api';
import { createLocalGateway, type LocalGateway } from '../../../lib/local/gateway';
import { resourcePaths } from '../../../lib/local/routing';
import { AppTables } from '../../../lib/constructs/tables';
import { send } from '../../support/http';

const ORIGINS = ['http://localhost:4100', 'https://app.example.com'];
const base = configFor('dev');
const config: AppConfig = { ...base, api: { ...base.api, allowedOrigins: ORIGINS } };

type CfnProperties = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- CloudFormation properties of many shapes
let template: Template;
let gateway: LocalGateway;

beforeAll(async () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: { region: config.env.region } });
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_example');
  const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', 'exampleclientid');
  const tables = new AppTables(stack, 'Tables', { config });
  new AuthorizedApi(stack, 'Api', {
    config,
    userPool,
    userPoolClient,
    tokenEndpoint: 'https://example.auth.us-east-1.amazoncognito.com/oauth2/token',
    tables,
  });
  template = Template.fromStack(stack);

  const never = () => Promise.reject(new Error('no backend call expected'));
  gateway = await createLocalGateway({
    routes: accessMap,
    authorizer: never,
    handlers: Object.fromEntries(HANDLER_NAMES.map((name) => [name, never])) as Record<HandlerName, typeof never>,
    resultsCacheTtlSeconds: 0,
    api: { region: 'us-east-1', accountId: '000000000000', apiId: 'local', stage: 'v1' },
    cors: corsPolicy(config.api.allowedOrigins, accessMap),
  }).listen(0, '127.0.0.1');
});
afterAll(() => gateway.close());

/** `{ 'method.response.header.Vary': "'Origin'" }` → `{ vary: 'Origin' }`. */
function headerValues(parameters: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parameters).map(([key, value]) => [
      key.slice(prefix.length).toLowerCase(),
      value.replace(/^'|'$/g, ''),
    ]),
  );
}

function preflightIntegrations(): CfnProperties[] {
  return Object.values(template.findResources('AWS::ApiGateway::Method'))
    .map((method) => method.Properties)
    .filter((method) => method.HttpMethod === 'OPTIONS')
    .map((method) => method.Integration.IntegrationResponses[0]);
}

/** What the deployed preflight answers a request from `origin` with: the static headers, the origin echoed by the template. */
function deployedPreflight(
  integration: CfnProperties,
  origin: string,
): { status: number; headers: Record<string, string> } {
  const headers = headerValues(integration.ResponseParameters, 'method.response.header.');
  const echoed = [
    ...String(integration.ResponseTemplates?.['application/json'] ?? '').matchAll(/\$origin == "([^"]+)"/g),
  ].map((match) => match[1]);
  if (echoed.includes(origin)) headers['access-control-allow-origin'] = origin;
  return { status: Number(integration.StatusCode), headers };
}

/** The path of a method's resource, rebuilt from PathPart and parent chain (the root has none). */
function resourcePath(resourceId: CfnProperties): string {
  const resources = template.findResources('AWS::ApiGateway::Resource');
  const parts: string[] = [];
  for (let id = resourceId.Ref; typeof id === 'string'; id = resources[id].Properties.ParentId.Ref)
    parts.unshift(resources[id].Properties.PathPart);
  return `/${parts.join('/')}`;
}

it('has the same preflight integration on every resource, and the local gateway knows the same resources', () => {
  const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((method) => method.Properties);
  const preflights = methods.filter((method) => method.HttpMethod === 'OPTIONS');
  expect(preflights.map((method) => resourcePath(method.ResourceId)).sort()).toEqual(resourcePaths(accessMap).sort());
  const integrations = preflightIntegrations();
  for (const integration of integrations) expect(integration).toEqual(integrations[0]);
});

it.each([...ORIGINS, 'https://evil.example'])(
  'answers a preflight from %s as the deployed API does',
  async (origin) => {
    const deployed = deployedPreflight(preflightIntegrations()[0], origin);
    for (const path of ['/', '/api', '/api/profile', '/api/admin/users/someone', '/auth/login']) {
      const response = await send(`${gateway.url}${path}`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
      });
      const local = Object.fromEntries(Object.keys(deployed.headers).map((name) => [name, response.headers[name]]));
      expect({ path, status: response.status, headers: local }).toEqual({ path, ...deployed });
      const corsNames = Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));
      expect(corsNames.sort()).toEqual(
        Object.keys(deployed.headers)
          .filter((name) => name.startsWith('access-control-'))
          .sort(),
      );
    }
  },
);

it.each([
  ['UNAUTHORIZED', '/api/profile', 401],
  ['MISSING_AUTHENTICATION_TOKEN', '/nope', 403],
])('gives its own %s answer the headers of the deployed gateway response', async (type, path, status) => {
  const [response] = Object.values(
    template.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: type } }),
  );
  const deployed = headerValues(response.Properties.ResponseParameters, 'gatewayresponse.header.');
  const answer = await send(`${gateway.url}${path}`, { headers: { Origin: ORIGINS[1] } });
  expect([
    answer.status,
    Object.fromEntries(Object.keys(deployed).map((name) => [name, answer.headers[name]])),
  ]).toEqual([status, deployed]);
});
