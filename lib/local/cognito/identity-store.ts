/**
 * The local Cognito Identity's state, one JSON file in the state directory: the identity pools
 * (as CreateIdentityPool and SetIdentityPoolRoles describe them) and each pool's identities, so an
 * identity id stays the same for a user across sign-ins and restarts.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface IdentityProvider {
  /** The issuer without its scheme: the user pool's key in `Logins`. */
  readonly ProviderName: string;
  readonly ClientId: string;
}

export interface RoleMapping {
  readonly Type: 'Token' | 'Rules';
  readonly AmbiguousRoleResolution?: 'AuthenticatedRole' | 'Deny';
}

export interface IdentityPoolRecord {
  /** `<region>:<uuid>` */
  readonly IdentityPoolId: string;
  readonly IdentityPoolName: string;
  readonly AllowUnauthenticatedIdentities: boolean;
  readonly CognitoIdentityProviders: readonly IdentityProvider[];
  /** `authenticated` (and `unauthenticated`) → role ARN. */
  readonly Roles: Readonly<Record<string, string>>;
  /** `<ProviderName>:<ClientId>` → how its tokens pick a role. */
  readonly RoleMappings: Readonly<Record<string, RoleMapping>>;
  /** `<ProviderName>/<sub>` → identity id. */
  readonly Identities: Readonly<Record<string, string>>;
}

export interface IdentityStore {
  pools(): readonly IdentityPoolRecord[];
  pool(identityPoolId: string): IdentityPoolRecord | undefined;
  save(pool: IdentityPoolRecord): void;
}

/** A store kept in `file` (created on the first save); read at every call, so it is never stale. */
export function fileIdentityStore(file: string): IdentityStore {
  const read = (): Record<string, IdentityPoolRecord> => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, IdentityPoolRecord>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  };
  return {
    pools: () => Object.values(read()),
    pool: (identityPoolId) => read()[identityPoolId],
    save(pool) {
      writeFileSync(file, `${JSON.stringify({ ...read(), [pool.IdentityPoolId]: pool }, null, 2)}\n`, { mode: 0o600 });
    },
  };
}
