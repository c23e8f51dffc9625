/** Mixed traffic for load runs and the gateway benchmark: every protected route, several caller kinds. */
export const MIXED_ROUTES: ReadonlyArray<readonly [method: string, path: string]> = [
  ['GET', '/api/profile'],
  ['GET', '/api/admin/users'],
  ['DELETE', '/api/admin/users/u-7'],
  ['POST', '/api/reviews'],
  ['PUT', '/api/reviews/r-3'],
];

/** Callers by group set; `undefined` is a user in no group, `admin-group ` a look-alike that grants nothing. */
export const CALLER_GROUPS: ReadonlyArray<string[] | undefined> = [
  ['admin-group'],
  ['reviewers-group'],
  ['user-group'],
  ['reviewers-group', 'user-group'],
  undefined,
  ['admin-group '],
];
