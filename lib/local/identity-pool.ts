/**
 * Provisions the local identity pool from the same definition as the deployed one
 * (lib/config/identity-pool.ts): the user client as its one provider, the authenticated role, and
 * the role mapping from the token. Calls the local Cognito Identity's admin targets; running it
 * again converges on the pool of the same name.
 */
import type { AppConfig } from '../config/app-config';
import { identityPoolName, localRoleArn, loginsKeyFor, TOKEN_ROLE_MAPPING } from '../config/identity-pool';

const TIMEOUT_MS = 5000;

export class IdentityPoolProvisioningError extends Error {
  readonly name = 'IdentityPoolProvisioningError';
}

interface UserPoolClient {
  /** The user pool's issuer. */
  readonly issuer: string;
  readonly userPoolClientId: string;
}

/** The identity pool's id; the pool is created if none has the configured name. */
export async function ensureIdentityPool(endpoint: string, config: AppConfig, client: UserPoolClient): Promise<string> {
  const call = identityApi(endpoint);
  const name = identityPoolName(config);
  const providerName = loginsKeyFor(client.issuer);
  const listed = (await call('ListIdentityPools', { MaxResults: 60 })) as {
    IdentityPools: { IdentityPoolId: string; IdentityPoolName: string }[];
  };
  let identityPoolId = listed.IdentityPools.find((pool) => pool.IdentityPoolName === name)?.IdentityPoolId;
  identityPoolId ??= (
    (await call('CreateIdentityPool', {
      IdentityPoolName: name,
      AllowUnauthenticatedIdentities: config.identityPool.allowGuestAccess,
      CognitoIdentityProviders: [
        { ProviderName: providerName, ClientId: client.userPoolClientId, ServerSideTokenCheck: true },
      ],
    })) as { IdentityPoolId: string }
  ).IdentityPoolId;
  await call('SetIdentityPoolRoles', {
    IdentityPoolId: identityPoolId,
    Roles: {
      authenticated: localRoleArn(config, 'authenticated'),
      ...(config.identityPool.allowGuestAccess ? { unauthenticated: localRoleArn(config, 'unauthenticated') } : {}),
    },
    RoleMappings: {
      [`${providerName}:${client.userPoolClientId}`]: {
        Type: TOKEN_ROLE_MAPPING.type,
        AmbiguousRoleResolution: TOKEN_ROLE_MAPPING.ambiguousRoleResolution,
      },
    },
  });
  return identityPoolId;
}

function identityApi(endpoint: string) {
  return async (target: string, input: unknown): Promise<unknown> => {
    const response = await fetch(`${endpoint}/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityService.${target}`,
      },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const answer = (await response.json()) as { __type?: string; message?: string };
    if (!response.ok)
      throw new IdentityPoolProvisioningError(
        `${target} failed: ${answer.__type ?? response.status} ${answer.message ?? ''}`,
      );
    return answer;
  };
}
