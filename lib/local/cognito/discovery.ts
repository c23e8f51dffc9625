/**
 * `<issuer>/.well-known/openid-configuration` as Cognito serves it, with the issuer the tokens
 * carry and the endpoints of this server (the pool's Hosted UI domain and issuer are one origin
 * locally), plus what OIDC clients look for: grant types, PKCE method, scopes.
 */
export interface DiscoveryInput {
  /** The tokens' `iss`: `<base>/<poolId>`. */
  readonly issuer: string;
  /** The Hosted UI's origin, e.g. `http://127.0.0.1:9229`. */
  readonly hostedUiBase: string;
  readonly grantTypes: readonly string[];
}

export function discoveryDocument({ issuer, hostedUiBase, grantTypes }: DiscoveryInput): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${hostedUiBase}/oauth2/authorize`,
    token_endpoint: `${hostedUiBase}/oauth2/token`,
    userinfo_endpoint: `${hostedUiBase}/oauth2/userInfo`,
    revocation_endpoint: `${hostedUiBase}/oauth2/revoke`,
    end_session_endpoint: `${hostedUiBase}/logout`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['code'],
    grant_types_supported: [...grantTypes],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'email',
      'email_verified',
      'cognito:username',
      'cognito:groups',
    ],
  };
}
