/**
 * The subset of IAM policy evaluation that API Gateway applies to an authorizer's answer:
 * `execute-api:Invoke` statements, resources with `*` (any run of characters, `/` included)
 * and `?` (one character); an explicit Deny wins; no matching Allow is a Deny.
 * The authorizer uses it to check its own policies, the local gateway to enforce them.
 */

export type Effect = 'Allow' | 'Deny';

export interface PolicyStatement {
  readonly Action: string | string[];
  readonly Effect: Effect;
  readonly Resource: string | string[];
}

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: PolicyStatement[];
}

export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

const compiled = new Map<string, RegExp>();

/** Whether an IAM resource pattern matches a concrete ARN. */
export function resourceMatches(pattern: string, arn: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regex = new RegExp(`^${source}$`);
    if (compiled.size > 10_000) compiled.clear(); // bound memory against unbounded pattern sets
    compiled.set(pattern, regex);
  }
  return regex.test(arn);
}

/** What API Gateway may receive: any statement shape (a NotAction/NotResource statement never matches here). */
export interface EvaluablePolicy {
  readonly Statement: ReadonlyArray<{ readonly Effect: string; readonly Action?: string | string[]; readonly Resource?: string | string[] }>;
}

function actionMatches(action: string | readonly string[] | undefined): boolean {
  if (action === undefined) return false;
  const actions = typeof action === 'string' ? [action] : action;
  return actions.some((a) => a === 'execute-api:Invoke' || a === 'execute-api:*' || a === '*');
}

function anyResourceMatches(resource: string | readonly string[] | undefined, arn: string): boolean {
  if (resource === undefined) return false;
  const resources = typeof resource === 'string' ? [resource] : resource;
  return resources.some((pattern) => resourceMatches(pattern, arn));
}

export function evaluatePolicy(policy: EvaluablePolicy, methodArn: string): PolicyDecision {
  let allowed = false;
  for (const statement of policy.Statement) {
    if (!actionMatches(statement.Action) || !anyResourceMatches(statement.Resource, methodArn)) continue;
    if (statement.Effect === 'Deny') return 'explicit-deny';
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}
