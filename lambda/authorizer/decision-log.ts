/**
 * The decision line: one JSON line per request, in the logger's shape (`level`, `message`,
 * `service`, `timestamp`, then fields) with the Lambda request id, the decision, its reason code,
 * and who asked for which route. Never a token. Its fields and codes are a contract with the
 * monitoring construct (lib/contracts/decision-log.ts).
 */
import { DECISION_LINE } from '../../lib/contracts/decision-log';
import { createLineWriter, jsonMembers, jsonString, stdoutSink, type LogSink } from '../shared/logger';
import type { RejectionReason } from '../token/reasons';

/** A machine caller, as its decision line names it: its client and its token's scopes (space-separated short names). */
export interface MachineCaller {
  readonly clientId: string;
  readonly scopes: string;
}

/** A verified caller's request. */
export interface Decided {
  /** `allow`, or `deny` when the policy does not grant the route (403). */
  readonly allowed: boolean;
  /** The revocation store could not be read and the check fails open (ALLOWED_UNCHECKED, WARN). */
  readonly unchecked?: boolean;
  readonly sub: string;
  /** Comma-joined. */
  readonly groups: string;
  /** `METHOD /path`. */
  readonly route: string;
  readonly requestId: string | undefined;
  /** A machine client's token (its deny reason is SCOPE_NOT_ALLOWED). */
  readonly machine?: MachineCaller;
}

/** A request without trust (401). */
export interface Unauthorized {
  readonly reason: RejectionReason;
  /** A short detail (cut at 200 characters). */
  readonly detail: string;
  readonly route: string | undefined;
  readonly requestId: string | undefined;
}

export interface DecisionLog {
  decided(decision: Decided): void;
  unauthorized(rejection: Unauthorized): void;
}

const MAX_DETAIL = 200;

export function createDecisionLog(sink: LogSink = stdoutSink): DecisionLog {
  const write = createLineWriter(DECISION_LINE.service, sink);
  return {
    // Written field by field, in the order and spelling logger.log gives the same fields (tested):
    // once per request, where JSON.stringify of the fields cost more than the rest of the line.
    decided({ allowed, unchecked = false, sub, groups, route, requestId, machine }) {
      const denied = machine ? 'SCOPE_NOT_ALLOWED' : 'GROUP_NOT_ALLOWED';
      const reason = !allowed ? denied : unchecked ? 'ALLOWED_UNCHECKED' : 'ALLOWED';
      write(
        unchecked ? 'WARN' : 'INFO',
        DECISION_LINE.message,
        `${requestId === undefined ? '' : `,"requestId":${jsonString(requestId)}`}` +
          `,"decision":"${allowed ? 'allow' : 'deny'}","reason":"${reason}"` +
          `,"sub":${jsonString(sub)},"groups":${jsonString(groups)}` +
          `${machine ? `,"client_id":${jsonString(machine.clientId)},"scopes":${jsonString(machine.scopes)}` : ''}` +
          `,"route":${jsonString(route)}`,
      );
    },
    unauthorized({ reason, detail, route, requestId }) {
      const level = reason === 'INTERNAL_ERROR' || reason === 'CONFIG_ERROR' ? 'ERROR' : 'WARN';
      write(
        level,
        DECISION_LINE.message,
        jsonMembers({ requestId, decision: 'unauthorized', reason, detail: detail.slice(0, MAX_DETAIL), route }),
      );
    },
  };
}
