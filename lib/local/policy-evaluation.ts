/**
 * The authorizer's policy as the local gateway enforces it: with the evaluator API Gateway's own
 * subset is written in (lambda/authorizer/iam-policy.ts), but failing closed on any statement that
 * evaluator does not fully understand (NotAction, NotResource, Condition, Principal, a lowercase or
 * wildcarded action, an Effect other than Allow/Deny, …). Such a statement grants nothing when it
 * allows, and denies every request when it denies: locally a policy can only be stricter than in
 * AWS, never looser. Each such statement is reported, so the difference is seen, not hidden.
 */
import { evaluatePolicy, type EvaluablePolicy, type PolicyDecision } from '../../lambda/authorizer/iam-policy';
import { isJsonObject } from '../contracts/json';

/** A statement the evaluator cannot evaluate exactly, and what the gateway did with it instead. */
export interface UnsupportedStatement {
  readonly index: number;
  readonly effect: string;
  /** Why: the keys or values it does not understand. */
  readonly problems: readonly string[];
  readonly treatedAs: 'grants-nothing' | 'denies-everything';
}

export interface GatewayPolicyDecision {
  readonly decision: PolicyDecision;
  readonly unsupported: readonly UnsupportedStatement[];
}

type Statement = EvaluablePolicy['Statement'][number];

const UNDERSTOOD_KEYS = new Set(['Sid', 'Effect', 'Action', 'Resource']);
/** The actions the evaluator matches; IAM also matches other spellings (case, wildcards) it does not. */
const EVALUATED_ACTIONS = new Set(['execute-api:Invoke', 'execute-api:*', '*']);

export function evaluateGatewayPolicy(
  policy: { readonly Statement: readonly unknown[] },
  methodArn: string,
): GatewayPolicyDecision {
  const understood: Statement[] = [];
  const unsupported: UnsupportedStatement[] = [];
  policy.Statement.forEach((statement, index) => {
    const classified = classify(statement);
    if (!Array.isArray(classified)) {
      understood.push(classified);
      return;
    }
    const effect = isJsonObject(statement) && typeof statement.Effect === 'string' ? statement.Effect : '';
    unsupported.push({
      index,
      effect,
      problems: classified,
      treatedAs: effect === 'Allow' ? 'grants-nothing' : 'denies-everything',
    });
  });
  if (unsupported.some((statement) => statement.treatedAs === 'denies-everything'))
    return { decision: 'explicit-deny', unsupported };
  return { decision: evaluatePolicy({ Statement: understood }, methodArn), unsupported };
}

/** The statement, when the evaluator evaluates it exactly; else what it does not understand. */
function classify(statement: unknown): Statement | string[] {
  if (!isJsonObject(statement)) return ['not an object'];
  const { Effect, Action, Resource } = statement;
  const problems = Object.keys(statement).filter((key) => !UNDERSTOOD_KEYS.has(key));
  if (
    problems.length === 0 &&
    (Effect === 'Allow' || Effect === 'Deny') &&
    isStringOrStrings(Resource) &&
    isStringOrStrings(Action) &&
    actionsEvaluable(Action)
  ) {
    return { Effect, Action, Resource };
  }
  if (Effect !== 'Allow' && Effect !== 'Deny') problems.push('Effect');
  if (!isStringOrStrings(Resource)) problems.push('Resource');
  if (!isStringOrStrings(Action) || !actionsEvaluable(Action)) problems.push('Action');
  return problems;
}

function isStringOrStrings(value: unknown): value is string | string[] {
  return (
    typeof value === 'string' ||
    (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'))
  );
}

/** An action is evaluated exactly when it is one the evaluator matches, or cannot match `execute-api:Invoke` in IAM either. */
function actionsEvaluable(action: string | string[]): boolean {
  return (typeof action === 'string' ? [action] : action).every(
    (name) => EVALUATED_ACTIONS.has(name) || (!/[*?]/.test(name) && name.toLowerCase() !== 'execute-api:invoke'),
  );
}
