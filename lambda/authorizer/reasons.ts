/**
 * Why a request was decided as it was. Codes are stable: dashboards and alarms match on them.
 * Every rejection becomes a 401 at API Gateway; GROUP_NOT_ALLOWED is the 403 case.
 */
export type RejectionReason =
  | 'MISSING_TOKEN'
  | 'HEADER_TOO_LARGE'
  | 'BAD_SCHEME'
  | 'MALFORMED_TOKEN'
  | 'UNSUPPORTED_ALG'
  | 'FORBIDDEN_HEADER'
  | 'UNKNOWN_KID'
  | 'BAD_SIGNATURE'
  | 'EXPIRED'
  | 'MISSING_EXP'
  | 'NOT_YET_VALID'
  | 'WRONG_ISSUER'
  | 'WRONG_CLIENT'
  | 'WRONG_TOKEN_USE'
  | 'BAD_CLAIMS'
  | 'JWKS_UNAVAILABLE'
  | 'CONFIG_ERROR'
  | 'INTERNAL_ERROR';

export type DecisionReason = 'ALLOWED' | 'GROUP_NOT_ALLOWED';

/** A token that must not be trusted. Carries the reason code for the decision log. */
export class TokenRejectedError extends Error {
  readonly name = 'TokenRejectedError';
  constructor(
    readonly reason: RejectionReason,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(detail, options);
  }
}
