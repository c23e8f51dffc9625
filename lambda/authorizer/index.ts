/**
 * Lambda entry point: configuration is read once per cold start. A configuration error
 * must not become an init failure (API Gateway would answer 500), so it yields an
 * authorizer that rejects every request with reason CONFIG_ERROR.
 */
import { createAuthorizer, createFailClosedAuthorizer, type AuthorizerHandler } from './handler';
import { settingsFromEnv } from './settings';

function createFromEnvironment(): AuthorizerHandler {
  try {
    return createAuthorizer(settingsFromEnv(process.env));
  } catch (error) {
    return createFailClosedAuthorizer(error);
  }
}

export const handler = createFromEnvironment();
