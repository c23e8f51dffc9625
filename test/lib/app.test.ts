/**
 * The app as bin/app.ts builds it: cdk-nag's AWS Solutions checks on every synth, zero
 * unacknowledged findings (errors and warnings), no CDK warnings; each stage configured on purpose.
 * Templates only: the Lambda code is not bundled here (test/lib/stacks/api-stack.int.test.ts does).
 */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { CognitoJwtApp } from '../../lib/app';
import { ConfigError } from '../../lib/config/config-error';
import { PROD_CONTEXT, buildTestApp, validationFindings } from '../support/cdk';
import { configProblems } from '../support/config-error';

describe.each([
  ['dev', { stage: 'dev' }],
  ['prod', PROD_CONTEXT],
  ['staging', { ...PROD_CONTEXT, stage: 'staging' }],
])('stage %s', (stage, context) => {
  let built: CognitoJwtApp;
  let assembly: CloudAssembly;
  beforeAll(() => {
    built = buildTestApp({ context, bundling: false });
    assembly = built.app.synth(); // throws on any unacknowledged error-level finding
  });

  it('names the stacks from the config', () => {
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual([
      `CognitoJwtApi-${stage}-Api`,
      `CognitoJwtApi-${stage}-Identity`,
    ]);
  });

  it('leaves no AwsSolutions finding unacknowledged (warnings included)', () => {
    expect(validationFindings(assembly)).toEqual([]);
  });

  it('raises no CDK warnings or errors (deprecations, validation)', () => {
    for (const stack of [built.identity, built.api]) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    }
  });

  it('derives a Hosted UI domain prefix of app, stage and account, without reserved words', () => {
    Template.fromStack(built.identity).hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', [`jwt-api-${stage}-`, { Ref: 'AWS::AccountId' }]] },
    });
  });
});

describe.each(['prod', 'staging'])('a non-dev stage (%s)', (stage) => {
  it('has no localhost anywhere in its templates, and uses the given URLs', () => {
    const built = buildTestApp({ context: { ...PROD_CONTEXT, stage }, bundling: false });
    const [identity, api] = [built.identity, built.api].map((stack) =>
      JSON.stringify(Template.fromStack(stack).toJSON()),
    );
    for (const template of [identity, api]) expect(template).not.toMatch(/localhost|127\.0\.0\.1/);
    expect(identity).toContain(PROD_CONTEXT.callbackUrls);
    expect(api).toContain(PROD_CONTEXT.allowedOrigins);
  });

  it.each(['callbackUrls', 'logoutUrls', 'allowedOrigins'] as const)(
    'fails in one line naming %s when it is missing',
    (key) => {
      const context = Object.fromEntries(Object.entries({ ...PROD_CONTEXT, stage }).filter(([name]) => name !== key));
      expect(synthErrors(context)).toBe(
        `Context "${key}" is required for stage "${stage}": pass -c ${key}=${PROD_CONTEXT[key]} (comma-separated for several)`,
      );
    },
  );
});

describe('context errors fail the synth with one line', () => {
  it('names the reserved word and the context key of a bad domain prefix', () => {
    expect(synthErrors({ ...PROD_CONTEXT, domainPrefix: 'my-cognito-app' })).toBe(
      'Context "domainPrefix" ("my-cognito-app") must not contain the reserved word "cognito" (Cognito rejects prefixes containing aws, amazon, cognito)',
    );
  });

  it('uses a valid domain prefix as given', () => {
    const built = buildTestApp({ context: { ...PROD_CONTEXT, domainPrefix: 'shop-login-7' }, bundling: false });
    Template.fromStack(built.identity).hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'shop-login-7',
    });
  });

  it('puts a known account into the default domain prefix', () => {
    const built = buildTestApp({ context: { account: '210987654321' }, bundling: false });
    Template.fromStack(built.identity).hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'jwt-api-dev-210987654321',
    });
  });

  it('rejects plain http outside dev', () => {
    expect(synthErrors({ ...PROD_CONTEXT, callbackUrls: 'http://app.example.com/callback' })).toBe(
      'Context "callbackUrls": "http://app.example.com/callback" must use https outside the dev stage (loopback http is allowed only in dev)',
    );
  });

  it('puts every broken rule on one line', () => {
    expect(synthErrors({ stage: 'prod' }).split('; ')).toHaveLength(3);
    expect(synthErrors({ stage: 'prod' })).not.toContain('\n');
  });

  it('rejects a stage name that cannot name stacks and domains', () => {
    expect(synthErrors({ stage: 'Prod_1' })).toMatch(/^Context "stage" must be 1 to 16 lowercase letters or digits/);
  });
});

it('with threat protection on (the Plus plan), cdk-nag COG8 is met instead of acknowledged', () => {
  const { app, identity } = buildTestApp({
    context: { ...PROD_CONTEXT, threatProtection: 'enforced' },
    bundling: false,
  });
  const assembly = app.synth();
  expect(validationFindings(assembly)).toEqual([]);
  const acknowledged = identity.identity.userPool.node.metadata.filter(
    (entry) => entry.type === 'aws:cdk:acknowledged-rules',
  );
  expect(JSON.stringify(acknowledged)).not.toContain('COG8');
});

describe('the checks are really on', () => {
  it('fails synthesis on an error nobody acknowledged', () => {
    const { app, api } = buildTestApp({ bundling: false });
    new iam.Role(api, 'UnreviewedRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });
    expect(() => app.synth()).toThrow(
      /AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/AdministratorAccess\]/,
    );
  });

  it('reports an unacknowledged warning (which does not fail synthesis by itself)', () => {
    const { app, api } = buildTestApp({
      bundling: false,
      context: { '@aws-cdk/core:failSynthOnValidationErrors': false },
    });
    new apigateway.RestApi(api, 'UnreviewedApi').root.addMethod('GET');
    const findings = validationFindings(app.synth());
    expect(findings).toContainEqual({
      plugin: 'AwsSolutions',
      rule: 'AwsSolutions-APIG3',
      severity: 'warning',
      constructPaths: [expect.stringContaining('/UnreviewedApi/')],
    });
    // Only the unreviewed API is reported: the project's own resources stay acknowledged.
    for (const finding of findings)
      for (const constructPath of finding.constructPaths) expect(constructPath).toContain('/UnreviewedApi/');
  });
});

/** What the synth reports as broken, as one line (a ConfigError's message). */
function synthErrors(context: Record<string, unknown>): string {
  const problems = configProblems(() => buildTestApp({ context, bundling: false }));
  expect(problems.length).toBeGreaterThan(0);
  return new ConfigError(problems).message;
}
