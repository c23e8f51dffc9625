/**
 * Step 2½: is a verified token revoked? Each warm instance keeps the live revocations in memory
 * and pulls what is new from the feed at most once per `refreshMs`, on the request that finds its
 * copy older than that (Lambda freezes an instance between requests, so nothing runs in the
 * background). Store reads therefore grow with warm instances and time, never with requests;
 * between pulls the check is two Map lookups, each skipped when a key filter rules the key out.
 *
 * A cold instance reads nothing until a verified token asks, and its first decision does not wait
 * for the whole store: it asks for the token's own two items (`lookup`, ./point-read.ts) and decides
 * from them by the same rules (on a cold start the full read, received and parsed, was most of the
 * first request's time: bench/README.md, cold_first_decision_with_revocation_ms). The next decision
 * starts the first full pull and waits for it, as every refresh is waited for: no read is ever left
 * running when a decision has been answered, because Lambda freezes the instance then, and a read
 * frozen past its time-out would fail the requests after the thaw. Without `lookup` the first
 * decision waits for the first full pull.
 *
 * A pull re-reads a short look-back window (the feed index is eventually consistent and writers'
 * clocks differ) and, every few minutes, everything still live, so a revocation the index showed
 * late is never missed for long. When the store cannot be read in time the check fails closed
 * (`REVOCATION_UNAVAILABLE`), or lets the token pass unchecked with `failOpen`; after a failed
 * read (full, incremental or point) the next one waits a second, so a store outage does not turn
 * into a read per request.
 */
import { tokenRelevantUntil, type Revocation } from '../../lib/contracts/revocation-items';
import { createKeyFilter } from './key-filter';
import { TokenRejectedError } from '../token/reasons';
import type { RevocationFeed } from './feed';
import type { RevocationLookup } from './point-read';

export interface RevocationSettings {
  /** At most this old, the in-memory copy answers without a read (0: read for every decision). */
  readonly refreshMs: number;
  /**
   * How long a revocation can affect a token (lib/config/revocation-retention.ts › revocationRetentionSeconds):
   * a full pull reads this far back, and an entry is kept no longer after it was recorded, however
   * long the store keeps it (a user's cut-off lives a refresh-token lifetime there).
   */
  readonly retentionSeconds: number;
  /** When the store cannot be read: true lets verified tokens pass unchecked, false rejects them. */
  readonly failOpen: boolean;
}

/** What the check needs from a verified token. */
export interface TokenSession {
  readonly sub: string;
  /** `iat`, epoch seconds. */
  readonly issuedAt: number;
  readonly sessionId: string | undefined;
}

/** `current`: not revoked. `unchecked`: the store could not be read and `failOpen` let it pass. */
export type RevocationVerdict = 'current' | 'unchecked';

export interface RevocationCheck {
  /** Answers from memory while the copy is fresh, else after a pull (a cold instance's first decision: after a point read). Rejects with TokenRejectedError `REVOKED` or `REVOCATION_UNAVAILABLE`. */
  check(token: TokenSession): Promise<RevocationVerdict>;
}

/** Re-read on every pull: the feed index's propagation and the writers' clocks stay within it. */
export const LOOKBACK_MS = 30_000;
/** Everything live is read again this often (and on the first pull). */
export const FULL_RELOAD_MS = 10 * 60_000;
/** After a failed read, the next waits this long; requests in between fail (or pass) at once. */
export const RETRY_AFTER_FAILURE_MS = 1000;

interface UserCutOff {
  readonly before: number;
  readonly expiresAt: number;
}

/**
 * `store.lookup`, when given, answers a cold instance's first decision (the token's own items);
 * without it that decision waits for the first full pull.
 */
