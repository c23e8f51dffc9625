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
 * need no regular expression. `known`: how many leading characters of every ARN it will be asked
 * about are already known to equal the pattern's (they are not compared again).
 */
function compile(pattern: string, known = 0): Matcher {
  const star = pattern.indexOf('*');
  if (!pattern.includes('?')) {
    if (star < 0) {
      const rest = pattern.slice(known);
      return (arn) => arn.length === pattern.length && arn.startsWith(rest, known);
    }
    if (star === pattern.length - 1) {
      const rest = pattern.slice(known, -1);
      return (arn) => arn.startsWith(rest, known);
    }
  }
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`);
  return (arn) => regex.test(arn);
}

/** The longest start all patterns share before any wildcard (a policy's resources share the API's ARN prefix). */
function sharedLiteralStart(patterns: readonly string[]): string {
  if (patterns.length === 0) return '';
  const first = patterns[0];
  let length = 0;
  while (
    length < first.length &&
    first[length] !== '*' &&
    first[length] !== '?' &&
    patterns.every((pattern) => pattern[length] === first[length])
  )
    length++;
  return first.slice(0, length);
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
  readonly Statement: ReadonlyArray<{
    readonly Effect: string;
    readonly Action?: string | string[];
    readonly Resource?: string | string[];
  }>;
}

const isInvokeAction = (action: string): boolean =>
  action === 'execute-api:Invoke' || action === 'execute-api:*' || action === '*';

function actionMatches(action: string | readonly string[] | undefined): boolean {
  if (action === undefined) return false;
  return typeof action === 'string' ? isInvokeAction(action) : action.some(isInvokeAction);
}

/** Decides a method ARN against one policy. */
export type PolicyEvaluator = (methodArn: string) => PolicyDecision;

interface InvokeStatement {
  readonly deny: boolean;
  readonly resources: readonly string[];
}

/** The statements that can decide an Invoke: Allow or Deny, an Invoke action, resources. */
function invokeStatements(policy: EvaluablePolicy): InvokeStatement[] {
  const statements: InvokeStatement[] = [];
  for (const { Effect, Action, Resource } of policy.Statement) {
    if ((Effect !== 'Allow' && Effect !== 'Deny') || !actionMatches(Action) || Resource === undefined) continue;
    statements.push({ deny: Effect === 'Deny', resources: typeof Resource === 'string' ? [Resource] : Resource });
  }
  return statements;
}

interface CompiledStatement {
  readonly deny: boolean;
  readonly matchers: readonly Matcher[];
}

function anyMatches(matchers: readonly Matcher[], arn: string): boolean {
  for (let index = 0; index < matchers.length; index++) if (matchers[index](arn)) return true;
  return false;
}

// Indexed loops: a for-of here allocated iterator results on every request.
function decide(statements: readonly CompiledStatement[], methodArn: string): PolicyDecision {
  let allowed = false;
  for (let index = 0; index < statements.length; index++) {
    const statement = statements[index];
    if (!anyMatches(statement.matchers, methodArn)) continue;
    if (statement.deny) return 'explicit-deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

/**
 * The policy with its matchers built once, for a policy decided again and again (the authorizer's,
 * per group set). Its resources share the API's ARN prefix, so that start is compared once per
 * decision, not once per resource; an ARN without it matches none.
 */
export function compilePolicy(policy: EvaluablePolicy): PolicyEvaluator {
  const invokes = invokeStatements(policy);
  const shared = sharedLiteralStart(invokes.flatMap((statement) => statement.resources));
  const statements = invokes.map(({ deny, resources }) => ({
    deny,
    matchers: resources.map((pattern) => compile(pattern, shared.length)),
  }));
  return (methodArn) => (methodArn.startsWith(shared) ? decide(statements, methodArn) : 'implicit-deny');
}

/** Decides a method ARN against any policy once (matchers come from a bounded cache). */
export function evaluatePolicy(policy: EvaluablePolicy, methodArn: string): PolicyDecision {
  return decide(
    invokeStatements(policy).map(({ deny, resources }) => ({ deny, matchers: resources.map(matcherFor) })),
    methodArn,
  );
}
