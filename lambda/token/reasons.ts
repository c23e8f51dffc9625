/**
 * Why a request was decided as it was. Codes are stable: dashboards and alarms match on them
 * (the list lives in lib/contracts/decision-log.ts, shared with the monitoring construct).
 * Every rejection becomes a 401 at API Gateway; GROUP_NOT_ALLOWED is the 403 case.
 */
import type { DECISION_REASONS, REJECTION_REASONS } from '../../lib/contracts/decision-log';

export type RejectionReason = (typeof REJECTION_REASONS)[number];

export type DecisionReason = (typeof DECISION_REASONS)[number];

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
