import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { createKeyFilter } from '../../../lambda/revocation/key-filter';

/** UUID-shaped keys like Cognito's `sub` and `jti`, the same on every run. */
const uuidLike = (seed: string): string => {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

it('never rules out a key it was given (any string: empty, short, non-ASCII, long)', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 50 }), (keys) => {
      const filter = createKeyFilter();
      filter.rebuild(keys);
      return keys.every((key) => filter.mayHave(key));
    }),
  );
});

it('forgets on rebuild what it is no longer given', () => {
  const filter = createKeyFilter();
  filter.rebuild(['a-session', 'another-session']);
  filter.rebuild(['another-session']);
  expect([filter.mayHave('a-session'), filter.mayHave('another-session')]).toEqual([false, true]);
});

it('rules out nearly every UUID it was not given, with an hour of revocations loaded', () => {
  const filter = createKeyFilter();
  filter.rebuild(Array.from({ length: 1100 }, (_, i) => uuidLike(`revoked-${i}`)));
  const others = Array.from({ length: 10_000 }, (_, i) => uuidLike(`live-${i}`));
  const perhaps = others.filter((key) => filter.mayHave(key)).length;
  // 1,100 of 65,536 bits set: about 1.7 % of other keys still go on to the Map lookup.
  expect(perhaps / others.length).toBeLessThan(0.03);
});
