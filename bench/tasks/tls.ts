/**
 * A throw-away certificate authority for the cold-start runs: made with `openssl` at bench run time
 * in a temporary directory (nothing is committed), so a local JWKS server can speak https and a
 * child Node trusts it through NODE_EXTRA_CA_CERTS, as a Lambda trusts Cognito's certificate.
 * RSA 2048 like the certificates Cognito's endpoints present.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { TlsIdentity } from '../../fixtures/token-factory';

const run = promisify(execFile);

export interface LocalCa {
  /** PEM file of the CA certificate: the value for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  /** A server certificate for 127.0.0.1 signed by the CA, and its key. */
  readonly server: TlsIdentity;
  remove(): Promise<void>;
}

async function openssl(dir: string, args: readonly string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir });
  } catch (error) {
    throw new Error(
      `openssl ${args[0]} failed (is openssl installed?): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

export async function createLocalCa(): Promise<LocalCa> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-ca-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const oneDay = ['-days', '1'];
    await openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      ...oneDay,
      '-subj',
      '/CN=cognito-jwt-api bench CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ]);
    await openssl(dir, [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    ]);
    await writeFile(
      path.join(dir, 'server.ext'),
      'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
    );
    await openssl(dir, [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      ...oneDay,
      '-extfile',
      'server.ext',
    ]);
    const [cert, key] = await Promise.all([
      readFile(path.join(dir, 'server.pem'), 'utf8'),
      readFile(path.join(dir, 'server.key'), 'utf8'),
    ]);
    return { caFile: path.join(dir, 'ca.pem'), server: { cert, key }, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
