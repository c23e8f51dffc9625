/**
 * A refresh must not revive a session its user signed out of everywhere, for as long as a refresh
 * token lives (the user's cut-off is kept that long: lib/config/revocation-retention.ts › revocationRetention).
 * In AWS, AdminUserGlobalSignOut already revokes the refresh tokens on every path; cognito-local 5.3
 * has no global sign-out, so locally the revocation store carries it: the auth handler asks it
 * after Cognito answered.
 */
import { RevokeTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Audited } from '../shared/audit';
import { json } from '../shared/http';
import type { Logger } from '../shared/logger';
import type { RevocationStore } from '../revocation/store';
import { StoreError, storeErrorResult } from '../shared/store-error';
import { decodeClaims } from '../../lib/contracts/jwt-claims';
import type { LogoutDeps } from './logout';

export const REFRESH_REFUSED = 'Refresh token is invalid, expired or revoked';

/**
 * When the session began, in epoch seconds: the emulator's refresh token is a readable JWT (its
 * `iat`); Cognito's is encrypted, and its access tokens keep the sign-in's `auth_time` across
 * refreshes. Both were issued by Cognito in this exchange (it accepted the refresh token), so
 * reading them is safe. `undefined` when neither says.
 */
function sessionBegan(refreshToken: string, accessToken: string): number | undefined {
  for (const value of [decodeClaims(refreshToken)?.iat, decodeClaims(accessToken)?.auth_time]) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  }
  return undefined;
}

/** A refusal (401, the refresh token revoked too) when the user signed out everywhere after the session began; else `undefined`. */
export async function refusedAfterSignOut(
  deps: Pick<LogoutDeps, 'cognito' | 'userPoolClientId'> & { readonly revocations: RevocationStore },
  logger: Logger,
  refreshToken: string,
  accessToken: string,
): Promise<Audited | undefined> {
  const sub = decodeClaims(accessToken)?.sub;
  const began = sessionBegan(refreshToken, accessToken);
  if (typeof sub !== 'string' || began === undefined) return undefined;
  let revokedBefore: number | undefined;
  try {
    revokedBefore = await deps.revocations.userRevokedBefore(sub);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    logger.log('ERROR', 'revocation store failed', { operation: error.operation, error: error.errorName });
    return { ...storeErrorResult(error, 'Revocation store unavailable: retry'), actor: sub };
  }
  if (revokedBefore === undefined || began >= revokedBefore) return undefined;
  // The emulator would keep accepting it (it has no global sign-out): revoke it there too.
  await deps.cognito
    .send(new RevokeTokenCommand({ ClientId: deps.userPoolClientId, Token: refreshToken }))
    .catch(() => undefined);
  return { result: json(401, { message: REFRESH_REFUSED }), actor: sub, reason: 'SIGNED_OUT' };
}
