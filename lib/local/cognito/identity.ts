/**
 * The local Cognito Identity (identity pools), the AWS JSON 1.1 API with the target prefix
 * `AWSCognitoIdentityService.`: `GetId`, `GetCredentialsForIdentity` and `GetOpenIdToken` as the SDK's
 * `fromCognitoIdentityPool` calls them, plus `CreateIdentityPool`, `SetIdentityPoolRoles` and
 * `ListIdentityPools` for provisioning (lib/local/emulator.ts). Logins are ID tokens of this local
 * Cognito, keyed by their issuer without the scheme; a token must be unexpired and of a live session
 * (server-side token check). Roles follow the pool's role mapping as the deployed pool does.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CognitoError } from 'cognito-local/lib/errors';
import type { Context } from 'cognito-local/lib/services/context';
import { loginsKeyFor } from '../../config/identity-pool';
import type { CredentialIssuer } from './aws-credentials';
import { readBody } from './http';
import type { IdentityPoolRecord, IdentityProvider, IdentityStore, RoleMapping } from './identity-store';
import type { Sessions } from './sessions';
import type { SigningKey } from './signing-key';

export const IDENTITY_TARGET_PREFIX = 'AWSCognitoIdentityService.';
/** How long GetOpenIdToken's tokens last (Cognito's default). */
const OPEN_ID_TOKEN_SECONDS = 600;

export interface IdentityDeps {
  readonly sessions: Sessions;
  readonly store: IdentityStore;
  readonly credentials: CredentialIssuer;
  readonly key: SigningKey;
  /** The public origin: the issuer of GetOpenIdToken's tokens is `<endpoint>/cognito-identity`. */
  readonly endpoint: string;
  /** The region of the ids this service makes (`<region>:<uuid>`). */
  readonly region: string;
  /** Epoch seconds. */
  readonly now: () => number;
}

/** A Cognito Identity error answer (`__type` is what the SDK turns into the exception's name). */
export class IdentityError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

type JsonRequest = Readonly<Record<string, unknown>>;
export type IdentityTarget = (ctx: Context, request: JsonRequest) => Promise<unknown>;

const notAuthorized = (message: string) => new IdentityError('NotAuthorizedException', message);

function text(request: JsonRequest, field: string): string {
  const value = request[field];
  if (typeof value !== 'string' || value === '')
    throw new IdentityError('InvalidParameterException', `1 validation error detected: ${field} must not be null`);
  return value;
}

