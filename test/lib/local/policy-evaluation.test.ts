/**
 * The local gateway's policy evaluation fails closed: a statement the evaluator cannot evaluate
 * exactly as IAM does grants nothing when it allows, and denies everything when it denies.
 */
import { evaluateGatewayPolicy } from '../../../lib/local/policy-evaluation';

const API = 'arn:aws:execute-api:us-east-1:000000000000:local/v1';
const PROFILE = `${API}/GET/api/profile`;
const USERS = `${API}/GET/api/admin/users`;
const allowAll = { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `${API}/*` };
const decide = (arn: string, ...Statement: unknown[]) => evaluateGatewayPolicy({ Statement }, arn);

it('evaluates the statements it understands as before, with nothing to report', () => {
  expect(decide(PROFILE, allowAll)).toEqual({ decision: 'allow', unsupported: [] });
  expect(
    decide(PROFILE, allowAll, {
      Sid: 'no-profile',
      Effect: 'Deny',
      Action: ['execute-api:Invoke'],
      Resource: [PROFILE],
    }),
  ).toEqual({ decision: 'explicit-deny', unsupported: [] });
  expect(decide(USERS, { Effect: 'Allow', Action: 'execute-api:*', Resource: PROFILE })).toEqual({
    decision: 'implicit-deny',
    unsupported: [],
  });
  expect(decide(PROFILE, allowAll, { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' })).toEqual({
    decision: 'allow',
    unsupported: [],
  });
});

it('denies on "Allow everything + Deny NotResource profile", which it cannot evaluate (IAM: deny everything but profile)', () => {
  const notResource = { Effect: 'Deny', Action: 'execute-api:Invoke', NotResource: PROFILE };
  for (const arn of [USERS, PROFILE]) {
    expect(decide(arn, allowAll, notResource)).toEqual({
      decision: 'explicit-deny',
      unsupported: [
        { index: 1, effect: 'Deny', problems: ['NotResource', 'Resource'], treatedAs: 'denies-everything' },
      ],
    });
  }
});

it.each([
  ['NotAction', { Effect: 'Allow', NotAction: 's3:*', Resource: '*' }, ['NotAction', 'Action']],
  [
    'a Condition',
    {
      Effect: 'Allow',
      Action: 'execute-api:Invoke',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    },
    ['Condition'],
  ],
  ['a Principal', { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: '*' }, ['Principal']],
  [
    'a lowercase action (IAM matches actions case-insensitively)',
    { Effect: 'Allow', Action: 'execute-api:invoke', Resource: '*' },
    ['Action'],
  ],
  ['a wildcard action', { Effect: 'Allow', Action: ['execute-api:Inv*'], Resource: '*' }, ['Action']],
  ['no Resource', { Effect: 'Allow', Action: 'execute-api:Invoke' }, ['Resource']],
  ['an empty Resource list', { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [] }, ['Resource']],
])('grants nothing from an Allow with %s', (_name, statement, problems) => {
  expect(decide(PROFILE, statement)).toEqual({
    decision: 'implicit-deny',
    unsupported: [{ index: 0, effect: 'Allow', problems, treatedAs: 'grants-nothing' }],
  });
});

it.each([
  [
    'a Condition',
    {
      Effect: 'Deny',
      Action: 'execute-api:Invoke',
      Resource: USERS,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
  ['a lowercase action', { Effect: 'Deny', Action: 'EXECUTE-API:INVOKE', Resource: USERS }],
  ['an Effect that is neither Allow nor Deny', { Effect: 'deny', Action: 'execute-api:Invoke', Resource: USERS }],
  ['a statement that is not an object', 'Deny'],
])('denies every request on a Deny-like statement with %s', (_name, statement) => {
  const { decision, unsupported } = decide(PROFILE, allowAll, statement);
  expect(decision).toBe('explicit-deny');
  expect(unsupported).toEqual([expect.objectContaining({ index: 1, treatedAs: 'denies-everything' })]);
});
