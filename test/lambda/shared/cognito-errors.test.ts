/** Cognito's SDK errors (the real exception classes) become clear HTTP answers, never a 500. */
import {
  InvalidParameterException,
  NotAuthorizedException,
  TooManyRequestsException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoErrorResult } from '../../../lambda/shared/cognito-errors';
import { createLogger } from '../../../lambda/shared/logger';

const lines: string[] = [];
const logger = createLogger('test', (line) => lines.push(line));
const metadata = { $metadata: {} };

it.each([
  [new TooManyRequestsException({ message: 'slow down', ...metadata }), 429],
  [new UserNotFoundException({ message: 'no such user', ...metadata }), 404],
  [new InvalidParameterException({ message: 'bad', ...metadata }), 400],
  [new NotAuthorizedException({ message: 'no', ...metadata }), 401],
  [new Error('socket hang up'), 502],
  ['not even an error', 502],
])('maps %s to %i with a JSON message', (error, status) => {
  const result = cognitoErrorResult(error, logger, 'Operation');
  expect(result.statusCode).toBe(status);
  expect(JSON.parse(result.body).message).toEqual(expect.any(String));
  expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ operation: 'Operation', status });
});

it('lets a route override the meaning of an error (unknown user on login is a 401, not a 404)', () => {
  const result = cognitoErrorResult(new UserNotFoundException({ message: 'x', ...metadata }), logger, 'Login', {
    UserNotFoundException: [401, 'Incorrect username or password'],
  });
  expect([result.statusCode, JSON.parse(result.body).message]).toEqual([401, 'Incorrect username or password']);
});
