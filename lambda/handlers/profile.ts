/** GET /api/profile: the caller, as the authorizer verified them. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createBackend, type BackendDefinition } from '../shared/backend';
import { json, type ProxyResult } from '../shared/http';

export const profileBackend: BackendDefinition<Record<string, never>> = {
  service: 'profile',
  init: () => ({}),
  handle: (event) => Promise.resolve(profile(event)),
};

function profile(event: APIGatewayProxyEvent): ProxyResult {
  const context: Record<string, unknown> = event.requestContext.authorizer ?? {};
  const text = (name: string): string => {
    const value = context[name];
    return typeof value === 'string' ? value : '';
  };
  const groups = text('groups');
  return json(200, {
    sub: text('sub') || text('principalId'),
    username: text('username'),
    groups: groups ? groups.split(',') : [],
    primaryGroup: text('primaryGroup') || null,
    clientId: text('clientId'),
    tokenUse: text('tokenUse'),
  });
}

export const handler = createBackend(profileBackend);
