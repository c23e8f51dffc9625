/** The request parsers of the reviews API: If-Match, list queries, the caller. */
import fc from 'fast-check';
import { callerOf, parseIfMatch, parseListQuery } from '../../../lambda/reviews/input';
import { encodeCursor } from '../../../lambda/reviews/cursor';
import { isResult } from '../../../lambda/shared/http';
import { proxyEvent } from '../../support/proxy-event';

const ifMatch = (value: string | undefined, name = 'If-Match') =>
  parseIfMatch(proxyEvent('PUT', '/api/reviews/{id}', { headers: value === undefined ? {} : { [name]: value } }));

describe('parseIfMatch', () => {
  it.each([
    ['"3"', { kind: 'versions', versions: [3] }],
    [' "3" , "5" ', { kind: 'versions', versions: [3, 5] }],
    ['*', { kind: 'any' }],
    ['W/"3"', { kind: 'versions', versions: [] }],
    ['"abc", "7"', { kind: 'versions', versions: [7] }],
    ['"0"', { kind: 'versions', versions: [] }],
    ['"1234567890123456"', { kind: 'versions', versions: [] }],
  ])('%s → %j', (value, expected) => {
    expect(ifMatch(value)).toEqual(expected);
  });

  it('is absent without the header, and finds it in any letter case', () => {
    expect(ifMatch(undefined)).toBeUndefined();
    expect(ifMatch('"2"', 'if-match')).toEqual({ kind: 'versions', versions: [2] });
    expect(ifMatch('"2"', 'IF-MATCH')).toEqual({ kind: 'versions', versions: [2] });
  });

  it('joins repeated headers as one list', () => {
    const event = { ...proxyEvent('PUT', '/api/reviews/{id}'), multiValueHeaders: { 'If-Match': ['"1"', '"4"'] } };
    expect(parseIfMatch(event)).toEqual({ kind: 'versions', versions: [1, 4] });
  });

  it.each(['3', '"3",', ',"3"', '"3" "4"', '"3', 'W/3', '  ', Array(22).fill('"1"').join(',')])(
    'refuses %j with 400',
    (value) => {
      expect(isResult(ifMatch(value))).toBe(true);
    },
  );

  it('never throws, and either answers 400 or yields positive integer versions', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (value) => {
        const parsed = ifMatch(value);
        if (parsed === undefined || isResult(parsed) || parsed.kind === 'any') return;
        for (const version of parsed.versions) expect(Number.isInteger(version) && version > 0).toBe(true);
      }),
    );
  });
});

describe('parseListQuery', () => {
  const query = (parameters: Record<string, string> | null) => parseListQuery({ queryStringParameters: parameters });

  it('defaults to 20 and takes 1 to 100', () => {
    expect(query(null)).toEqual({ limit: 20 });
    expect(query({ limit: '1' })).toEqual({ limit: 1 });
    expect(query({ limit: '100' })).toEqual({ limit: 100 });
    expect(query({ limit: '007' })).toEqual({ limit: 7 });
  });

  it('decodes a cursor it issued', () => {
    const position = { id: 'r-1', createdKey: '2030-01-01T00:00:00.000Z#r-1' };
    expect(query({ next: encodeCursor(position) })).toEqual({ limit: 20, after: position });
  });
});

describe('callerOf', () => {
  it('takes sub (else principalId) as owner and the username (else sub) for display', () => {
    const context = (authorizer: Record<string, string>) => proxyEvent('GET', '/api/reviews', { authorizer });
    expect(callerOf(context({ sub: 's', username: 'u' }))).toEqual({ sub: 's', username: 'u' });
    expect(callerOf(context({ principalId: 'p' }))).toEqual({ sub: 'p', username: 'p' });
    expect(callerOf(context({ username: 'u' }))).toBeUndefined();
    expect(callerOf(proxyEvent('GET', '/api/reviews'))).toBeUndefined();
  });
});
