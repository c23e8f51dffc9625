import { Match, Template } from 'aws-cdk-lib/assertions';
import type { AppConfig } from '../../../lib/config/app-config';
import type { IdentityStack } from '../../../lib/stacks/identity-stack';
import { PROD_CONTEXT, buildTestApp, resourceInventory } from '../../support/cdk';

// The identity stack has no Lambda code: no bundling needed (the API stack's test bundles).
let identity: IdentityStack;
let config: AppConfig;
let template: Template;
beforeAll(() => {
  ({ identity, config } = buildTestApp({ bundling: false }));
  template = Template.fromStack(identity);
});

it('holds the expected resources, by type', () => {
  expect(resourceInventory(identity)).toMatchSnapshot();
});

describe('user pool', () => {
  it('signs in with email as the username, requires email, carries custom:role', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'email', Required: true, Mutable: true }),
        Match.objectLike({ Name: 'role', AttributeDataType: 'String', Mutable: true }),
      ]),
    });
  });

  it('has the password policy, optional TOTP MFA, email-only recovery, and no self sign-up', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 8,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  it('signs in case-insensitively in every stage (Cognito cannot change this on an existing pool)', () => {
    const prod = Template.fromStack(buildTestApp({ context: PROD_CONTEXT, bundling: false }).identity);
    for (const stage of [template, prod])
      stage.hasResourceProperties('AWS::Cognito::UserPool', { UsernameConfiguration: { CaseSensitive: false } });
  });

  it('is on the Essentials plan without threat protection by default', () => {
    const [pool] = Object.values(template.findResources('AWS::Cognito::UserPool'));
    expect(pool.Properties.UserPoolTier).toBe('ESSENTIALS');
    expect(pool.Properties.UserPoolAddOns).toBeUndefined();
  });

  it('is destroyed with the dev stack, retained and protected in prod', () => {
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Delete' });
    const prod = Template.fromStack(buildTestApp({ context: PROD_CONTEXT, bundling: false }).identity);
    prod.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
  });
});

describe('app client', () => {
  it('has no secret, password/SRP/refresh flows, token revocation and the configured lifetimes', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayEquals([
        'ALLOW_USER_PASSWORD_AUTH',
        'ALLOW_USER_SRP_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
      ]),
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
      AccessTokenValidity: config.tokens.accessTokenMinutes,
      IdTokenValidity: config.tokens.idTokenMinutes,
      RefreshTokenValidity: config.tokens.refreshTokenDays * 24 * 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    });
  });

  it('allows only the authorization code grant for the Hosted UI, with the configured scopes and URLs', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayEquals([...config.hostedUi.scopes]),
      CallbackURLs: [...config.hostedUi.callbackUrls],
      LogoutURLs: [...config.hostedUi.logoutUrls],
      SupportedIdentityProviders: ['COGNITO'],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['jwt-api-dev-', { Ref: 'AWS::AccountId' }]] },
    });
  });

  it('may read custom:role but not write it (only admins set it, through the admin API)', () => {
    const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0].Properties;
    expect(client.ReadAttributes).toEqual(expect.arrayContaining(['custom:role', 'email', 'email_verified']));
    expect(client.WriteAttributes).toEqual(['email']);
    expect(client.WriteAttributes).not.toContain('custom:role');
  });
});

describe('groups', () => {
  it.each([
    ['admin-group', 1],
    ['reviewers-group', 2],
    ['user-group', 3],
  ])('%s has precedence %i and its own role', (groupName, precedence) => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: groupName,
      Precedence: precedence,
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Role'), 'Arn'] },
    });
  });

  it('gives each group a distinct role, assumable only by authenticated identities of this identity pool, with no permissions', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup'));
    const roleIds = new Set(groups.map((group) => group.Properties.RoleArn['Fn::GetAtt'][0]));
    expect(roleIds.size).toBe(3);
    const roles = template.findResources('AWS::IAM::Role');
    for (const roleId of roleIds) {
      const statement = roles[roleId].Properties.AssumeRolePolicyDocument.Statement[0];
      expect(statement).toMatchObject({
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Condition: {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: expect.stringMatching(/IdentityPool/) } },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
      });
      expect(roles[roleId].Properties.ManagedPolicyArns).toBeUndefined();
      expect(roles[roleId].Properties.Policies).toBeUndefined();
    }
  });
});

describe('identity pool', () => {
  it('allows authenticated identities only, from this user pool and client', () => {
    template.hasResourceProperties('AWS::Cognito::IdentityPool', {
      AllowUnauthenticatedIdentities: false,
      CognitoIdentityProviders: [Match.objectLike({ ClientId: { Ref: Match.stringLikeRegexp('AppClient') } })],
    });
  });

  it('gives identities without a group role a default authenticated role with no permissions', () => {
    const attachment = Object.values(template.findResources('AWS::Cognito::IdentityPoolRoleAttachment'))[0];
    const defaultRoleId = attachment.Properties.Roles.authenticated['Fn::GetAtt'][0];
    const role = template.findResources('AWS::IAM::Role')[defaultRoleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Condition: expect.objectContaining({
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        }),
      }),
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    // No IAM policy in the stack grants anything to any role.
    expect(template.findResources('AWS::IAM::Policy')).toEqual({});
  });

  it('has no unauthenticated role: guest access is off', () => {
    const attachment = Object.values(template.findResources('AWS::Cognito::IdentityPoolRoleAttachment'))[0];
    expect(Object.keys(attachment.Properties.Roles)).toEqual(['authenticated']);
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain('unauthenticated');
  });

  it('maps roles from the token and denies ambiguous ones', () => {
    template.hasResourceProperties('AWS::Cognito::IdentityPoolRoleAttachment', {
      RoleMappings: { cognito: Match.objectLike({ Type: 'Token', AmbiguousRoleResolution: 'Deny' }) },
      Roles: { authenticated: Match.anyValue() },
    });
  });
});

it('exports the stable outputs (besides the cross-stack exports CDK adds)', () => {
  const outputs = template.findOutputs('*');
  expect(
    Object.keys(outputs)
      .filter((name) => !name.startsWith('ExportsOutput'))
      .sort(),
  ).toEqual(
    [
      'AuthenticatedRoleArn',
      'HostedUiUrl',
      'IdentityPoolId',
      'JwksUri',
      'MachineClientId',
      'ResourceServerIdentifier',
      'TokenEndpoint',
      'UserPoolClientId',
      'UserPoolId',
      'UserPoolProviderUrl',
    ].sort(),
  );
  expect(JSON.stringify(outputs.UserPoolProviderUrl.Value)).toContain('https://cognito-idp.');
  expect(JSON.stringify(outputs.JwksUri.Value)).toContain('/.well-known/jwks.json');
});
