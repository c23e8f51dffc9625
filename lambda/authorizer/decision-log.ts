/**
 * The decision line: one JSON line per request, in the logger's shape (`level`, `message`,
 * `service`, `timestamp`, then fields) with the Lambda request id, the decision, its reason code,
 * and who asked for which route. Never a token. Its fields and codes are a contract with the
 * monitoring construct (lib/config/decision-log.ts).
 *
 * It is the authorizer's one inherent per-request cost beyond verification, so it is assembled
 * from parts serialized once (head, decision and reason) and the variable strings between quotes
 * written into it (`jsonInner`: escaped only when they need it), instead of building and
 * serializing a fields object per request (≈ 30 % less).
 */
import { DECISION_LINE } from '../../lib/config/decision-log';
import { isoNow, jsonInner, lineHead, stdoutSink, type LogLevel, type LogSink } from '../shared/logger';
import type { RejectionReason } from './reasons';

/** A machine caller, as its decision line names it: its client and its token's scopes (space-separated short names). */
export interface MachineCaller {
  readonly clientId: string;
  readonly scopes: string;
}

export interface DecisionLog {
  /**
   * A verified caller: `allow`, or `deny` when the policy does not grant the route (403).
   * `unchecked`: the revocation store could not be read and the check fails open (ALLOWED_UNCHECKED, WARN).
   * `machine`: a machine client's token (its deny reason is SCOPE_NOT_ALLOWED).
   */
  decided(
    allowed: boolean,
    sub: string,
    groups: string,
    route: string,
    requestId: string | undefined,
    unchecked?: boolean,
    machine?: MachineCaller,
  ): void;
  /** No trust (401), with the reason code and a short detail. */
  unauthorized(reason: RejectionReason, detail: string, route: string | undefined, requestId: string | undefined): void;
}

const MAX_DETAIL = 200;

const headOf = (level: LogLevel): string =>
  `${lineHead(level, DECISION_LINE.message, DECISION_LINE.service)},"timestamp":"`;
const outcome = (decision: string, reason: string): string => `,"decision":"${decision}","reason":"${reason}"`;
const optional = (name: string, value: string | undefined): string =>
  value === undefined ? '' : `,"${name}":"${jsonInner(value)}"`;

export function createDecisionLog(sink: LogSink = stdoutSink): DecisionLog {
  const heads = { INFO: headOf('INFO'), WARN: headOf('WARN'), ERROR: headOf('ERROR') };
  const allow = `${outcome('allow', 'ALLOWED')},"sub":"`;
  const allowUnchecked = `${outcome('allow', 'ALLOWED_UNCHECKED')},"sub":"`;
  const deny = `${outcome('deny', 'GROUP_NOT_ALLOWED')},"sub":"`;
  const denyMachine = `${outcome('deny', 'SCOPE_NOT_ALLOWED')},"sub":"`;
  const write = (line: string): void => {
    try {
      sink(line);
    } catch {
      // A failing log sink must never change a decision or an answer.
    }
  };
  return {
    decided(allowed, sub, groups, route, requestId, unchecked = false, machine) {
      const verdict = !allowed ? (machine ? denyMachine : deny) : unchecked ? allowUnchecked : allow;
      const caller = machine
        ? `,"client_id":"${jsonInner(machine.clientId)}","scopes":"${jsonInner(machine.scopes)}"`
        : '';
      write(
        `${unchecked ? heads.WARN : heads.INFO}${isoNow()}"${optional('requestId', requestId)}${verdict}${jsonInner(sub)}"` +
          `,"groups":"${jsonInner(groups)}"${caller},"route":"${jsonInner(route)}"}`,
      );
    },
    unauthorized(reason, detail, route, requestId) {
      const level = reason === 'INTERNAL_ERROR' || reason === 'CONFIG_ERROR' ? 'ERROR' : 'WARN';
      write(
        `${heads[level]}${isoNow()}"${optional('requestId', requestId)}${outcome('unauthorized', reason)}` +
          `,"detail":"${jsonInner(detail.slice(0, MAX_DETAIL))}"${optional('route', route)}}`,
      );
    },
  };
}
