import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { accessMap, scopesOf, type Route } from '../contracts/access-map';
import { machineAppClient, userAppClient } from '../config/app-clients';
import { DEV_STAGE, resourceName, type AppConfig, type ThreatProtection } from '../config/app-config';
import { type GroupName } from '../contracts/groups';
import { assertNoProblems } from '../config/config-error';
import { defaultDomainPrefix } from '../config/domain-prefix';
import { identityPoolName } from '../config/identity-pool';
import { cognitoIssuer, jwksUriFor } from '../contracts/runtime-env';
import { defaultDomainPrefixProblems, machineClientProblems, validateConfig } from '../config/validation';
import { AppClient } from './app-client';
import { TokenRoleIdentityPool } from './identity-pool';

export interface CognitoIdentityProps {
  /** The app's config; validated here (token lifetimes, groups, URLs, domain prefix), one error per broken rule. */
  readonly config: AppConfig;
  /**
   * What happens to the user pool when the stack is deleted.
   * @default DESTROY for the dev stage, RETAIN otherwise
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The routes whose scopes the resource server defines (and machine clients get by default).
   * @default the access map
   */
  readonly routes?: readonly Route[];
}

/**
 * The identity side: user pool, app client (password/SRP/refresh flows and the Hosted UI code
 * flow with PKCE; custom attributes readable, never writable), Hosted UI domain (a prefix unique
 * per app, stage and account), groups with their own roles, and an identity pool that hands out
 * each group's role from the token (ambiguous → deny; no guest role unless the config asks).
 * For services: a resource server with every scope the routes use, and the configured machine
 * clients (client-credentials grant). The clients are defined in lib/config/app-clients.ts.
 */
export class CognitoIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.IUserPoolClient;
  readonly resourceServer: cognito.CfnUserPoolResourceServer;
  /** The machine clients, in config order. */
  readonly machineClients: readonly cognito.IUserPoolClient[];
  readonly domain: cognito.UserPoolDomain;
  readonly identityPool: TokenRoleIdentityPool;
  readonly groupRoles: Readonly<Record<GroupName, iam.Role>>;
  /** The `iss` of this pool's tokens. */
  readonly issuerUrl: string;
  readonly jwksUri: string;

  constructor(scope: Construct, id: string, props: CognitoIdentityProps) {
    super(scope, id);
    const { config } = props;
    const routes = props.routes ?? accessMap;
    assertNoProblems([...validateConfig(config), ...machineClientProblems(config, routes)]);

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

    this.userPoolClient = new AppClient(this.userPool, 'AppClient', {
      userPool: this.userPool,
      definition: userAppClient(config),
    }).client;
    this.resourceServer = this.createResourceServer(config, routes);
    this.machineClients = config.machineClients.map((machine) => {
      const appClient = new AppClient(this.userPool, `${pascal(machine.name)}Client`, {
        userPool: this.userPool,
        definition: machineAppClient(config, machine, routes),
      });
      // Its allowed scopes name the resource server's: they must exist first.
      appClient.resource.addResourceDependency(this.resourceServer);
      return appClient.client;
    });

    this.domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: this.domainPrefix(config) } });

    this.identityPool = new TokenRoleIdentityPool(this, 'IdentityPool', {
      userPool: this.userPool,
      userPoolClient: this.userPoolClient,
      identityPoolName: identityPoolName(config),
      allowGuestAccess: config.identityPool.allowGuestAccess,
    });

    this.groupRoles = this.createGroups(config);

    this.issuerUrl = cognitoIssuer(Stack.of(this).region, this.userPool.userPoolId);
    this.jwksUri = jwksUriFor(this.issuerUrl);
  }

  /** The API as an OAuth resource server: every scope the routes use, each described by the routes it opens. */
  private createResourceServer(config: AppConfig, routes: readonly Route[]): cognito.CfnUserPoolResourceServer {
    return new cognito.CfnUserPoolResourceServer(this, 'ResourceServer', {
      userPoolId: this.userPool.userPoolId,
      identifier: config.resourceServer.identifier,
      name: config.resourceServer.name,
      scopes: scopesOf(routes).map((scopeName) => ({
        scopeName,
        scopeDescription: scopeDescription(scopeName, routes),
      })),
    });
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

/** Cognito allows 1–256 characters. */
function scopeDescription(scope: string, routes: readonly Route[]): string {
  const opened = routes
    .filter((route) => route.scopes?.includes(scope))
    .map((route) => `${route.method} ${route.path}`);
  const description = `Calls ${opened.join(', ')}`;
  return description.length <= 256 ? description : `${description.slice(0, 255)}…`;
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}
