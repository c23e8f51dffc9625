/**
 * The app as bin/app.ts builds it: cdk-nag's AWS Solutions checks on every synth, zero
 * unacknowledged findings (errors and warnings), no CDK warnings.
 * Templates only: the Lambda code is not bundled here (test/lib/stacks/api-stack.test.ts does).
 */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { CognitoJwtApp } from '../../lib/app';
import { buildTestApp, validationFindings } from '../support/cdk';

describe.each(['dev', 'prod'])('stage %s', (stage) => {
  let built: CognitoJwtApp;
  let assembly: CloudAssembly;
  beforeAll(() => {
    built = buildTestApp({ context: { stage }, bundling: false });
    assembly = built.app.synth(); // throws on any unacknowledged error-level finding
  });

  it('names the stacks from the config', () => {
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual([`CognitoJwtApi-${stage}-Api`, `CognitoJwtApi-${stage}-Identity`]);
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
});

describe('the checks are really on', () => {
  it('fails synthesis on an error nobody acknowledged', () => {
    const { app, api } = buildTestApp({ bundling: false });
    new iam.Role(api, 'UnreviewedRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/AdministratorAccess\]/);
  });

  it('reports an unacknowledged warning (which does not fail synthesis by itself)', () => {
    const { app, api } = buildTestApp({ bundling: false, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    new apigateway.RestApi(api, 'UnreviewedApi').root.addMethod('GET');
    const findings = validationFindings(app.synth());
    expect(findings).toContainEqual({
      plugin: 'AwsSolutions',
      rule: 'AwsSolutions-APIG3',
      severity: 'warning',
      constructPaths: [expect.stringContaining('/UnreviewedApi/')],
    });
    // Only the unreviewed API is reported: the project's own resources stay acknowledged.
    for (const finding of findings) for (const constructPath of finding.constructPaths) expect(constructPath).toContain('/UnreviewedApi/');
  });
});

it('rejects an unknown stage with a clear message', () => {
  expect(() => buildTestApp({ context: { stage: 'qa' } })).toThrow('Context "stage" must be dev or prod');
});
