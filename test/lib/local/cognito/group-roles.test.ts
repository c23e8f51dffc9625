/** The role claims of a user's groups, as Cognito puts them in ID tokens. */
import { roleClaims } from '../../../../lib/local/cognito/group-roles';

const ADMIN = 'arn:aws:iam::000000000000:role/admin';
const REVIEWER = 'arn:aws:iam::000000000000:role/reviewer';
const USER = 'arn:aws:iam::000000000000:role/user';

it('names every role and prefers the role of the lowest precedence number', () => {
  expect(
    roleClaims([
      { RoleArn: USER, Precedence: 3 },
      { RoleArn: REVIEWER, Precedence: 2 },
    ]),
  ).toEqual({ 'cognito:roles': [USER, REVIEWER], 'cognito:preferred_role': REVIEWER });
});

it('prefers no role when the best precedence is shared by groups with different roles', () => {
  const claims = roleClaims([
    { RoleArn: ADMIN, Precedence: 1 },
    { RoleArn: REVIEWER, Precedence: 1 },
    { RoleArn: USER, Precedence: 3 },
  ]);
  expect(claims['cognito:roles']).toEqual([ADMIN, REVIEWER, USER]);
  expect(claims).not.toHaveProperty('cognito:preferred_role');
});

it('prefers the shared role when the groups of the best precedence have the same role', () => {
  expect(
    roleClaims([
      { RoleArn: ADMIN, Precedence: 1 },
      { RoleArn: ADMIN, Precedence: 1 },
    ]),
  ).toEqual({ 'cognito:roles': [ADMIN], 'cognito:preferred_role': ADMIN });
});

it('ranks a group without precedence after every group with one', () => {
  expect(roleClaims([{ RoleArn: ADMIN }, { RoleArn: USER, Precedence: 9 }])['cognito:preferred_role']).toBe(USER);
});

it('has no role claims for no group, or for groups without roles', () => {
  expect(roleClaims([])).toEqual({});
  expect(roleClaims([{ Precedence: 1 }])).toEqual({});
});
