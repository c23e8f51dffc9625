/**
 * A set that can only say "certainly not here" or "perhaps": one bit per fingerprint of a key's
 * length and last six characters (64 Kbit, 8 KB). The revocation check asks it before its Map
 * lookups because the keys it looks up are fresh strings on every request (the token's `sub` and
 * session id, just parsed), and V8 computes a string's hash on its first lookup: the two lookups
 * cost more than the rest of the check (bench/README.md). Most tokens are not revoked, and their bits are clear.
 */
const BITS = 1 << 16;

export interface KeyFilter {
  /** False: the key was not added since the last `rebuild`. True: it may have been. */
  mayHave(key: string): boolean;
  /** Forgets every key and adds these (the revocation maps after each pull). */
  rebuild(keys: Iterable<string>): void;
}

export function createKeyFilter(): KeyFilter {
  const words = new Uint32Array(BITS / 32);
  return {
    mayHave(key) {
      const bit = fingerprint(key);
      return (words[bit >>> 5] & (1 << (bit & 31))) !== 0;
    },
    rebuild(keys) {
      words.fill(0);
      for (const key of keys) {
        const bit = fingerprint(key);
        words[bit >>> 5] |= 1 << (bit & 31);
      }
    },
  };
}

/** FNV-1a over the length and the last six characters (Cognito's `sub` and `jti` are UUIDs: 24 bits of hex there), folded to 16 bits. */
function fingerprint(key: string): number {
  let hash = Math.imul(0x811c9dc5 ^ key.length, 0x01000193);
  for (let i = Math.max(0, key.length - 6); i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash ^ (hash >>> 16)) & (BITS - 1);
}
