/**
 * The refresh token cookie `/auth/token` sets for browser apps: HttpOnly (page scripts never see
 * it), Secure, SameSite=Strict, and sent only to the auth routes (`<stage>/auth`), where
 * `/auth/refresh` uses it and `/auth/logout` revokes and clears it.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerValue } from '../shared/http';

export const REFRESH_COOKIE = 'refresh_token';

/** `<stage>/auth` from the path the request came in on (e.g. `/v1/auth/token` → `/v1/auth`). */
function cookiePath(event: APIGatewayProxyEvent): string {
  const path = event.requestContext.path ?? event.path;
  return path.replace(/\/auth\/[^/]*$/, '/auth');
}

export function setRefreshCookie(event: APIGatewayProxyEvent, refreshToken: string, days: number): string {
  return `${REFRESH_COOKIE}=${refreshToken}; HttpOnly; Secure; SameSite=Strict; Path=${cookiePath(event)}; Max-Age=${days * 86400}`;
}

/** Tells the browser to drop the cookie (same name, path and attributes, no value, Max-Age 0). */
export function clearRefreshCookie(event: APIGatewayProxyEvent): string {
  return `${REFRESH_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=${cookiePath(event)}; Max-Age=0`;
}

/** The refresh token the browser sent in the cookie, if any. */
export function refreshCookieFrom(event: APIGatewayProxyEvent): string | undefined {
  for (const part of headerValue(event, 'cookie')?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === REFRESH_COOKIE && value.length > 0 && value.join('=') !== '') return value.join('=');
  }
  return undefined;
}
