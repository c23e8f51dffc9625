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

function matcherFor(pattern: string): Matcher {
  let matches = compiled.get(pattern);
  if (!matches) {
    matches = compile(pattern);
    if (compiled.size >= MAX_COMPILED) compiled.clear(); // bound memory against unbounded pattern sets
    compiled.set(pattern, matches);
  }
  return matches;
}

/** Whether an IAM resource pattern matches a concrete ARN. */
export function resourceMatches(pattern: string, arn: string): boolean {
  return matcherFor(pattern)(arn);
}

/** What API Gateway may receive: any statement shape (a NotAction/NotResource statement never matches here). */
export interface EvaluablePolicy {
  readonly Statement: ReadonlyArray<{ readonly Effect: string; readonly Action?: string | string[]; readonly Resource?: string | string[] }>;
}

const isInvokeAction = (action: string): boolean => action === 'execute-api:Invoke' || action === 'execute-api:*' || action === '*';

function actionMatches(action: string | readonly string[] | undefined): boolean {
  if (action === undefined) return false;
  return typeof action === 'string' ? isInvokeAction(action) : action.some(isInvokeAction);
}

/** Decides a method ARN against one policy. */
export type PolicyEvaluator = (methodArn: string) => PolicyDecision;

interface CompiledStatement {
  readonly deny: boolean;
  readonly matchers: readonly Matcher[];
}

function anyMatches(matchers: readonly Matcher[], arn: string): boolean {
  for (let index = 0; index < matchers.length; index++) if (matchers[index](arn)) return true;
  return false;
}

/**
 * The policy with its Invoke statements picked out and their resources' matchers looked up once,
 * for a policy decided again and again (the authorizer's, per group set): deciding then costs no
 * map lookups, only the comparisons. Indexed loops: a for-of here allocated iterator results.
 */
export function compilePolicy(policy: EvaluablePolicy): PolicyEvaluator {
  const statements: CompiledStatement[] = [];
  for (const { Effect, Action, Resource } of policy.Statement) {
    if ((Effect !== 'Allow' && Effect !== 'Deny') || !actionMatches(Action) || Resource === undefined) continue;
    statements.push({ deny: Effect === 'Deny', matchers: (typeof Resource === 'string' ? [Resource] : Resource).map(matcherFor) });
  }
  return (methodArn) => {
    let allowed = false;
    for (let index = 0; index < statements.length; index++) {
      const statement = statements[index];
      if (!anyMatches(statement.matchers, methodArn)) continue;
      if (statement.deny) return 'explicit-deny';
      allowed = true;
    }
    return allowed ? 'allow' : 'implicit-deny';
  };
}

export function evaluatePolicy(policy: EvaluablePolicy, methodArn: string): PolicyDecision {
  return compilePolicy(policy)(methodArn);
}
