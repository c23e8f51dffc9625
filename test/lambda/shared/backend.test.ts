/** The backend factory: environment read once, CONFIG_ERROR instead of an init crash, request id on every line. */
import { createBackend, type BackendDefinition } from '../../../lambda/shared/backend';
import { json } from '../../../lambda/shared/http';
import { requireEnv } from '../../../lib/contracts/runtime-env';
import { proxyEvent } from '../../support/proxy-event';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logSink: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
}

const echoTable: BackendDefinition<{ table: string }> = {
  service: 'echo',
  init: (env) => ({ table: requireEnv(env, 'TABLE_NAME') }),
  handle: (_event, deps, { logger }) => {
    logger.log('INFO', 'handled', { table: deps.table });
    return Promise.resolve(json(200, { table: deps.table }));
  },
};

it('reads the environment once, at creation, and hands it to every request', async () => {
  const env: Record<string, string> = { TABLE_NAME: 'first' };
  const handler = createBackend(echoTable, { env, logSink: capture().logSink });
  env.TABLE_NAME = 'changed later';
  for (let i = 0; i < 2; i++)
    expect(JSON.parse((await handler(proxyEvent('GET', '/x'))).body)).toEqual({ table: 'first' });
});

it('answers 500 with a CONFIG_ERROR line naming the missing variable, instead of crashing at init', async () => {
  const { lines, logSink } = capture();
  const handler = createBackend(echoTable, { env: {}, logSink });
  const result = await handler(proxyEvent('GET', '/x'), { awsRequestId: 'req-1' });
  expect([result.statusCode, JSON.parse(result.body)]).toEqual([500, { message: 'Internal server error' }]);
  expect(lines).toEqual([
    expect.objectContaining({
      level: 'ERROR',
      service: 'echo',
      reason: 'CONFIG_ERROR',
      requestId: 'req-1',
      detail: 'Environment variable TABLE_NAME is not set',
    }),
  ]);
});

it('stamps the Lambda request id on every line the handler writes', async () => {
  const { lines, logSink } = capture();
  const handler = createBackend(echoTable, { env: { TABLE_NAME: 't' }, logSink });
  await handler(proxyEvent('GET', '/x'), { awsRequestId: 'req-2' });
  expect(lines).toEqual([expect.objectContaining({ message: 'handled', requestId: 'req-2', table: 't' })]);
});

it('turns an unexpected failure into a logged 500, never a thrown error', async () => {
  const { lines, logSink } = capture();
  const failing: BackendDefinition<object> = {
    service: 'boom',
    init: () => ({}),
    handle: () => Promise.reject(new TypeError('bug')),
  };
  const result = await createBackend(failing, { env: {}, logSink })(proxyEvent('GET', '/x'), { awsRequestId: 'req-3' });
  expect(result.statusCode).toBe(500);
  expect(lines).toEqual([
    expect.objectContaining({ level: 'ERROR', reason: 'INTERNAL_ERROR', error: 'TypeError', requestId: 'req-3' }),
  ]);
});

