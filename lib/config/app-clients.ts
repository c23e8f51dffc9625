/**
 * The app clients, defined once: the user client (the app's sign-in and Hosted UI) and the machine
 * clients (client-credentials grant). Written in the Cognito API's own names, which
 * CloudFormation's AWS::Cognito::UserPoolClient shares: the identity construct synthesizes exactly
 * this, and the local system provisions exactly this into the emulator (test/lib/config/app-clients.test.ts
 * compares the two).
 *
 * Must stay free of aws-cdk-lib imports.
 */
import { scopesOf, type RouteAccess } from '../contracts/access-map';
import type { AppConfig, MachineClientConfig } from './app-config';

const MINUTES_PER_DAY = 24 * 60;

/**
 * The file, beside the local system's outputs.json, holding the first machine client's
 * `{"clientId","clientSecret"}` (mode 0600): what the CLI and the smoke run use locally.
 */
export const MACHINE_CLIENT_FILE = 'machine-client.json';

export interface AppClientDefinition {
  readonly ClientName: string;
  readonly GenerateSecret: boolean;
  /** `ALLOW_…` flows of the Cognito API (InitiateAuth); the refresh flow is always listed. */
  readonly ExplicitAuthFlows: readonly string[];
  readonly AllowedOAuthFlows: readonly ('code' | 'client_credentials')[];
  readonly AllowedOAuthFlowsUserPoolClient: boolean;
  readonly AllowedOAuthScopes: readonly string[];
  readonly CallbackURLs?: readonly string[];
  readonly LogoutURLs?: readonly string[];
  readonly SupportedIdentityProviders: readonly string[];
  readonly EnableTokenRevocation: boolean;
  readonly PreventUserExistenceErrors: 'ENABLED';
  /** Lifetimes, all in minutes (TokenValidityUnits). */
  readonly AccessTokenValidity: number;
  readonly IdTokenValidity: number;
  readonly RefreshTokenValidity: number;
  /** Minutes; the local system may ask for seconds (expiry tests). */
  readonly TokenValidityUnits: {
    readonly AccessToken: 'minutes' | 'seconds';
    readonly IdToken: 'minutes';
    readonly RefreshToken: 'minutes';
  };
  readonly ReadAttributes?: readonly string[];
  readonly WriteAttributes?: readonly string[];
}

const MINUTES = { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' } as const;

/**
 * The user client: no secret (public clients: browser, CLI), password/SRP/refresh flows, the
 * Hosted UI's authorization code grant (Cognito enforces PKCE when the request carries a
 * code_challenge); custom attributes readable, never writable (only admins set them).
 */
export function userAppClient(config: AppConfig): AppClientDefinition {
  const customAttributes = config.userPool.customAttributes.map((name) => `custom:${name}`);
  return {
    ClientName: config.appClientName,
    GenerateSecret: false,
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    AllowedOAuthFlows: ['code'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: [...config.hostedUi.scopes],
    CallbackURLs: [...config.hostedUi.callbackUrls],
    LogoutURLs: [...config.hostedUi.logoutUrls],
    SupportedIdentityProviders: ['COGNITO'],
    EnableTokenRevocation: true,
    PreventUserExistenceErrors: 'ENABLED',
    AccessTokenValidity: config.tokens.accessTokenMinutes,
    IdTokenValidity: config.tokens.idTokenMinutes,
    RefreshTokenValidity: config.tokens.refreshTokenDays * MINUTES_PER_DAY,
    TokenValidityUnits: MINUTES,
    ReadAttributes: ['email', 'email_verified', ...customAttributes],
    WriteAttributes: ['email'],
  };
}

/** The scope short names a machine client may ask for: the configured ones, or every scope of the routes. */
export function machineClientScopes(machine: MachineClientConfig, routes: readonly RouteAccess[]): readonly string[] {
  return machine.scopes ?? scopesOf(routes);
}

/** `<resource server identifier>/<scope>`: how a scope appears in a token and in a client's allowed scopes. */
export function fullScope(config: AppConfig, scope: string): string {
  return `${config.resourceServer.identifier}/${scope}`;
}

/**
 * A machine client: a secret, the client-credentials grant only, no user flows (Cognito still
 * lists the refresh flow, which has nothing to refresh without a user), its own token lifetime.
 */
export function machineAppClient(
  config: AppConfig,
  machine: MachineClientConfig,
  routes: readonly RouteAccess[],
): AppClientDefinition {
  return {
    ClientName: machine.name,
    GenerateSecret: true,
    ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    AllowedOAuthFlows: ['client_credentials'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: machineClientScopes(machine, routes).map((scope) => fullScope(config, scope)),
    SupportedIdentityProviders: ['COGNITO'],
    EnableTokenRevocation: true,
    PreventUserExistenceErrors: 'ENABLED',
    AccessTokenValidity: machine.accessTokenMinutes,
    // Unused without a user; Cognito's defaults, stated so both sides hold the same values.
    IdTokenValidity: 60,
    RefreshTokenValidity: 30 * MINUTES_PER_DAY,
    TokenValidityUnits: MINUTES,
  };
}
