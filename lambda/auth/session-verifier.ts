/**
 * Verifies the Bearer access token of POST /auth/logout exactly as the authorizer does (the same
 * parser, verifier, keys and limits, from the same AUTHORIZER_CONFIG), so logout accepts what the
 * API accepts; logout then asks the revocation store itself (lambda/auth/logout.ts).
 */
import type { RuntimeEnv } from '../../lib/contracts/runtime-env';
import { parseAuthorizationHeader } from '../token/parse';
import { TokenRejectedError } from '../token/reasons';
import { settingsFromEnv } from '../authorizer/settings';
import { createTokenVerifier } from '../token/verify';
import type { SessionVerifier } from './logout';

export function createSessionVerifier(env: RuntimeEnv): SessionVerifier {
  // A person's session only: a machine client has none to end (its tokens are revoked by an admin).
  // Set explicitly, because the local system hosts every function in one environment, the authorizer's MACHINE_CLIENT_IDS included.
  const settings = { ...settingsFromEnv(env), machineClientIds: [] };
  const verifier = createTokenVerifier(settings);
  return async (header) => {
    const accessToken = parseAuthorizationHeader(header, settings.maxHeaderBytes);
    const claims = await verifier.verify(accessToken);
    // Logout ends the session an access token names; an ID token (if the API accepts them) is refused here.
    if (claims.tokenUse !== 'access') throw new TokenRejectedError('WRONG_TOKEN_USE', 'Logout needs the access token');
    const { sub, username, sessionId, issuedAt } = claims;
    // Every Cognito token carries a jti: one without names no session and was not issued by a pool of this kind.
    if (sessionId === undefined) throw new TokenRejectedError('BAD_CLAIMS', 'The access token names no session');
    return { sub, username, sessionId, issuedAt };
  };
}
