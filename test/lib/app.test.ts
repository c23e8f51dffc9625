/** cdk-nag's AWS Solutions checks run on every synth: zero unacknowledged findings. */
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildTestApp } from '../support/cdk';

it('synthesizes both stages with no unacknowledged AwsSolutions finding', () => {
  for (const stage of ['dev', 'prod']) {
    const { app } = buildTestApp({ stage });
    expect(() => app.synth()).not.toThrow();
  }
});

it('fails synthesis on a finding nobody acknowledged (the checks are really on)', () => {
  const { app, api } = buildTestApp();
  new iam.Role(api, 'UnreviewedRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
  });
  expect(() => app.synth()).toThrow(/AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/AdministratorAccess\]/);
});

it('rejects an unknown stage with a clear message', () => {
  expect(() => buildTestApp({ stage: 'qa' })).toThrow('Context "stage" must be dev or prod');
});
