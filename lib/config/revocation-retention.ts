/**
 * The revocation numbers that follow from the config: how long the store keeps each kind of item
 * (written into the functions' environment, lib/config/function-environment.ts) and how long a
 * revoked token can still pass (docs/revocation.md). The items themselves: lib/contracts/revocation-items.ts.
 */
import type { RevocationRetention } from '../contracts/revocation-items';
import type { AppConfig } from './app-config';

/**
 * How long a revocation can still reject an access token: the longest lifetime of a token the
 * authorizer accepts from this pool (access tokens, machine clients' too; ID tokens too if accepted)
 * plus the clock skew. After that, every token it covers has expired anyway.
 */
export function revocationRetentionSeconds(config: AppConfig): number {
  const { accessTokenMinutes, idTokenMinutes } = config.tokens;
  const longestMinutes = Math.max(
    accessTokenMinutes,
    config.authorizer.acceptIdTokens ? idTokenMinutes : 0,
    ...config.machineClients.map((machine) => machine.accessTokenMinutes),
  );
  return longestMinutes * 60 + config.authorizer.clockSkewSeconds;
}

export function revocationRetention(config: AppConfig): RevocationRetention {
  const tokenSeconds = revocationRetentionSeconds(config);
  const refreshSeconds = config.tokens.refreshTokenDays * 86_400 + config.authorizer.clockSkewSeconds;
  return { tokenSeconds, userSeconds: Math.max(tokenSeconds, refreshSeconds) };
}

/**
 * How long a revoked token can still pass, at most, once its revocation is recorded: an Allow that
 * API Gateway cached just before lives for the cache TTL, and an authorizer that pulled just
 * before learns of it at its next pull (plus the feed index's propagation, typically well under a
 * second). `undefined` when the check is off: then a revoked token passes until it expires.
 */
export function revocationBoundSeconds(config: AppConfig): number | undefined {
  if (!config.revocation.enabled) return undefined;
  return config.authorizer.resultsCacheTtlSeconds + config.revocation.refreshSeconds;
}
