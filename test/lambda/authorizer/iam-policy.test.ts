/** IAM resource matching: the fast paths (exact ARN, one trailing `*`, a compiled policy) agree with the general rule. */
import fc from 'fast-check';
import {
  compilePolicy,
  evaluatePolicy,
  resourceMatches,
  type PolicyDecision,
} from '../../../lambda/authorizer/iam-policy';

/** The rule as IAM states it: `*` is any run of characters (`/` included), `?` exactly one. */
function reference(pattern: string, arn: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(arn);
}

const text = (chars: string[]) => fc.string({ unit: fc.constantFrom(...chars), maxLength: 12 });

it('matches exactly as the IAM rule for exact, prefix and general patterns', () => {
  fc.assert(
    fc.property(text(['a', 'b', '/', '.', '*', '?', '$']), text(['a', 'b', '/', '.', '$']), (pattern, arn) => {
      expect(resourceMatches(pattern, arn)).toBe(reference(pattern, arn));
    }),
    { numRuns: 3000 },
  );
});

it.each([
  ['arn:aws:execute-api:r:1:api/v1/GET/api/profile', 'arn:aws:execute-api:r:1:api/v1/GET/api/profile', true],
  ['arn:aws:execute-api:r:1:api/v1/GET/api/profile', 'arn:aws:execute-api:r:1:api/v1/GET/api/profiles', false],
  [
    'arn:aws:execute-api:r:1:api/v1/DELETE/api/admin/users/*',
    'arn:aws:execute-api:r:1:api/v1/DELETE/api/admin/users/u/x',
    true,
  ],
  [
    'arn:aws:execute-api:r:1:api/v1/DELETE/api/admin/users/*',
    'arn:aws:execute-api:r:1:api/v1/DELETE/api/admin/users',
    false,
  ],
  ['arn:aws:execute-api:r:1:api/v1/*/api/*/x', 'arn:aws:execute-api:r:1:api/v1/GET/api/a/b/x', true],
  ['arn:aws:execute-api:r:1:api/v1/GE?/api', 'arn:aws:execute-api:r:1:api/v1/GET/api', true],
])('%s matches %s: %s', (pattern, arn, expected) => {
  expect(resourceMatches(pattern, arn)).toBe(expected);
});

it('lets an explicit Deny win over an Allow', () => {
  const policy = {
    Statement: [
      { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: ['arn:x/*'] },
      { Effect: 'Deny', Action: ['execute-api:Invoke'], Resource: 'arn:x/secret' },
    ],
  };
  expect(evaluatePolicy(policy, 'arn:x/open')).toBe('allow');
  expect(evaluatePolicy(policy, 'arn:x/secret')).toBe('explicit-deny');
  expect(evaluatePolicy(policy, 'arn:y')).toBe('implicit-deny');
});

/** The decision as IAM states it, from the reference matcher. */
function referenceDecision(
  statements: ReadonlyArray<{ Effect: string; Resource: string[] }>,
  arn: string,
): PolicyDecision {
  const matching = statements.filter((statement) => statement.Resource.some((pattern) => reference(pattern, arn)));
  if (matching.some((statement) => statement.Effect === 'Deny')) return 'explicit-deny';
  return matching.some((statement) => statement.Effect === 'Allow') ? 'allow' : 'implicit-deny';
}

it('decides as the IAM rule, compiled once or evaluated each time, resources sharing a start or not', () => {
  // Resources that mostly share a start (as a policy's share the API's ARN prefix), with wildcards anywhere.
  const resource = fc
    .tuple(fc.constantFrom('arn:x/', 'arn:x/ab', 'arn:', ''), text(['a', 'b', '/', '*', '?']))
    .map(([start, rest]) => start + rest);
  const statement = fc.record({
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: fc.constant('execute-api:Invoke'),
    Resource: fc.array(resource, { maxLength: 4 }),
  });
  const arn = fc
    .tuple(fc.constantFrom('arn:x/', 'arn:x/ab', 'arn:y/', ''), text(['a', 'b', '/']))
    .map(([start, rest]) => start + rest);
  fc.assert(
    fc.property(
      fc.array(statement, { maxLength: 4 }),
      fc.array(arn, { minLength: 1, maxLength: 5 }),
      (statements, arns) => {
        const decide = compilePolicy({ Statement: statements });
        for (const methodArn of arns) {
          const expected = referenceDecision(statements, methodArn);
          expect(decide(methodArn)).toBe(expected);
          expect(evaluatePolicy({ Statement: statements }, methodArn)).toBe(expected);
        }
      },
    ),
    { numRuns: 3000 },
  );
});