export function createRevocationCheck(
  settings: RevocationSettings,
  store: RevocationFeed & Partial<RevocationLookup>,
  now: () => number = Date.now,
): RevocationCheck {
  const copy = createRevocationCopy(settings.retentionSeconds);
  let pulledAt = -Infinity;
  let fullAt = -Infinity;
  let failedAt = -Infinity;
  let failure = '';
  let pending: { readonly startedAt: number; readonly done: Promise<boolean> } | undefined;
  /** A point read has answered: from now on decisions wait for the copy (the first full pull, then refreshes). */
  let ownItemsRead = false;

  const failed = (error: unknown): void => {
    failedAt = now();
    failure = error instanceof Error ? error.message : 'Revocation store read failed';
  };

  const pull = async (startedAt: number): Promise<boolean> => {
    const full = startedAt - fullAt >= FULL_RELOAD_MS;
    const sinceMs = full ? startedAt - settings.retentionSeconds * 1000 : pulledAt - LOOKBACK_MS;
    try {
      const page = await store.since(sinceMs);
      if (full) fullAt = startedAt;
      copy.apply(page.revocations, now() / 1000, full);
      pulledAt = Math.max(pulledAt, startedAt);
      return true;
    } catch (error) {
      failed(error);
      return false;
    }
  };

  const unavailable = (): RevocationVerdict => {
    if (settings.failOpen) return 'unchecked';
    throw new TokenRejectedError('REVOCATION_UNAVAILABLE', failure);
  };
  const verdict = (token: TokenSession, nowMs: number): RevocationVerdict => verdictFor(copy.isRevoked(token, nowMs));

  const startPull = (startedAt: number): Promise<boolean> => {
    const current = { startedAt, done: pull(startedAt) };
    pending = current;
    void current.done.finally(() => {
      if (pending === current) pending = undefined;
    });
    return current.done;
  };

  /** Waits for a pull that started recently enough for this request (joining one in flight), then decides. */
  const refreshThenCheck = async (token: TokenSession, arrivedAt: number): Promise<RevocationVerdict> => {
    const joinable = pending && pending.startedAt >= arrivedAt - settings.refreshMs ? pending.done : undefined;
    if (!joinable && arrivedAt - failedAt < RETRY_AFTER_FAILURE_MS) return unavailable();
    return (await (joinable ?? startPull(arrivedAt))) ? verdict(token, now()) : unavailable();
  };

  /** A cold instance's first decision: the token's own items decide, by the copy's rules. */
  const lookUpThenCheck = async (own: Promise<OwnItems>, token: TokenSession): Promise<RevocationVerdict> => {
    let revocations: OwnItems;
    try {
      revocations = await own;
    } catch (error) {
      failed(error);
      return unavailable();
    }
    ownItemsRead = true;
    const nowSeconds = now() / 1000;
    return verdictFor(
      revocations.some((revocation) => revokes(revocation, token, settings.retentionSeconds, nowSeconds)),
    );
  };

  return {
    async check(token) {
      const nowMs = now();
      // One clock read per decision, shared by the freshness test and the entries' expiry.
      if (nowMs - pulledAt < settings.refreshMs) return verdict(token, nowMs);
      const { lookup } = store;
      if (ownItemsRead || !lookup) return refreshThenCheck(token, nowMs);
      return nowMs - failedAt < RETRY_AFTER_FAILURE_MS
        ? unavailable()
        : lookUpThenCheck(lookup.call(store, token), token);
    },
  };
}

/** The live revocations an instance holds: sessions by id, users' cut-offs by sub. */
function createRevocationCopy(retentionSeconds: number) {
  const sessions = new Map<string, number>();
  const users = new Map<string, UserCutOff>();
  const sessionKeys = createKeyFilter();
  const userKeys = createKeyFilter();
  return {
    isRevoked(token: TokenSession, nowMs: number): boolean {
      const nowSeconds = nowMs / 1000;
      const user = userKeys.mayHave(token.sub) ? users.get(token.sub) : undefined;
      if (user !== undefined && token.issuedAt < user.before && user.expiresAt >= nowSeconds) return true;
      if (token.sessionId === undefined || !sessionKeys.mayHave(token.sessionId)) return false;
      const expiresAt = sessions.get(token.sessionId);
      return expiresAt !== undefined && expiresAt >= nowSeconds;
    },
    /** Adds what a pull read (`replace`: a full pull, which replaces everything) and drops what has expired. */
    apply(revocations: readonly Revocation[], nowSeconds: number, replace: boolean): void {
      if (replace) {
        sessions.clear();
        users.clear();
      }
      for (const revocation of revocations) {
        const until = tokenRelevantUntil(revocation, retentionSeconds);
        if (until < nowSeconds) continue;
        if (revocation.kind === 'session') sessions.set(revocation.sessionId, until);
        else if ((users.get(revocation.sub)?.before ?? -Infinity) < revocation.revokedBefore)
          users.set(revocation.sub, { before: revocation.revokedBefore, expiresAt: until });
      }
      for (const [id, expiresAt] of sessions) if (expiresAt < nowSeconds) sessions.delete(id);
      for (const [sub, user] of users) if (user.expiresAt < nowSeconds) users.delete(sub);
      sessionKeys.rebuild(sessions.keys());
      userKeys.rebuild(users.keys());
    },
  };
}

type OwnItems = readonly Revocation[];

function verdictFor(revoked: boolean): RevocationVerdict {
  if (revoked) throw new TokenRejectedError('REVOKED', 'Token was revoked');
  return 'current';
}

/** Whether one revocation, read for this token alone, rejects it (the rules the copy's isRevoked applies). */
function revokes(revocation: Revocation, token: TokenSession, retentionSeconds: number, nowSeconds: number): boolean {
  return (
    tokenRelevantUntil(revocation, retentionSeconds) >= nowSeconds &&
    (revocation.kind === 'session'
      ? revocation.sessionId === token.sessionId
      : revocation.sub === token.sub && token.issuedAt < revocation.revokedBefore)
  );
}
