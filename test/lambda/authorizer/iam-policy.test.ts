/** IAM resource matching: the fast paths (exact ARN, one trailing `*`) agree with the general rule. */
import fc from 'fast-check';
import { evaluatePolicy, resourceMatches } from '../../../lambda/authorizer/iam-policy';

/** The rule as IAM states it: `*` is any run of characters (`/` included), `?` exactly one. */
function reference(pattern: string, arn: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
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
  ['arn:aws:execute-api:r:1:api/v1/DELETE/api/admin/users/*', 'arn:aws:execute-api:r:1:api/v1/DELETE/api/admin/users/u/x', true],
  ['arn:aws:execute-api:r:1:api/v1/DELETE/api/admin/users/*', 'arn:aws:execute-api:r:1:api/v1/DELETE/api/admin/users', false],
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
