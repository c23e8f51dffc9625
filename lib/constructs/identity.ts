import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEV_STAGE, resourceName, type AppConfig, type GroupName, type ThreatProtection } from '../config/app-config';
import { assertNoProblems } from '../config/config-error';
import { defaultDomainPrefix } from '../config/domain-prefix';
import { cognitoIssuer, jwksUriFor } from '../config/runtime-env';
import { defaultDomainPrefixProblems, validateConfig } from '../config/validation';
import { TokenRoleIdentityPool } from './identity-pool';

export interface CognitoIdentityProps {
  /** The app's config; validated here (token lifetimes, groups, URLs, domain prefix), one error per broken rule. */
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
 * flow with PKCE; custom attributes readable, never writable), Hosted UI domain (a prefix unique
 * per app, stage and account), groups with their own roles, and an identity pool that hands out
 * each group's role from the token (ambiguous → deny; no guest role unless the config asks).
 */
export class CognitoIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly identityPool: TokenRoleIdentityPool;
  readonly groupRoles: Readonly<Record<GroupName, iam.Role>>;
  /** The `iss` of this pool's tokens. */
  readonly issuerUrl: string;
  readonly jwksUri: string;

  constructor(scope: Construct, id: string, props: CognitoIdentityProps) {
    super(scope, id);
    const { config } = props;
    assertNoProblems(validateConfig(config));

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: resourceName(config, config.userPool.name),
      signInAliases: { email: true },
      // `Admin@x` and `admin@x` are one user. Cognito never lets a pool change this after creation.
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: Object.fromEntries(
        config.userPool.customAttributes.map((name) => [name, new cognito.StringAttribute({ mutable: true })]),
      ),
      selfSignUpEnabled: config.userPool.selfSignUpEnabled,
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 8,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      ...threatProtectionSettings(config.userPool.threatProtection),
      deletionProtection: config.stage !== DEV_STAGE,
      removalPolicy: props.removalPolicy ?? (config.stage === DEV_STAGE ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN),
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
      // Users may read their custom attributes (custom:role) but never set them: only admins do, through the admin API.
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes(...config.userPool.customAttributes),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
      // Authorization code only; Cognito enforces PKCE when the request carries a code_challenge.
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: config.hostedUi.scopes.map(toOAuthScope),
        callbackUrls: [...config.hostedUi.callbackUrls],
        logoutUrls: [...config.hostedUi.logoutUrls],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    });

    this.domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: this.domainPrefix(config) } });

    this.identityPool = new TokenRoleIdentityPool(this, 'IdentityPool', {
      userPool: this.userPool,
      userPoolClient: this.userPoolClient,
      identityPoolName: resourceName(config, 'identities'),
      allowGuestAccess: config.identityPool.allowGuestAccess,
    });

    this.groupRoles = this.createGroups(config);

    this.issuerUrl = cognitoIssuer(Stack.of(this).region, this.userPool.userPoolId);
    this.jwksUri = jwksUriFor(this.issuerUrl);
  }

  /** Each group with a role of its own, assumable only through this identity pool's authenticated identities. */
  private createGroups(config: AppConfig): Record<GroupName, iam.Role> {
    const roles: Partial<Record<GroupName, iam.Role>> = {};
    for (const group of config.groups) {
      const role = new iam.Role(this, `${pascal(group.name)}Role`, {
        description: `Role of ${group.name} members through the identity pool (no permissions until you grant some)`,
        assumedBy: this.identityPool.principal('authenticated'),
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
    return roles as Record<GroupName, iam.Role>;
  }

  /**
   * The configured prefix, or `<app>-<stage>-<account>`: prefixes are global per region. An account
   * known at synth is checked here; an unresolved one was checked with a 12-digit stand-in (validation.ts).
   */
  private domainPrefix(config: AppConfig): string {
    if (config.hostedUi.domainPrefix !== undefined) return config.hostedUi.domainPrefix;
    const account = Stack.of(this).account;
    const prefix = defaultDomainPrefix(config.appName, config.stage, account);
    if (!Token.isUnresolved(account)) {
      assertNoProblems(defaultDomainPrefixProblems(prefix));
    }
    return prefix;
  }
}

/** Threat protection needs the Plus feature plan; without it the pool stays on Essentials. */
function threatProtectionSettings(
  mode: ThreatProtection,
): Pick<cognito.UserPoolProps, 'featurePlan' | 'standardThreatProtectionMode'> {
  const modes: Record<Exclude<ThreatProtection, 'off'>, cognito.StandardThreatProtectionMode> = {
    audit: cognito.StandardThreatProtectionMode.AUDIT_ONLY,
    enforced: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
  };
  return {
    featurePlan: mode === 'off' ? cognito.FeaturePlan.ESSENTIALS : cognito.FeaturePlan.PLUS,
    standardThreatProtectionMode: mode === 'off' ? undefined : modes[mode],
  };
}

function toOAuthScope(name: string): cognito.OAuthScope {
  const scope = STANDARD_SCOPES[name];
  if (!scope) throw new Error(`Unknown OAuth scope "${name}" in config.hostedUi.scopes`);
  return scope;
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}
