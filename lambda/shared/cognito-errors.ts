/**
 * Cognito's client errors as clear HTTP answers. Backends never answer bad input with a 500:
 * only a failure of Cognito itself (or something unforeseen) is a 502.
 */
import type { ProxyResult } from './http';
import { json } from './http';
import type { Logger } from './logger';

const BY_ERROR_NAME: Readonly<Record<string, [number, string]>> = {
  NotAuthorizedException: [401, 'Incorrect username or password'],
  UserNotFoundException: [404, 'User not found'],
  UserNotConfirmedException: [403, 'User is not confirmed'],
  PasswordResetRequiredException: [403, 'Password reset required'],
  InvalidParameterException: [400, 'Invalid parameter'],
  TooManyRequestsException: [429, 'Too many requests: retry later'],
  LimitExceededException: [429, 'Limit exceeded: retry later'],
};

/** Maps an error from the Cognito SDK; `overrides` adapts codes per route (e.g. unknown user on login is 401). */
export function cognitoErrorResult(
  error: unknown,
  logger: Logger,
  operation: string,
  overrides: Readonly<Record<string, [number, string]>> = {},
): ProxyResult {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const mapped = overrides[name] ?? BY_ERROR_NAME[name];
  logger.log(mapped ? 'WARN' : 'ERROR', 'cognito call failed', { operation, error: name, status: mapped?.[0] ?? 502 });
  return mapped ? json(mapped[0], { message: mapped[1] }) : json(502, { message: 'Identity service unavailable' });
}
