/** The revocation store's contract: items written and read back, the session key of both token shapes, how long an item counts. */
import {
  fromRevocationItem,
  revocationId,
  sessionIdOf,
  tokenRelevantUntil,
  toRevocationItem,
  type Revocation,
} from '../../../lib/contracts/revocation-items';

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

describe('how long an item affects tokens', () => {
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
});
