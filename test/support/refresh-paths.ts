/**
 * Every path a client can refresh its tokens by, against a running local system (or a deployed
 * stage's Cognito): each takes a refresh token and resolves with a new access token, or rejects with
 * what it got. Sign-out tests hold every path to the same rule.
 */
import {
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { send, sendJson } from './http';

export interface RefreshTarget {
  readonly cognito: CognitoIdentityProviderClient;
  readonly clientId: string;
  /** The Hosted UI base (its /oauth2/token). */
  readonly hostedUiUrl: string;
  /** The API (its POST /auth/refresh). */
  readonly apiUrl: string;
}

export type RefreshPath = (refreshToken: string) => Promise<string>;

/** The paths by name; `target` is read at call time, so a test may build this before its system starts. */
export function refreshPaths(target: () => RefreshTarget): Readonly<Record<string, RefreshPath>> {
  return {
    'InitiateAuth REFRESH_TOKEN_AUTH': async (refreshToken) => {
      const { cognito, clientId } = target();
      const answer = await cognito.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
      );
      return answer.AuthenticationResult!.AccessToken!;
    },
    GetTokensFromRefreshToken: async (refreshToken) => {
      const { cognito, clientId } = target();
      const answer = await cognito.send(
        new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refreshToken }),
      );
      return answer.AuthenticationResult!.AccessToken!;
    },
    '/oauth2/token refresh_token grant': async (refreshToken) => {
      const { clientId, hostedUiUrl } = target();
      const answer = await send(`${hostedUiUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: clientId,
          refresh_token: refreshToken,
        }).toString(),
      });
      if (answer.status !== 200) throw new Error(`${answer.status} ${(answer.json as { error: string }).error}`);
      return (answer.json as { access_token: string }).access_token;
    },
    'POST /auth/refresh': async (refreshToken) => {
      const answer = await sendJson(`${target().apiUrl}/auth/refresh`, 'POST', { refresh_token: refreshToken });
      if (answer.status !== 200) throw new Error(`${answer.status}`);
      return (answer.json as { access_token: string }).access_token;
    },
  };
}
