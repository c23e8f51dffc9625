/** GET /api/profile: the caller, as the authorizer verified them. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { json, type ProxyResult } from '../shared/http';

export async function handler(event: APIGatewayProxyEvent): Promise<ProxyResult> {
  const context = (event.requestContext.authorizer ?? {}) as Record<string, unknown>;
  const text = (name: string): string => (typeof context[name] === 'string' ? (context[name] as string) : '');
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
