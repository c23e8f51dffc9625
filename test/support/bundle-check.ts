/**
 * Runs a built authorizer bundle (index.js as deployed) in a fresh Node, as a Lambda cold start
 * would: used by the CDK test on the asset CDK bundled and by the benchmark before it times anything.
 */
import { spawn } from 'node:child_process';
import { ENV } from '../../lib/config/runtime-env';
import { accessToken, makeSigningKey, startJwksServer } from './token-factory';

/** The environment the authorizer reads at load (lib/config/runtime-env.ts), with AWS-shaped values. */
export const AUTHORIZER_ENV = {
  [ENV.stage]: 'dev',
  [ENV.region]: 'us-east-1',
  [ENV.userPoolId]: 'us-east-1_Bench',
  [ENV.userPoolClientId]: 'bench-client-id',
} as const;

export interface BundleCheck {
  /** A valid token on an allowed route was allowed, the JWKS fetched over loopback. */
  readonly authorizes: boolean;
  /** A token signed by a key outside the JWKS (same kid, issuer and claims) was rejected. */
  readonly rejectsForeignKey: boolean;
  /** Builtins loaded by requiring the bundle that it should not need at load (`https`, `tls`, `net`). */
  readonly networkModulesAtLoad: string[];
}

/**
 * Requires the bundle (recording which network modules that loads), then asks it about a real token
 * and a forged one against a JWKS served on 127.0.0.1 (the local-only issuer override).
 * Guards the aliases in lib/config/bundling.ts: a bundle that loads but cannot verify is caught.
 */
export async function checkBundle(bundleFile: string): Promise<BundleCheck> {
  const key = makeSigningKey('bundle-check');
  const foreignKey = makeSigningKey('bundle-check');
  const jwks = await startJwksServer([key]);
  const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:check/v1/GET/api/profile';
  // The result goes to fd 3, apart from the decision lines the handler writes to stdout.
  const script = `
    const before = new Set(process.moduleLoadList);
    const { handler } = require(${JSON.stringify(bundleFile)});
    const loaded = process.moduleLoadList.filter((m) => !before.has(m) && /^NativeModule (https|tls|net)$/.test(m)).map((m) => m.split(' ')[1]);
    const allows = (token) => handler({ type: 'TOKEN', authorizationToken: 'Bearer ' + token, methodArn: ${JSON.stringify(methodArn)} })
      .then((answer) => answer.policyDocument.Statement.some((s) => s.Effect === 'Allow'), () => false);
    (async () => {
      const authorizes = await allows(process.env.CHECK_TOKEN);
      const rejectsForeignKey = !(await allows(process.env.CHECK_FOREIGN_TOKEN));
      require('fs').writeSync(3, JSON.stringify({ authorizes, rejectsForeignKey, networkModulesAtLoad: loaded }));
    })();`;
  try {
    const claims = { issuer: jwks.issuer, clientId: AUTHORIZER_ENV[ENV.userPoolClientId], groups: ['user-group'] };
    const env = {
      ...process.env,
      ...AUTHORIZER_ENV,
      [ENV.issuerOverride]: jwks.issuer,
      [ENV.jwksUriOverride]: jwks.jwksUri,
      CHECK_TOKEN: accessToken({ ...claims, key }),
      CHECK_FOREIGN_TOKEN: accessToken({ ...claims, key: foreignKey }),
    };
    const child = spawn(process.execPath, ['-e', script], { env, stdio: ['ignore', 'ignore', 'inherit', 'pipe'], timeout: 20_000 });
    let output = '';
    child.stdio[3]?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (exitCode !== 0 || output === '') throw new Error(`bundle check: node exited with ${exitCode}`);
    return JSON.parse(output) as BundleCheck;
  } finally {
    await jwks.close();
  }
}
