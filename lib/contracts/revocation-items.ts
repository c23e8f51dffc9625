/**
 * The revocation store's contract, shared by its writers (POST /auth/logout, DELETE
 * /api/admin/users/{id}), its reader (the authorizer) and the local system. One item per revoked
 * session (`session#<session id>`) and one per user signed out (`user#<sub>`: every token issued
 * before `revokedBefore` is revoked). Every item sits in the feed index (lib/contracts/tables.ts),
 * sorted by when it was written, and expires once no token it covers can still be valid.
 *
 * Must stay free of aws-cdk-lib and AWS SDK imports: the authorizer bundles it.
 */
import { REVOCATION_FEED, TABLES } from './tables';

/** Every token of one session: Cognito's `origin_jti` (the emulator's tokens: their own `jti`). */
export interface SessionRevocation {
  readonly kind: 'session';
  readonly sessionId: string;
  readonly sub: string;
  /** When it was recorded, epoch milliseconds (the feed's sort key). */
  readonly revokedAt: number;
  /** Epoch seconds after which no token it covers can be valid (the table's TTL attribute). */
  readonly expiresAt: number;
}

/** Every token of one user issued (`iat`) before `revokedBefore`: global sign-out, a deleted user. */
export interface UserRevocation {
  readonly kind: 'user';
  readonly sub: string;
  /** Epoch seconds; tokens with `iat` below it are revoked. */
  readonly revokedBefore: number;
  readonly revokedAt: number;
  readonly expiresAt: number;
}

export type Revocation = SessionRevocation | UserRevocation;

/** The attribute names of an item (the keys come from the table definition). */
export const REVOCATION_ATTRIBUTES = {
  id: TABLES.revocations.partitionKey.name,
  feedKey: REVOCATION_FEED.partitionKey.name,
  revokedAt: REVOCATION_FEED.sortKey.name,
  expiresAt: TABLES.revocations.timeToLiveAttribute,
} as const;

/** The feed's one partition: every item carries it. */
export const REVOCATION_FEED_PARTITION = 'revocations';

/** The item's key: one item per session and per user, so recording one twice overwrites it. */
export function revocationId(
  revocation: Pick<SessionRevocation, 'kind' | 'sessionId'> | Pick<UserRevocation, 'kind' | 'sub'>,
): string {
  return revocation.kind === 'session' ? `session#${revocation.sessionId}` : `user#${revocation.sub}`;
}

export type RevocationItem = Readonly<Record<string, string | number>>;

export function toRevocationItem(revocation: Revocation): RevocationItem {
  const common = {
    [REVOCATION_ATTRIBUTES.id]: revocationId(revocation),
    [REVOCATION_ATTRIBUTES.feedKey]: REVOCATION_FEED_PARTITION,
    [REVOCATION_ATTRIBUTES.revokedAt]: revocation.revokedAt,
    [REVOCATION_ATTRIBUTES.expiresAt]: revocation.expiresAt,
    kind: revocation.kind,
    sub: revocation.sub,
  };
  return revocation.kind === 'session'
    ? { ...common, sessionId: revocation.sessionId }
    : { ...common, revokedBefore: revocation.revokedBefore };
}

/** An item read back from the store, checked field by field; `undefined` for anything else (never trusted blindly). */
export function fromRevocationItem(item: Readonly<Record<string, unknown>>): Revocation | undefined {
  const { kind, sub, sessionId, revokedBefore } = item;
  const revokedAt = item[REVOCATION_ATTRIBUTES.revokedAt];
  const expiresAt = item[REVOCATION_ATTRIBUTES.expiresAt];
  if (typeof sub !== 'string' || sub === '' || !isWholeNumber(revokedAt) || !isWholeNumber(expiresAt)) return undefined;
  if (kind === 'session' && typeof sessionId === 'string' && sessionId !== '')
    return { kind, sessionId, sub, revokedAt, expiresAt };
  if (kind === 'user' && isWholeNumber(revokedBefore)) return { kind, sub, revokedBefore, revokedAt, expiresAt };
  return undefined;
}

function isWholeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The session a verified token belongs to. Cognito's access and ID tokens carry `origin_jti` when
 * token revocation is on, the same across every refresh of one sign-in; the emulator's carry none,
 * so a token's own `jti` stands in (a logout then covers that token and its refresh token, not the
 * access tokens an earlier refresh of the session issued). `undefined`: the token names no session.
 */
export function sessionIdOf(claims: { readonly origin_jti?: unknown; readonly jti?: unknown }): string | undefined {
  const { origin_jti: origin, jti } = claims;
  if (typeof origin === 'string' && origin !== '') return origin;
  return typeof jti === 'string' && jti !== '' ? jti : undefined;
}

/**
 * How long each kind of item is kept, in seconds. A session item only ever rejects access (or ID)
 * tokens, so it lives `tokenSeconds`. A user's cut-off also refuses the user's refresh tokens
 * issued before it (`POST /auth/refresh`; the local Cognito, which has no global sign-out of its
 * own), so it lives as long as a refresh token can: the refresh-token lifetime plus the skew. The
 * authorizer still keeps and reloads an item only while it can affect a token (`tokenRelevantUntil`).
 */
export interface RevocationRetention {
  readonly tokenSeconds: number;
  readonly userSeconds: number;
}

/** The TTL attribute (epoch seconds) of an item of `kind` recorded at `revokedAtMs`. */
export function revocationExpiresAt(
  kind: Revocation['kind'],
  revokedAtMs: number,
  retention: RevocationRetention,
): number {
  return Math.ceil(revokedAtMs / 1000) + (kind === 'user' ? retention.userSeconds : retention.tokenSeconds);
}

/**
 * Until when (epoch seconds) a revocation can still reject an access or ID token: a token it
 * covers was issued before it was recorded (a sign-out's cut-off is the next whole second; a
 * deleted user's, one token window ahead, ends with its item's token window too), so it has
 * expired `tokenSeconds` after `revokedAt`. The authorizer keeps an entry no longer than this, and
 * its full reload reads only the items recorded within the last `tokenSeconds`: its copy stays
 * one token window of revocations, however long the store keeps user cut-offs.
 */
export function tokenRelevantUntil(revocation: Revocation, tokenSeconds: number): number {
  return Math.min(revocation.expiresAt, Math.ceil(revocation.revokedAt / 1000) + tokenSeconds);
}
