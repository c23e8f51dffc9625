/**
 * The authorizer's memory as deployed: a fresh Node (with --expose-gc) loads the bundle, then makes
 * and answers tokens one at a time, every one distinct (sub, username, jti, an unknown extra group,
 * a path parameter; one in seven with a broken signature). After the warm-up, half-way and at the
 * end it collects garbage and reports `process.memoryUsage()`: the caches must stay bounded.
 * The child signs the tokens itself (RS256, the pool's key) and keeps none of them.
 */
import { ENV } from '../../lib/contracts/runtime-env';
import { AUTHORIZER_ENV_WITHOUT_REVOCATION } from '../../fixtures/bundle-check';
import { interleaveChildren } from './child-runs';
import { childEnv, type ColdBundle, type HttpsIssuer } from './cold-start';

export interface MemoryPoint {
  readonly decisions: number;
  readonly heapUsedMb: number;
  readonly rssMb: number;
  readonly externalMb: number;
}

export interface MemoryRun {
  readonly afterWarmup: MemoryPoint;
  readonly halfway: MemoryPoint;
  readonly atEnd: MemoryPoint;
}

const ROUTES = [
  'GET/api/profile',
  'GET/api/admin/users',
  'DELETE/api/admin/users/',
  'POST/api/reviews',
  'PUT/api/reviews/',
];
const GROUP_SETS = [['admin-group'], ['reviewers-group'], ['user-group'], ['reviewers-group', 'user-group'], []];

function memoryScript(file: string, warmup: number, decisions: number): string {
  return `
    const fs = require('fs'), crypto = require('crypto');
    const { handler } = require(${JSON.stringify(file)});
    const key = crypto.createPrivateKey(process.env.BENCH_PRIVATE_KEY);
    const b64 = (value) => Buffer.from(value).toString('base64url');
    const header = b64(JSON.stringify({ kid: process.env.BENCH_KID, alg: 'RS256' }));
    const routes = ${JSON.stringify(ROUTES)}, groupSets = ${JSON.stringify(GROUP_SETS)};
    const prefix = 'arn:aws:execute-api:us-east-1:123456789012:bench/v1/';
    function token(n) {
      const now = Math.floor(Date.now() / 1000);
      const payload = { sub: crypto.randomUUID(), 'cognito:groups': [...groupSets[n % groupSets.length], 'g-' + n], iss: process.env.JWT_ISSUER,
        client_id: process.env.${ENV.userPoolClientId}, token_use: 'access', scope: 'aws.cognito.signin.user.admin', auth_time: now,
        exp: now + 3600, iat: now, jti: crypto.randomUUID(), username: 'user-' + n };
      const input = header + '.' + b64(JSON.stringify(payload));
      const signature = crypto.sign('sha256', Buffer.from(input), key).toString('base64url');
      return input + '.' + (n % 7 === 6 ? signature.slice(0, -4) + 'AAAA' : signature);
    }
    function point(decisions) {
      global.gc();
      const m = process.memoryUsage(), mb = (bytes) => Math.round(bytes / 1048576 * 10) / 10;
      return { decisions, heapUsedMb: mb(m.heapUsed), rssMb: mb(m.rss), externalMb: mb(m.external) };
    }
    (async () => {
      const points = {};
      for (let n = 0; n < ${warmup + decisions}; n++) {
        if (n === ${warmup}) points.afterWarmup = point(n);
        if (n === ${warmup + Math.floor(decisions / 2)}) points.halfway = point(n);
        const route = routes[n % routes.length], path = route.endsWith('/') ? route + n : route;
        await handler({ type: 'TOKEN', authorizationToken: 'Bearer ' + token(n), methodArn: prefix + path }, { awsRequestId: 'r-' + n }).catch(() => undefined);
      }
      points.atEnd = point(${warmup + decisions});
      fs.writeSync(3, JSON.stringify(points));
      process.exit(0);
    })();`;
}

function isMemoryRun(value: unknown): value is MemoryRun {
  return (
    typeof value === 'object' && value !== null && 'afterWarmup' in value && 'halfway' in value && 'atEnd' in value
  );
}

export async function measureMemory(
  bundle: ColdBundle,
  issuer: HttpsIssuer,
  options: { warmup: number; decisions: number },
): Promise<MemoryRun> {
  const env = {
    ...childEnv(issuer, { ...bundle, nodeOptions: `${bundle.nodeOptions ?? ''} --expose-gc`.trim() }),
    BENCH_PRIVATE_KEY: issuer.key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    BENCH_KID: issuer.key.kid,
    [ENV.userPoolClientId]: AUTHORIZER_ENV_WITHOUT_REVOCATION[ENV.userPoolClientId],
  };
  // Signing dominates: ≈ 0.4–1 ms per token on the benchmark machine, so allow 10 ms per decision.
  const timeoutMs = 60_000 + (options.warmup + options.decisions) * 10;
  const { reports } = await interleaveChildren(
    [{ name: 'memory', env, script: memoryScript(bundle.file, options.warmup, options.decisions), timeoutMs }],
    1,
  );
  const run: unknown = JSON.parse(reports.memory[0]);
  if (!isMemoryRun(run)) throw new Error(`bench: the memory child reported ${reports.memory[0]}`);
  return run;
}
