/**
 * The audit trail: one JSON line per login and per admin action, saying who (`actor`, the caller's
 * `sub`), did what (`action`) to whom (`target`), and how it ended (`result`, `status`, `reason`).
 * Never a password, token, code or verifier: callers pass identities only.
 */
import type { ProxyResult } from './http';
import type { Logger } from './logger';

export type AuditAction =
  'login' | 'refresh' | 'code_exchange' | 'logout' | 'admin.list_users' | 'admin.delete_user' | 'admin.revoke_client';

/** What a handler did, for the audit line; `result` is the answer it gives. */
export interface Audited {
  readonly result: ProxyResult;
  /** The caller's `sub`, when known. @default 'anonymous' */
  readonly actor?: string;
  /** Whom the action was about (a username, `*` for all users). @default '' */
  readonly target?: string;
  /** Why it ended so, as a stable code. @default derived from the status */
  readonly reason?: string;
}

const REASON_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_REQUEST',
  401: 'NOT_AUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'THROTTLED',
};

/** Writes the audit line and returns the answer. */
export function audit(logger: Logger, action: AuditAction, { result, actor, target, reason }: Audited): ProxyResult {
  const status = result.statusCode;
  const outcome = status < 400 ? 'success' : status < 500 ? 'rejected' : 'error';
  logger.log(outcome === 'success' ? 'INFO' : 'WARN', 'audit', {
    action,
    actor: actor || 'anonymous',
    target: target ?? '',
    result: outcome,
    status,
    reason: reason ?? (outcome === 'success' ? 'OK' : (REASON_BY_STATUS[status] ?? 'UPSTREAM_ERROR')),
  });
  return result;
}
