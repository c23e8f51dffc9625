import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { IdentityPool, IdentityPoolProviderUrl, UserPoolAuthenticationProvider } from 'aws-cdk-lib/aws-cognito-identitypool';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { resourceName, type AppConfig, type GroupName } from '../config/app-config';
import { cognitoIssuer, jwksUriFor } from '../config/runtime-env';

export interface CognitoIdentityProps {
  readonly config: AppConfig;
  /**
   * What happens to the user pool when the stack is deleted.
   * @default DESTROY for the dev stage, RETAIN otherwise
   */
  readonly removalPolicy?: RemovalPolicy;
}

const STANDARD_SCOPES: Readonly<Record<string, cognito.OAuthScope>> = {
  openid: cognito.OAuthScope.OPENID,
  email: cognito.OAuthScope.EMAIL,
  profile: cognito.OAuthScope.PROFILE,
  phone: cognito.OAuthScope.PHONE,
};

/**
 * The identity side: user pool, app client (password/SRP/refresh flows and the Hosted UI code
 * flow with PKCE), Hosted UI domain, groups with their own roles, and an identity pool that
 * hands out each group's role from the token (ambiguous → deny).
 */
export class CognitoIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly identityPool: IdentityPool;
  readonly groupRoles: Readonly<Record<GroupName, iam.Role>>;
  /** The `iss` of this pool's tokens. */
  readonly issuerUrl: string;
  readonly jwksUri: string;

  constructor(scope: Construct, id: string, props: CognitoIdentityProps) {
    super(scope, id);
    const { config } = props;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: resourceName(config, config.userPool.name),
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: Object.fromEntries(
        config.userPool.customAttributes.map((name) => [name, new cognito.StringAttribute({ mutable: true })]),
      ),
      selfSignUpEnabled: config.userPool.selfSignUpEnabled,
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 8, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: config.stage !== 'dev',
      removalPolicy: props.removalPolicy ?? (config.stage === 'dev' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN),
    });

    this.userPoolClient = this.userPool.addClient('AppClient', {
      userPoolClientName: config.appClientName,
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true }, // refresh is always allowed
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.minutes(config.tokens.accessTokenMinutes),
      idTokenValidity: Duration.minutes(config.tokens.idTokenMinutes),
      refreshTokenValidity: Duration.days(config.tokens.refreshTokenDays),
      // Authorization code only; Cognito enforces PKCE when the request carries a code_challenge.
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: config.hostedUi.scopes.map(toOAuthScope),
        callbackUrls: [...config.hostedUi.callbackUrls],
        logoutUrls: [...config.hostedUi.logoutUrls],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    });

    this.domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: config.hostedUi.domainPrefix } });

    this.identityPool = new IdentityPool(this, 'IdentityPool', {
      identityPoolName: resourceName(config, 'identities'),
      allowUnauthenticatedIdentities: false,
      authenticationProviders: {
        userPools: [new UserPoolAuthenticationProvider({ userPool: this.userPool, userPoolClient: this.userPoolClient })],
      },
      // The token's cognito:preferred_role (the highest-precedence group's role); ambiguous → deny.
      roleMappings: [
        {
          providerUrl: IdentityPoolProviderUrl.userPool(this.userPool, this.userPoolClient),
          mappingKey: 'cognito',
          useToken: true,
          resolveAmbiguousRoles: false,
        },
      ],
    });

    const roles: Partial<Record<GroupName, iam.Role>> = {};
    for (const group of config.groups) {
      const role = new iam.Role(this, `${pascal(group.name)}Role`, {
        description: `Role of ${group.name} members through the identity pool (no permissions until you grant some)`,
        assumedBy: this.identityPoolPrincipal(),
      });
      new cognito.CfnUserPoolGroup(this, `${pascal(group.name)}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group.name,
        precedence: group.precedence,
        description: group.description,
        roleArn: role.roleArn,
      });
      roles[group.name] = role;
    }
    this.groupRoles = roles as Record<GroupName, iam.Role>;

    this.issuerUrl = cognitoIssuer(Stack.of(this).region, this.userPool.userPoolId);
    this.jwksUri = jwksUriFor(this.issuerUrl);
  }

  /** Only authenticated identities of this identity pool may assume the group roles. */
  private identityPoolPrincipal(): iam.IPrincipal {
    return new iam.FederatedPrincipal(
      'cognito-identity.amazonaws.com',
      {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': this.identityPool.identityPoolId },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
      },
      'sts:AssumeRoleWithWebIdentity',
    );
  }
}

function toOAuthScope(name: string): cognito.OAuthScope {
  const scope = STANDARD_SCOPES[name];
  if (!scope) throw new Error(`Unknown OAuth scope "${name}" in config.hostedUi.scopes`);
  return scope;
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}
