import fc from 'fast-check';
import { createDecisionLog } from '../../../lambda/authorizer/decision-log';
import { DECISION_LINE } from '../../../lib/contracts/decision-log';
import { createLogger } from '../../../lambda/shared/logger';

const lines: string[] = [];
const log = createDecisionLog((line) => lines.push(line));
beforeEach(() => (lines.length = 0));

it('writes the logger shape with the decision fields in a fixed order, as one JSON object per line', () => {
  log.decided({
    allowed: true,
    sub: 'sub-1',
    groups: 'admin-group,user-group',
    route: 'GET /api/profile',
    requestId: 'req-1',
  });
  log.decided({ allowed: false, sub: 'sub-2', groups: '', route: 'DELETE /api/admin/users/u-7', requestId: undefined });
  expect(lines.map((line) => JSON.parse(line))).toEqual([
    {
      level: 'INFO',
      message: 'authorization decision',
      service: 'authorizer',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
      requestId: 'req-1',
      decision: 'allow',
      reason: 'ALLOWED',
      sub: 'sub-1',
      groups: 'admin-group,user-group',
      route: 'GET /api/profile',
    },
    {
      level: 'INFO',
      message: 'authorization decision',
      service: 'authorizer',
      timestamp: expect.any(String),
      decision: 'deny',
      reason: 'GROUP_NOT_ALLOWED',
      sub: 'sub-2',
      groups: '',
      route: 'DELETE /api/admin/users/u-7',
    },
  ]);
  for (const line of lines) expect(line).not.toContain('\n');
  // The monitoring's queries read fields by name; the order is still the one documented.
  expect(Object.keys(JSON.parse(lines[0]))).toEqual([
    'level',
    'message',
    'service',
    'timestamp',
    'requestId',
    'decision',
    'reason',
    'sub',
    'groups',
    'route',
  ]);
});

it('writes a decision byte for byte as the logger writes the same fields, whatever the strings hold', () => {
  // Every UTF-16 unit, lone surrogates and controls included: the line is written by hand, not by JSON.stringify.
  const unit = fc.oneof(
    fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\ud800', '\udfff', '\u2028'),
    fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    fc.string({ minLength: 1, maxLength: 8 }),
  );
  const text = fc.string({ unit, maxLength: 12 });
  const decision = fc.record({
    allowed: fc.boolean(),
    unchecked: fc.boolean(),
    sub: text,
    groups: text,
    route: text,
    requestId: fc.option(text, { nil: undefined }),
    machine: fc.option(fc.record({ clientId: text, scopes: text }), { nil: undefined }),
  });
  const written: string[] = [];
  const reference = createLogger(DECISION_LINE.service, (line) => written.push(line));
  const withoutTime = (line: string) => line.replace(/"timestamp":"[^"]*"/, '"timestamp":""');
  fc.assert(
    fc.property(decision, (decided) => {
      lines.length = 0;
      written.length = 0;
      log.decided(decided);
      const { allowed, unchecked, sub, groups, route, requestId, machine } = decided;
      const denied = machine ? 'SCOPE_NOT_ALLOWED' : 'GROUP_NOT_ALLOWED';
      reference.log(unchecked ? 'WARN' : 'INFO', DECISION_LINE.message, {
        requestId,
        decision: allowed ? 'allow' : 'deny',
        reason: !allowed ? denied : unchecked ? 'ALLOWED_UNCHECKED' : 'ALLOWED',
        sub,
        groups,
        client_id: machine?.clientId,
        scopes: machine?.scopes,
        route,
      });
      expect(withoutTime(lines[0])).toBe(withoutTime(written[0]));
    }),
    { numRuns: 2000 },
  );
});

it('escapes whatever the caller controls (the path, and claims of a verified token)', () => {
  const hostile = 'x"},"decision":"allow\n\u2028\\';
  log.decided({ allowed: false, sub: hostile, groups: hostile, route: `GET /${hostile}`, requestId: hostile });
  log.unauthorized({ reason: 'MALFORMED_TOKEN', detail: hostile, route: `GET /${hostile}`, requestId: hostile });
  const [denied, rejected] = lines.map((line) => JSON.parse(line));
  expect(denied).toMatchObject({
    decision: 'deny',
    sub: hostile,
    groups: hostile,
    route: `GET /${hostile}`,
    requestId: hostile,
  });
  expect(rejected).toMatchObject({
    decision: 'unauthorized',
    reason: 'MALFORMED_TOKEN',
    detail: hostile,
    route: `GET /${hostile}`,
  });
});

it('logs rejections as WARN, internal and configuration errors as ERROR, with the detail cut to 200 characters', () => {
  log.unauthorized({ reason: 'EXPIRED', detail: 'x'.repeat(500), route: undefined, requestId: 'req-2' });
  log.unauthorized({ reason: 'INTERNAL_ERROR', detail: 'boom', route: 'GET /api/profile', requestId: undefined });
  log.unauthorized({ reason: 'CONFIG_ERROR', detail: 'no pool', route: undefined, requestId: undefined });
  const entries = lines.map((line) => JSON.parse(line));
  expect(entries.map((entry) => entry.level)).toEqual(['WARN', 'ERROR', 'ERROR']);
  expect(entries[0].detail).toHaveLength(200);
  expect(entries[0]).not.toHaveProperty('route');
});

it('never lets a failing sink throw into the decision', () => {
  const failing = createDecisionLog(() => {
    throw new Error('disk full');
  });
  expect(() => failing.decided({ allowed: true, sub: 's', groups: '', route: 'GET /', requestId: 'r' })).not.toThrow();
  expect(() =>
    failing.unauthorized({ reason: 'EXPIRED', detail: 'd', route: undefined, requestId: undefined }),
  ).not.toThrow();
});
