/** CognitoIdentity's own props on a bare stack: guest access, the domain prefix rules, config validation. */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFor, type AppConfig } from '../../../lib/config/app-config';
import { CognitoIdentity } from '../../../lib/constructs/identity';
import { validationFindings } from '../../support/cdk';
import { configProblems } from '../../support/config-error';

const dev = configFor('dev');
const HTTPS_URLS = {
  callbackUrls: ['https://app.example.com/callback'],
  logoutUrls: ['https://app.example.com/'],
  allowedOrigins: ['https://app.example.com'],
};

function synth(config: AppConfig, account?: string): Template {
  const stack = new Stack(new App(), 'Test', { env: { region: 'us-east-1', account } });
  new CognitoIdentity(stack, 'Identity', { config });
  return Template.fromStack(stack);
}

const problems = (config: AppConfig, account?: string) => configProblems(() => synth(config, account));

describe('guest access', () => {
  it('turned on: unauthenticated identities get a role of their own, with no permissions', () => {
    const template = synth({ ...dev, identityPool: { allowGuestAccess: true } });
    template.hasResourceProperties('AWS::Cognito::IdentityPool', { AllowUnauthenticatedIdentities: true });
    const attachment = Object.values(template.findResources('AWS::Cognito::IdentityPoolRoleAttachment'))[0];
    const guestRoleId = attachment.Properties.Roles.unauthenticated['Fn::GetAtt'][0];
    const guestRole = template.findResources('AWS::IAM::Role')[guestRoleId].Properties;
    expect(guestRole.AssumeRolePolicyDocument.Statement[0].Condition['ForAnyValue:StringLike']).toEqual({
      'cognito-identity.amazonaws.com:amr': 'unauthenticated',
    });
    expect(guestRole.ManagedPolicyArns).toBeUndefined();
    expect(guestRole.Policies).toBeUndefined();
  });

  it('turned on: acknowledged for cdk-nag (AwsSolutions-COG7) with the reason', () => {
    const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new CognitoIdentity(new Stack(app, 'Test', { env: { region: 'us-east-1' } }), 'Identity', {
      config: { ...dev, identityPool: { allowGuestAccess: true } },
    });
    expect(validationFindings(app.synth()).map((finding) => finding.rule)).not.toContain('AwsSolutions-COG7');
  });

  it('off (the default): no unauthenticated identities and no role for them', () => {
    const template = synth(dev);
    template.hasResourceProperties('AWS::Cognito::IdentityPool', { AllowUnauthenticatedIdentities: false });
    expect(JSON.stringify(template.toJSON())).not.toContain('unauthenticated');
  });
});

describe('threat protection', () => {
  it.each([
    ['audit', 'AUDIT'],
    ['enforced', 'ENFORCED'],
  ] as const)('%s: the Plus feature plan with advanced security %s', (threatProtection, mode) => {
    synth({ ...dev, userPool: { ...dev.userPool, threatProtection } }).hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: mode },
    });
  });

  it('off: the Essentials plan, no add-ons', () => {
    const template = synth(dev);
    template.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'ESSENTIALS' });
    expect(
      Object.values(template.findResources('AWS::Cognito::UserPool'))[0].Properties.UserPoolAddOns,
    ).toBeUndefined();
  });
});

describe('Hosted UI domain prefix', () => {
  it('is app-stage-account when the account is known at synth', () => {
    synth(dev, '123456789012').hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'jwt-api-dev-123456789012',
    });
  });

  it('checks the default with a 12-digit stand-in when the account is a deploy-time token (here a stage breaks it)', () => {
    expect(problems(configFor('amazon', HTTPS_URLS))).toEqual([
      'The default Hosted UI domain prefix "jwt-api-amazon-123456789012" (app, stage, account) must not contain the reserved word "amazon" (Cognito rejects prefixes containing aws, amazon, cognito): pass -c domainPrefix=<prefix>',
    ]);
  });

  it('checks the default with the account itself when it is known at synth', () => {
    expect(problems(dev, 'aws-sandbox')).toEqual([
      expect.stringMatching(/^The default Hosted UI domain prefix "jwt-api-dev-aws-sandbox" .* reserved word "aws"/),
    ]);
  });

  it('uses a configured prefix as given, and checks it', () => {
    synth({ ...dev, hostedUi: { ...dev.hostedUi, domainPrefix: 'login-7' } }).hasResourceProperties(
      'AWS::Cognito::UserPoolDomain',
      { Domain: 'login-7' },
    );
    expect(problems({ ...dev, hostedUi: { ...dev.hostedUi, domainPrefix: 'aws-Login' } })).toEqual([
      'config.hostedUi.domainPrefix ("aws-Login") must be lowercase letters, digits and hyphens, starting and ending with a letter or digit',
      'config.hostedUi.domainPrefix ("aws-Login") must not contain the reserved word "aws" (Cognito rejects prefixes containing aws, amazon, cognito)',
    ]);
  });
});

it('validates its config like aws-cdk-lib validates props: one error per broken rule', () => {
  expect(
    problems({ ...dev, tokens: { ...dev.tokens, accessTokenMinutes: 2 }, groups: [...dev.groups, dev.groups[0]] }),
  ).toEqual([
    'config.tokens.accessTokenMinutes must be a whole number of minutes from 5 to 1440 (Cognito: 5 minutes to 1 day); got 2',
    'config.groups: the name "admin-group" appears more than once',
    'config.groups: "admin-group" and "admin-group" share precedence 1 (a lower number wins: each must be unique)',
  ]);
});