function logins(request: JsonRequest): Readonly<Record<string, unknown>> {
  const value = request.Logins;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Who a request's Logins name: a user of a provider of `pool`, or a guest (no logins). */
type Caller =
  | {
      readonly kind: 'user';
      readonly key: string;
      readonly claims: Readonly<Record<string, unknown>>;
      readonly provider: IdentityProvider;
    }
  | { readonly kind: 'guest' };

export function identityTargets(deps: IdentityDeps): ReadonlyMap<string, IdentityTarget> {
  const { store } = deps;
  const poolNamed = (identityPoolId: string): IdentityPoolRecord => {
    const pool = store.pool(identityPoolId);
    if (!pool) throw new IdentityError('ResourceNotFoundException', `IdentityPool '${identityPoolId}' not found.`);
    return pool;
  };
  const callerOf = (ctx: Context, pool: IdentityPoolRecord, request: JsonRequest) => caller(deps, ctx, pool, request);

  const targets = new Map<string, IdentityTarget>(provisioningTargets(store, deps.region));
  targets.set('GetId', async (ctx, request) => {
    const identityPoolId = text(request, 'IdentityPoolId');
    const who = await callerOf(ctx, poolNamed(identityPoolId), request);
    // Read again after the wait: another request may have added an identity meanwhile (no await from here to the save).
    const pool = poolNamed(identityPoolId);
    const identityKey = who.kind === 'user' ? who.key : `unauthenticated/${randomUUID()}`;
    const known = pool.Identities[identityKey];
    if (known) return { IdentityId: known };
    const identityId = `${pool.IdentityPoolId.split(':')[0]}:${randomUUID()}`;
    store.save({ ...pool, Identities: { ...pool.Identities, [identityKey]: identityId } });
    return { IdentityId: identityId };
  });
  const identityOf = async (ctx: Context, request: JsonRequest) => {
    const identityId = text(request, 'IdentityId');
    const pool = store.pools().find((candidate) => Object.values(candidate.Identities).includes(identityId));
    if (!pool) throw new IdentityError('ResourceNotFoundException', `Identity '${identityId}' not found.`);
    const who = await callerOf(ctx, pool, request);
    const identityKey = Object.entries(pool.Identities).find(([, id]) => id === identityId)![0];
    const matches = who.kind === 'user' ? who.key === identityKey : identityKey.startsWith('unauthenticated/');
    if (!matches)
      throw notAuthorized(
        "Logins don't match. Please include at least one valid login for this identity or identity pool.",
      );
    return { pool, who, identityId };
  };
  targets.set('GetCredentialsForIdentity', async (ctx, request) => {
    const { pool, who, identityId } = await identityOf(ctx, request);
    const customRoleArn = typeof request.CustomRoleArn === 'string' ? request.CustomRoleArn : undefined;
    const roleArn = who.kind === 'user' ? roleFor(pool, who, customRoleArn) : poolRole(pool, 'unauthenticated');
    return { IdentityId: identityId, Credentials: deps.credentials.issue({ roleArn, identityId }) };
  });
  targets.set('GetOpenIdToken', async (ctx, request) => {
    const { pool, who, identityId } = await identityOf(ctx, request);
    const now = deps.now();
    const amr =
      who.kind === 'user'
        ? ['authenticated', who.provider.ProviderName, `${who.provider.ProviderName}:${who.provider.ClientId}`]
        : ['unauthenticated'];
    const token = deps.key.sign({
      iss: `${deps.endpoint}/cognito-identity`,
      sub: identityId,
      aud: pool.IdentityPoolId,
      amr,
      iat: now,
      exp: now + OPEN_ID_TOKEN_SECONDS,
    });
    return { IdentityId: identityId, Token: token };
  });
  return targets;
}

/** The user an ID token in Logins names (one provider per pool here), or a guest if the pool allows them. */
async function caller(
  deps: IdentityDeps,
  ctx: Context,
  pool: IdentityPoolRecord,
  request: JsonRequest,
): Promise<Caller> {
  const entries = Object.entries(logins(request));
  if (entries.length === 0) {
    if (pool.AllowUnauthenticatedIdentities) return { kind: 'guest' };
    throw notAuthorized('Unauthenticated access is not supported for this identity pool.');
  }
  if (entries.length > 1)
    throw new IdentityError('InvalidParameterException', 'The local identity pool takes one login.');
  const [providerName, token] = entries[0];
  const provider = pool.CognitoIdentityProviders.find((candidate) => candidate.ProviderName === providerName);
  if (!provider || typeof token !== 'string')
    throw notAuthorized('Invalid login token. Token is not from a supported provider of this identity pool.');
  const { claims } = await deps.sessions.liveId(ctx, token);
  if (typeof claims.iss !== 'string' || loginsKeyFor(claims.iss) !== providerName)
    throw notAuthorized("Invalid login token. Issuer doesn't match providerName");
  if (claims.aud !== provider.ClientId) throw notAuthorized('Invalid login token. Incorrect audience.');
  return { kind: 'user', key: `${providerName}/${String(claims.sub)}`, claims, provider };
}

/** The deployed pool's rule: the token's preferred role, ambiguous → the mapping's resolution, no role → authenticated. */
export function roleFor(
  pool: IdentityPoolRecord,
  who: { readonly claims: Readonly<Record<string, unknown>>; readonly provider: IdentityProvider },
  customRoleArn?: string,
): string {
  const mapping: RoleMapping | undefined = pool.RoleMappings[`${who.provider.ProviderName}:${who.provider.ClientId}`];
  const authenticated = (): string => poolRole(pool, 'authenticated');
  if (mapping?.Type !== 'Token') return authenticated();
  const roles = Array.isArray(who.claims['cognito:roles'])
    ? who.claims['cognito:roles'].filter((role) => typeof role === 'string')
    : [];
  const preferred = who.claims['cognito:preferred_role'];
  if (customRoleArn !== undefined) {
    if (!roles.includes(customRoleArn))
      throw notAuthorized('The role in CustomRoleArn is not one of the token’s cognito:roles.');
    return customRoleArn;
  }
  if (typeof preferred === 'string') return preferred;
  if (roles.length === 1) return roles[0];
  if (roles.length > 1 && mapping.AmbiguousRoleResolution !== 'AuthenticatedRole')
    throw notAuthorized(`The ambiguous role mapping rules for: ${who.provider.ProviderName} denied this request.`);
  return authenticated();
}

/** The pool's role for authenticated identities without a token role, or for guests. */
function poolRole(pool: IdentityPoolRecord, kind: 'authenticated' | 'unauthenticated'): string {
  const role = pool.Roles[kind];
  if (!role)
    throw new IdentityError(
      'InvalidIdentityPoolConfigurationException',
      'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
    );
  return role;
}

/** The admin calls provisioning makes (no credentials are checked locally, as for cognito-local's admin APIs). */
function provisioningTargets(store: IdentityStore, region: string): [string, IdentityTarget][] {
  const describe = (pool: IdentityPoolRecord) => ({
    IdentityPoolId: pool.IdentityPoolId,
    IdentityPoolName: pool.IdentityPoolName,
    AllowUnauthenticatedIdentities: pool.AllowUnauthenticatedIdentities,
    CognitoIdentityProviders: pool.CognitoIdentityProviders,
  });
  return [
    [
      'CreateIdentityPool',
      (_ctx, request) => {
        const pool: IdentityPoolRecord = {
          IdentityPoolId: `${region}:${randomUUID()}`,
          IdentityPoolName: text(request, 'IdentityPoolName'),
          AllowUnauthenticatedIdentities: request.AllowUnauthenticatedIdentities === true,
          CognitoIdentityProviders: Array.isArray(request.CognitoIdentityProviders)
            ? (request.CognitoIdentityProviders as IdentityProvider[]).map(({ ProviderName, ClientId }) => ({
                ProviderName,
                ClientId,
              }))
            : [],
          Roles: {},
          RoleMappings: {},
          Identities: {},
        };
        store.save(pool);
        return Promise.resolve(describe(pool));
      },
    ],
    [
      'SetIdentityPoolRoles',
      (_ctx, request) => {
        const pool = store.pool(text(request, 'IdentityPoolId'));
        if (!pool) throw new IdentityError('ResourceNotFoundException', 'IdentityPool not found.');
        const roles = (request.Roles ?? {}) as Record<string, string>;
        const mappings = (request.RoleMappings ?? {}) as Record<string, RoleMapping>;
        store.save({ ...pool, Roles: roles, RoleMappings: mappings });
        return Promise.resolve({});
      },
    ],
    [
      'ListIdentityPools',
      () =>
        Promise.resolve({
          IdentityPools: store
            .pools()
            .map(({ IdentityPoolId, IdentityPoolName }) => ({ IdentityPoolId, IdentityPoolName })),
        }),
    ],
  ];
}

const JSON_11 = 'application/x-amz-json-1.1';

/** Serves one `AWSCognitoIdentityService.*` request. */
export async function serveIdentity(
  targets: ReadonlyMap<string, IdentityTarget>,
  ctx: Context,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const name = String(request.headers['x-amz-target']).slice(IDENTITY_TARGET_PREFIX.length);
  const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    response.writeHead(status, { 'Content-Type': JSON_11, 'Access-Control-Allow-Origin': '*', ...headers });
    response.end(JSON.stringify(body));
  };
  const fail = (type: string, message: string): void =>
    send(400, { __type: type, message }, { 'x-amzn-ErrorType': type });
  const target = targets.get(name);
  if (!target) return fail('UnknownOperationException', `The local Cognito Identity does not serve ${name}`);
  let body: JsonRequest;
  try {
    body = JSON.parse((await readBody(request)) || '{}') as JsonRequest;
  } catch {
    return fail('SerializationException', 'The request body is not JSON');
  }
  try {
    send(200, await target(ctx, body));
  } catch (error) {
    if (error instanceof IdentityError) return fail(error.type, error.message);
    if (error instanceof CognitoError) return fail(error.code, error.message);
    throw error;
  }
}
