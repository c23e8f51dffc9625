/**
 * The server side of Cognito's SRP: its encodings and refusals. Interoperability with a real client
 * (Amplify v6's signIn) is proven in test/e2e/real-clients.test.ts.
 */
import { randomBytes } from 'node:crypto';
import {
  paddedHex,
  srpClaim,
  SrpInputError,
  srpPoolName,
  startSrp,
  verifySrpClaim,
} from '../../../../lib/local/cognito/srp';

const clientPublicHex = randomBytes(384).toString('hex');
const challenge = () => startSrp({ userPoolId: 'local_Pool1', userId: 'ann', password: 'pw', clientPublicHex });

it('pads hex as Cognito does: even length, and 00 before a set top bit', () => {
  expect([paddedHex(0x7fn), paddedHex(0x80n), paddedHex(0xabcn), paddedHex(0x1234n)]).toEqual([
    '7f',
    '0080',
    '0abc',
    '1234',
  ]);
});

it('names the pool by the part of its id after the region', () => {
  expect([srpPoolName('us-east-1_AbC'), srpPoolName('local_xyz')]).toEqual(['AbC', 'xyz']);
});

it('refuses an A that is not hex, or is 0 mod N', () => {
  for (const bad of ['zz', '', '0']) {
    expect(() => startSrp({ userPoolId: 'local_p', userId: 'ann', password: 'pw', clientPublicHex: bad })).toThrow(
      SrpInputError,
    );
  }
});

it('gives each challenge its own salt, B and secret block', () => {
  const [one, two] = [challenge(), challenge()];
  expect(one.salt).not.toBe(two.salt);
  expect(one.serverPublic).not.toBe(two.serverPublic);
  expect(one.secretBlock).not.toBe(two.secretBlock);
  expect(one.poolName).toBe('Pool1');
});

it('accepts only the claim over this challenge and this timestamp', () => {
  const one = challenge();
  const timestamp = 'Thu Dec 3 10:00:00 UTC 2026';
  expect(verifySrpClaim(one, timestamp, srpClaim(one, timestamp))).toBe(true);
  expect(verifySrpClaim(one, 'Thu Dec 3 10:00:01 UTC 2026', srpClaim(one, timestamp))).toBe(false);
  expect(verifySrpClaim(one, timestamp, srpClaim(challenge(), timestamp))).toBe(false);
  expect(verifySrpClaim(one, timestamp, 'not base64 at all')).toBe(false);
});
