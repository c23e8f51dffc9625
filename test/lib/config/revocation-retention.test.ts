/** The revocation numbers that follow from the config: how long items are kept, and how long a revoked token can pass. */
import { configFor, type AppConfig } from '../../../lib/config/app-config';
import {
  revocationBoundSeconds,
  revocationRetention,
  revocationRetentionSeconds,
} from '../../../lib/config/revocation-retention';
import { revocationExpiresAt } from '../../../lib/contracts/revocation-items';

const dev = configFor('dev');

describe('retention and bound', () => {
  const with_ = (changes: {
    tokens?: Partial<AppConfig['tokens']>;
    authorizer?: Partial<AppConfig['authorizer']>;
    revocation?: Partial<AppConfig['revocation']>;
  }): AppConfig => ({
    ...dev,
    tokens: { ...dev.tokens, ...changes.tokens },
    authorizer: { ...dev.authorizer, ...changes.authorizer },
    revocation: { ...dev.revocation, ...changes.revocation },
  });

  it('keep a revocation as long as the longest token it may cover lives, plus the clock skew', () => {
    expect(revocationRetentionSeconds(dev)).toBe(60 * 60 + 5);
    // ID tokens count only when the authorizer accepts them.
    expect(revocationRetentionSeconds(with_({ tokens: { idTokenMinutes: 120 } }))).toBe(3605);
    expect(
      revocationRetentionSeconds(with_({ tokens: { idTokenMinutes: 120 }, authorizer: { acceptIdTokens: true } })),
    ).toBe(7205);
  });

  it("keep a user's cut-off as long as a refresh token lives (it refuses them too), sessions one token window", () => {
    expect(revocationRetention(dev)).toEqual({ tokenSeconds: 3605, userSeconds: 30 * 86_400 + 5 });
    expect(revocationRetention(with_({ tokens: { refreshTokenDays: 1 } }))).toEqual({
      tokenSeconds: 3605,
      userSeconds: 86_405,
    });
    const retention = revocationRetention(dev);
    expect(revocationExpiresAt('session', 1_700_000_000_123, retention)).toBe(1_700_000_001 + 3605);
    expect(revocationExpiresAt('user', 1_700_000_000_123, retention)).toBe(1_700_000_001 + 30 * 86_400 + 5);
  });

  it('bound a revoked token to the authorizer cache TTL plus the refresh interval: at most 60 s by default', () => {
    expect(revocationBoundSeconds(dev)).toBe(dev.authorizer.resultsCacheTtlSeconds + dev.revocation.refreshSeconds);
    expect(revocationBoundSeconds(dev)).toBeLessThanOrEqual(60);
    expect(revocationBoundSeconds(with_({ revocation: { enabled: false } }))).toBeUndefined();
  });
});
