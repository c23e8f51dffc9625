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

type Matcher = (arn: string) => boolean;

const compiled = new Map<string, Matcher>();
const MAX_COMPILED = 10_000;

/**
 * A pattern as a test: most resources in our policies are exact ARNs or end in one `*`, and those
 * need no regular expression (this runs for every statement of every request).
 */
function compile(pattern: string): Matcher {
  const star = pattern.indexOf('*');
  if (!pattern.includes('?')) {
    if (star < 0) return (arn) => arn === pattern;
    if (star === pattern.length - 1) {
      const prefix = pattern.slice(0, -1);
      return (arn) => arn.startsWith(prefix);
    }
  }
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`);
  return (arn) => regex.test(arn);
}

/** Whether an IAM resource pattern matches a concrete ARN. */
export function resourceMatches(pattern: string, arn: string): boolean {
  let matches = compiled.get(pattern);
  if (!matches) {
    matches = compile(pattern);
    if (compiled.size >= MAX_COMPILED) compiled.clear(); // bound memory against unbounded pattern sets
    compiled.set(pattern, matches);
  }
  return matches(arn);
}

/** What API Gateway may receive: any statement shape (a NotAction/NotResource statement never matches here). */
export interface EvaluablePolicy {
  readonly Statement: ReadonlyArray<{ readonly Effect: string; readonly Action?: string | string[]; readonly Resource?: string | string[] }>;
}

const isInvokeAction = (action: string): boolean => action === 'execute-api:Invoke' || action === 'execute-api:*' || action === '*';

// Strings and lists are told apart without wrapping a string in a list: this runs per request.
function actionMatches(action: string | readonly string[] | undefined): boolean {
  if (action === undefined) return false;
  return typeof action === 'string' ? isInvokeAction(action) : action.some(isInvokeAction);
}

function anyResourceMatches(resource: string | readonly string[] | undefined, arn: string): boolean {
  if (resource === undefined) return false;
  if (typeof resource === 'string') return resourceMatches(resource, arn);
  for (let index = 0; index < resource.length; index++) if (resourceMatches(resource[index], arn)) return true;
  return false;
}

// Indexed loops: a for-of here allocated iterator results on every request.
export function evaluatePolicy(policy: EvaluablePolicy, methodArn: string): PolicyDecision {
  let allowed = false;
  for (let index = 0; index < policy.Statement.length; index++) {
    const statement = policy.Statement[index];
    if (!actionMatches(statement.Action) || !anyResourceMatches(statement.Resource, methodArn)) continue;
    if (statement.Effect === 'Deny') return 'explicit-deny';
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}
