/** The revocation store's contract: items written and read back, the session key of both token shapes, retention and the bound. */
import { configFor, type AppConfig } from '../../../lib/config/app-config';
import {
  fromRevocationItem,
  revocationBoundSeconds,
  revocationId,
  revocationExpiresAt,
  revocationRetention,
  revocationRetentionSeconds,
  sessionIdOf,
  tokenRelevantUntil,
  toRevocationItem,
  type Revocation,
} from '../../../lib/config/revocation';

const dev = configFor('dev');

describe('items', () => {
  const session: Revocation = {
    kind: 'session',
    sessionId: 'jti-1',
    sub: 'sub-1',
    revokedAt: 1_700_000_000_123,
    expiresAt: 1_700_003_606,
  };
  const user: Revocation = {
    kind: 'user',
    sub: 'sub-1',
    revokedBefore: 1_700_000_001,
    revokedAt: 1_700_000_000_123,
    expiresAt: 1_700_003_606,
  };

  it('are keyed one per session and one per user, all in the feed partition, sorted by revocation time, expiring by the TTL attribute', () => {
    expect(toRevocationItem(session)).toEqual({
      id: 'session#jti-1',
      feedKey: 'revocations',
      revokedAt: 1_700_000_000_123,
      expiresAt: 1_700_003_606,
      kind: 'session',
      sub: 'sub-1',
      sessionId: 'jti-1',
    });
    expect(toRevocationItem(user)).toEqual({
      id: 'user#sub-1',
      feedKey: 'revocations',
      revokedAt: 1_700_000_000_123,
      expiresAt: 1_700_003_606,
      kind: 'user',
      sub: 'sub-1',
      revokedBefore: 1_700_000_001,
    });
    expect(revocationId({ kind: 'user', sub: 'sub-1' })).toBe('user#sub-1');
  });

  it('read back as they were written', () => {
    for (const revocation of [session, user])
      expect(fromRevocationItem(toRevocationItem(revocation))).toEqual(revocation);
  });

  it.each([
    ['an unknown kind', { ...toRevocationItem(session), kind: 'device' }],
    ['a session without its id', { ...toRevocationItem(session), sessionId: '' }],
    ['a user without a cut-off', { ...toRevocationItem(user), revokedBefore: '1700000001' }],
    ['no sub', { ...toRevocationItem(user), sub: undefined }],
    ['a fractional revocation time', { ...toRevocationItem(user), revokedAt: 1.5 }],
    ['no expiry', { ...toRevocationItem(user), expiresAt: undefined }],
  ])('refuse an item with %s (never trusted blindly)', (_name, item) => {
    expect(fromRevocationItem(item)).toBeUndefined();
  });
});

describe('the session of a token', () => {
  it("is Cognito's origin_jti, the same across every refresh of one sign-in", () => {
    expect(sessionIdOf({ origin_jti: 'origin-1', jti: 'token-1' })).toBe('origin-1');
  });

  it("is the token's own jti when there is no origin_jti (the emulator's tokens)", () => {
    expect(sessionIdOf({ jti: 'token-1' })).toBe('token-1');
    expect(sessionIdOf({ origin_jti: '', jti: 'token-1' })).toBe('token-1');
  });

  it('is none for a token with neither', () => {
    expect(sessionIdOf({})).toBeUndefined();
    expect(sessionIdOf({ origin_jti: 5, jti: null })).toBeUndefined();
  });
});

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

  it('let an item affect access tokens only one token window after it was recorded, however long it is kept', () => {
    const user: Revocation = {
      kind: 'user',
      sub: 's',
      revokedBefore: 1_700_000_001,
      revokedAt: 1_700_000_000_123,
      expiresAt: 1_700_000_001 + 30 * 86_400 + 5,
    };
    expect(tokenRelevantUntil(user, 3605)).toBe(1_700_000_001 + 3605);
    // An item that expires sooner (a shorter-lived config when it was written) ends with its expiry.
    expect(tokenRelevantUntil({ ...user, expiresAt: 1_700_000_100 }, 3605)).toBe(1_700_000_100);
  });

  it('bound a revoked token to the authorizer cache TTL plus the refresh interval: at most 60 s by default', () => {
    expect(revocationBoundSeconds(dev)).toBe(dev.authorizer.resultsCacheTtlSeconds + dev.revocation.refreshSeconds);
    expect(revocationBoundSeconds(dev)).toBeLessThanOrEqual(60);
    expect(revocationBoundSeconds(with_({ revocation: { enabled: false } }))).toBeUndefined();
  });
});
