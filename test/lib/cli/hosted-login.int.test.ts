/**
 * `login --hosted` pieces in process: the registered-port check, and the loopback callback, which
 * stops waiting as soon as the browser comes back, with the code or with the error it reports.
 */
import { assertRegisteredPort, registeredCallbackPorts, waitForCode } from '../../../lib/cli/hosted-login';
import { CliError } from '../../../lib/cli/errors';
import { send } from '../../support/http';
import { freePort } from '../../support/local-process';

const CALLBACKS = [
  'http://localhost:3000/callback',
  'http://localhost:8765/callback',
  'https://app.example.com/callback',
  'http://127.0.0.1:9000/callback',
];

describe('registered ports', () => {
  it('lists the ports of the http://localhost:<port>/callback URLs only', () => {
    expect(registeredCallbackPorts(CALLBACKS)).toEqual([3000, 8765]);
  });

  it('accepts a registered port and refuses another, naming the allowed ones', () => {
    expect(() => assertRegisteredPort(8765, CALLBACKS)).not.toThrow();
    expect(() => assertRegisteredPort(8710, CALLBACKS)).toThrow(
      new CliError(
        '--port 8710 is not a registered callback (http://localhost:8710/callback): use --port 3000 or --port 8765',
      ),
    );
    expect(() => assertRegisteredPort(8765, ['https://app.example.com/callback'])).toThrow(
      /No http:\/\/localhost:<port>\/callback URL is registered/,
    );
  });
});

describe('the loopback callback', () => {
  /** Starts waiting (never timing out within the test), then plays the browser's redirect. */
  async function redirect(
    query: string,
  ): Promise<{ outcome: Promise<string>; page: { status: number; text: string } }> {
    const port = await freePort();
    let outcome: Promise<string> | undefined;
    await new Promise<void>((listening) => {
      outcome = waitForCode({ port, timeoutSeconds: 3600, announce: () => undefined }, 'the-state', listening);
    });
    outcome!.catch(() => undefined); // inspected by the tests
    const page = await send(`http://127.0.0.1:${port}/callback?${query}`);
    return { outcome: outcome!, page: { status: page.status, text: page.text } };
  }

  it('resolves with the code when the state matches', async () => {
    const { outcome, page } = await redirect('code=the-code&state=the-state');
    await expect(outcome).resolves.toBe('the-code');
    expect(page.status).toBe(200);
  });

  it('stops at once on the error the Hosted UI reports, in one printable line', async () => {
    const { outcome, page } = await redirect(
      `error=access_denied&error_description=${encodeURIComponent('User\ncancelled')}&state=the-state`,
    );
    await expect(outcome).rejects.toThrow(
      new CliError('The Hosted UI reported access_denied (User?cancelled): run login --hosted again'),
    );
    expect([page.status, page.text]).toEqual([
      400,
      'Sign-in failed: The Hosted UI reported access_denied (User?cancelled): run login --hosted again',
    ]);
  });

  it.each([
    ['a wrong state', 'code=c&state=other', /wrong state/],
    ['no code', 'state=the-state', /no code/],
  ])('stops on %s', async (_name, query, message) => {
    await expect((await redirect(query)).outcome).rejects.toThrow(message);
  });
});
