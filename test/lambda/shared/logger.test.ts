import { createLogger } from '../../../lambda/shared/logger';

it('writes one JSON object per line in the Powertools shape, with or without fields', () => {
  const lines: string[] = [];
  const logger = createLogger('svc', (line) => lines.push(line));
  logger.log('INFO', 'hello "world"', { reason: 'ALLOWED', count: 2, ok: true, missing: undefined });
  logger.log('WARN', 'no fields', {});
  logger.log('ERROR', 'only undefined', { missing: undefined });
  const entries = lines.map((line) => JSON.parse(line));
  expect(entries[0]).toEqual({ level: 'INFO', message: 'hello "world"', service: 'svc', timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), reason: 'ALLOWED', count: 2, ok: true });
  expect(entries[1]).toEqual({ level: 'WARN', message: 'no fields', service: 'svc', timestamp: expect.any(String) });
  expect(entries[2]).toEqual({ level: 'ERROR', message: 'only undefined', service: 'svc', timestamp: expect.any(String) });
});

it('never lets a failing sink throw into the caller', () => {
  const logger = createLogger('svc', () => {
    throw new Error('disk full');
  });
  expect(() => logger.log('INFO', 'x', {})).not.toThrow();
});

it('adds bound fields to every line of a derived logger, without changing the original', () => {
  const lines: string[] = [];
  const logger = createLogger('svc', (line) => lines.push(line));
  const scoped = logger.withFields({ requestId: 'r-1' }).withFields({ actor: 'a' });
  scoped.log('INFO', 'one', { requestId: 'own wins', extra: 1 });
  logger.log('INFO', 'two', {});
  const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(first).toMatchObject({ message: 'one', requestId: 'own wins', actor: 'a', extra: 1 });
  expect(second).not.toHaveProperty('requestId');
});
