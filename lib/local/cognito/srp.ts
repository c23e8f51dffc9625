/**
 * The server side of Cognito's SRP-6a sign-in (USER_SRP_AUTH, then PASSWORD_VERIFIER), as the
 * Amplify and AWS SDK clients compute their side: the 3072-bit group of RFC 3526 with g = 2,
 * SHA-256 over Cognito's padded hex, x = H(salt ‖ H(<pool name> <user id> ":" <password>)) where
 * the pool name is the pool id after its "_", the session key from HKDF ("Caldera Derived Key",
 * 16 bytes), and the claim an HMAC over pool name, user id, secret block and timestamp.
 * The emulator keeps passwords in plain text, so the verifier is derived at each challenge.
 */
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const N = BigInt(
  '0x' +
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
const G = 2n;

/** Cognito's hex of a positive number: even length, and a leading 00 when the top bit is set. */
export function paddedHex(value: bigint): string {
  const hex = value.toString(16);
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return /^[89a-f]/.test(even) ? `00${even}` : even;
}

const hashHex = (hex: string): string => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const hashText = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const K = BigInt(`0x${hashHex(paddedHex(N) + paddedHex(G))}`);

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let power = base % modulus;
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = (result * power) % modulus;
    power = (power * power) % modulus;
  }
  return result;
}

/** The pool name in Cognito's SRP hashes: the pool id after its region prefix. */
export function srpPoolName(userPoolId: string): string {
  return userPoolId.split('_')[1] ?? userPoolId;
}

/** What the server remembers between the two calls (never sent). */
export interface SrpChallenge {
  readonly poolName: string;
  readonly userId: string;
  readonly salt: string;
  readonly secretBlock: string;
  readonly sessionKey: Buffer;
  /** Server public value B, hex. */
  readonly serverPublic: string;
}

export class SrpInputError extends Error {
  readonly name = 'SrpInputError';
}

/** Answers a client's A for the user's password; throws SrpInputError for an A that is not usable. */
export function startSrp(input: {
  userPoolId: string;
  userId: string;
  password: string;
  clientPublicHex: string;
}): SrpChallenge {
  if (!/^[0-9a-fA-F]{1,1024}$/.test(input.clientPublicHex)) throw new SrpInputError('SRP_A is not hex');
  const clientPublic = BigInt(`0x${input.clientPublicHex}`);
  if (clientPublic % N === 0n) throw new SrpInputError('SRP_A mod N is 0');
  const poolName = srpPoolName(input.userPoolId);
  const salt = randomBytes(16).toString('hex');
  const x = BigInt(
    `0x${hashHex(paddedHex(BigInt(`0x${salt}`)) + hashText(`${poolName}${input.userId}:${input.password}`))}`,
  );
  const verifier = modPow(G, x, N);
  let secret: bigint;
  let serverPublic: bigint;
  do {
    secret = BigInt(`0x${randomBytes(32).toString('hex')}`);
    serverPublic = (K * verifier + modPow(G, secret, N)) % N;
  } while (serverPublic === 0n);
  const u = BigInt(`0x${hashHex(paddedHex(clientPublic) + paddedHex(serverPublic))}`);
  if (u === 0n) throw new SrpInputError('u is 0');
  const shared = modPow(clientPublic * modPow(verifier, u, N), secret, N);
  const sessionKey = Buffer.from(
    hkdfSync(
      'sha256',
      Buffer.from(paddedHex(shared), 'hex'),
      Buffer.from(paddedHex(u), 'hex'),
      'Caldera Derived Key',
      16,
    ),
  );
  return {
    poolName,
    userId: input.userId,
    salt,
    secretBlock: randomBytes(64).toString('base64'),
    sessionKey,
    serverPublic: serverPublic.toString(16),
  };
}

/** The claim a client that knows the password sends (base64 HMAC-SHA256); used by `verifySrpClaim`. */
export function srpClaim(challenge: SrpChallenge, timestamp: string): string {
  return createHmac('sha256', challenge.sessionKey)
    .update(
      Buffer.concat([
        Buffer.from(challenge.poolName + challenge.userId, 'utf8'),
        Buffer.from(challenge.secretBlock, 'base64'),
        Buffer.from(timestamp, 'utf8'),
      ]),
    )
    .digest('base64');
}

export function verifySrpClaim(challenge: SrpChallenge, timestamp: string, signature: string): boolean {
  const expected = Buffer.from(srpClaim(challenge, timestamp), 'base64');
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
