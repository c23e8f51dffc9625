/**
 * The authorizer's decision log line, as a contract: the authorizer writes one JSON line per
 * decision with these fields and codes (lambda/authorizer/handler.ts, reasons.ts), and the
 * monitoring construct counts them with metric filters and alarms on them. Codes are stable.
 *
 * Must stay free of aws-cdk-lib imports.
 */

/** The `service` and `message` of every decision line. */
export const DECISION_LINE = { service: 'authorizer', message: 'authorization decision' } as const;

/**
 * `decision`: allow (2xx path), deny (403: groups, or a machine client's scopes, do not grant the
 * route), unauthorized (401). Lines of machine callers also carry `client_id` and `scopes`.
 */
export const DECISIONS = ['allow', 'deny', 'unauthorized'] as const;
export type Decision = (typeof DECISIONS)[number];

/** `reason` of an allow or deny. */
export const DECISION_REASONS = [
  'ALLOWED',
  /** Allowed without the revocation check: the store could not be read and the check fails open (`revocation.failOpen`). */
  'ALLOWED_UNCHECKED',
  'GROUP_NOT_ALLOWED',
  /** A machine client (client-credentials token) whose scopes do not grant the route. */
  'SCOPE_NOT_ALLOWED',
] as const;

/** `reason` of an unauthorized decision (a 401 at API Gateway). */
export const REJECTION_REASONS = [
  'MISSING_TOKEN',
  'HEADER_TOO_LARGE',
  'BAD_SCHEME',
  'MALFORMED_TOKEN',
  'UNSUPPORTED_ALG',
  'FORBIDDEN_HEADER',
  'UNKNOWN_KID',
  'BAD_SIGNATURE',
  'EXPIRED',
  'MISSING_EXP',
  'NOT_YET_VALID',
  'WRONG_ISSUER',
  'WRONG_CLIENT',
  'WRONG_TOKEN_USE',
  'BAD_CLAIMS',
  'JWKS_UNAVAILABLE',
  /** A verified token that was revoked: logged out, signed out everywhere, or its user deleted. */
  'REVOKED',
  /** The revocation store could not be read in time, and the check fails closed (lib/config/app-config.ts › revocation). */
  'REVOCATION_UNAVAILABLE',
  'CONFIG_ERROR',
  'INTERNAL_ERROR',
] as const;

/** Reasons that mean the authorizer itself (or its configuration or key source) is failing: each one is alarmed. */
export const ALARMED_REASONS = [
  'INTERNAL_ERROR',
  'CONFIG_ERROR',
  'JWKS_UNAVAILABLE',
  'REVOCATION_UNAVAILABLE',
] as const satisfies ReadonlyArray<(typeof REJECTION_REASONS)[number]>;
