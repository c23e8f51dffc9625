/** The `next` cursor: what it encodes comes back, anything else is refused, nothing throws. */
import fc from 'fast-check';
import { createdKeyOf, decodeCursor, encodeCursor } from '../../../lambda/reviews/cursor';

const positions = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    fc.date({ min: new Date('2000-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }),
  )
  .map(([id, date]) => ({ id, createdKey: createdKeyOf(date.toISOString(), id) }));

it('decodes every cursor it encodes to the same position, and the cursor is URL-safe', () => {
  fc.assert(
    fc.property(positions, (position) => {
      const cursor = encodeCursor(position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor)).toEqual(position);
    }),
  );
});

it('refuses arbitrary text without throwing', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => expect(decodeCursor(text)).toBeUndefined()));
});

it('refuses a cursor whose creation key names another review', () => {
  const forged = Buffer.from(JSON.stringify({ id: 'a', createdKey: '2030-01-01T00:00:00.000Z#b' })).toString(
    'base64url',
  );
  expect(decodeCursor(forged)).toBeUndefined();
});