describe('CORS on every answer (API Gateway adds none to a proxy integration’s)', () => {
  const origins = 'http://localhost:3000,https://app.example.com';
  const withOrigin = (origin?: string) => proxyEvent('GET', '/x', { headers: origin === undefined ? {} : { origin } });

  it('echoes an allowed Origin with credentials, and always varies on Origin', async () => {
    const handler = createBackend(echoTable, {
      env: { TABLE_NAME: 't', ALLOWED_ORIGINS: origins },
      logSink: () => undefined,
    });
    expect((await handler(withOrigin('https://app.example.com'))).headers).toEqual({
      'Content-Type': 'application/json',
      'Access-Control-Allow-Origin': 'https://app.example.com',
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Expose-Headers': 'ETag,Location',
      Vary: 'Origin',
    });
    for (const origin of [undefined, 'https://evil.example', 'https://app.example.com.evil.example', 'null']) {
      expect((await handler(withOrigin(origin))).headers).toEqual({
        'Content-Type': 'application/json',
        Vary: 'Origin',
      });
    }
  });

  it('carries them on a configuration error’s 500 too', async () => {
    const handler = createBackend(echoTable, { env: { ALLOWED_ORIGINS: origins }, logSink: () => undefined });
    const result = await handler(withOrigin('http://localhost:3000'));
    expect([result.statusCode, result.headers?.['Access-Control-Allow-Origin']]).toEqual([
      500,
      'http://localhost:3000',
    ]);
  });

  it('sends no CORS header when no origin is allowed', async () => {
    const handler = createBackend(echoTable, { env: { TABLE_NAME: 't' }, logSink: () => undefined });
    expect((await handler(withOrigin('http://localhost:3000'))).headers).toEqual({
      'Content-Type': 'application/json',
    });
  });
});

describe('expiry means expiry: a token that expired after the gateway cached its Allow', () => {
  const EXP = 1_700_000_000;
  const handled = jest.fn();
  const echo: BackendDefinition<object> = {
    service: 'echo',
    init: () => ({}),
    handle: () => {
      handled();
      return Promise.resolve(json(200, { ok: true }));
    },
  };
  const at = (
    seconds: number,
    env: Record<string, string> = { CLOCK_SKEW_SECONDS: '5', ALLOWED_ORIGINS: 'https://app.example.com' },
  ) => createBackend(echo, { env, logSink: () => undefined, now: () => seconds * 1000 });
  const withExp = (exp: string) =>
    proxyEvent('GET', '/x', { authorizer: { sub: 's', exp }, headers: { origin: 'https://app.example.com' } });

  beforeEach(() => handled.mockClear());

  it('is answered 401 with the gateway’s own body (and CORS) once exp plus the clock skew has passed, before the handler runs', async () => {
    const result = await at(EXP + 6)(withExp(String(EXP)));
    expect([result.statusCode, JSON.parse(result.body)]).toEqual([401, { message: 'Unauthorized' }]);
    expect(result.headers).toMatchObject({
      'Content-Type': 'application/json',
      'Access-Control-Allow-Origin': 'https://app.example.com',
    });
    expect(handled).not.toHaveBeenCalled();
  });

  it('is still served within the skew the authorizer tolerates (inclusive), as the authorizer would have', async () => {
    expect((await at(EXP + 5)(withExp(String(EXP)))).statusCode).toBe(200);
    expect((await at(EXP - 100)(withExp(String(EXP)))).statusCode).toBe(200);
    expect(handled).toHaveBeenCalledTimes(2);
  });

  it('reads exp as API Gateway sends it (a string) or as a number, and refuses one that is not a time', async () => {
    const numeric = {
      ...withExp('0'),
      requestContext: { ...withExp('0').requestContext, authorizer: { sub: 's', exp: EXP } },
    };
    expect((await at(EXP + 6)(numeric)).statusCode).toBe(401);
    for (const exp of ['soon', '-1', '1e9', '']) expect((await at(EXP)(withExp(exp))).statusCode).toBe(401);
  });

  it('uses no skew when CLOCK_SKEW_SECONDS is unset, and refuses to start with a malformed one', async () => {
    expect((await at(EXP + 1, {})(withExp(String(EXP)))).statusCode).toBe(401);
    expect((await at(EXP, { CLOCK_SKEW_SECONDS: 'five' })(withExp(String(EXP)))).statusCode).toBe(500);
  });

  it('lets a request through whose context carries no exp (an answer cached from an older authorizer), and one without a context (public routes)', async () => {
    expect((await at(EXP)(proxyEvent('GET', '/x', { authorizer: { sub: 's' } }))).statusCode).toBe(200);
    expect((await at(EXP)(proxyEvent('GET', '/x'))).statusCode).toBe(200);
  });
});
