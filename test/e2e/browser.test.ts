/**
 * The Hosted UI demo page driven in a real headless Chromium (Debian's package): click sign-in,
 * fill the emulator's login form, come back with a code, exchange it, call /api/profile.
 * Optional: skipped, with a message, when Chromium is not installed.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { seedUsers } from '../../lib/local/seed-users';
import { send } from '../support/http';
import { startLocalProcess, type LocalProcess } from '../support/local-process';

jest.setTimeout(90_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available)
  process.stdout.write(
    `browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  );

(available ? describe : describe.skip)('Hosted UI demo page in Chromium', () => {
  let local: LocalProcess;
  let browser: Browser;

  beforeAll(async () => {
    // The bound at 0, so the sign-out test sees the revoked token refused at once.
    local = await startLocalProcess({ env: { AUTHORIZER_CACHE_TTL: '0', REVOCATION_REFRESH_SECONDS: '0' } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await local?.stop();
  });

  /** The demo page's sign-in, as a user clicks through it, until the profile call has answered. */
  async function signIn(page: Page, user: (typeof seedUsers)[number]): Promise<void> {
    await page.goto(`http://localhost:${local.apiPort}/`);
    await page.click('#login');
    await page.waitForURL(/\/oauth2\/authorize/);
    await page.fill('input[name=username]', user.email);
    await page.fill('input[name=password]', user.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#out[data-status]');
  }

  it('signs in with PKCE through the Hosted UI stand-in and shows the profile', async () => {
    const user = seedUsers.find((candidate) => candidate.groups.includes('admin-group'))!;
    const page = await browser.newPage();
    await signIn(page, user);
    expect(await page.getAttribute('#out', 'data-status')).toBe('200');
    expect(await page.textContent('#out')).toContain('"primaryGroup": "admin-group"');
  });

  it("signs out: revokes the session (the refresh cookie goes along and is cleared), then comes back through the Hosted UI's /logout", async () => {
    const user = seedUsers.find((candidate) => candidate.groups.includes('reviewers-group'))!;
    const page = await browser.newPage();
    let accessToken = '';
    page.on('response', (response) => {
      if (response.url().endsWith('/auth/token'))
        void response.json().then((body: { access_token: string }) => (accessToken = body.access_token));
    });
    const origin = `http://localhost:${local.apiPort}`;
    await signIn(page, user);
    expect(await page.getAttribute('#out', 'data-status')).toBe('200');
    expect((await page.context().cookies()).map((cookie) => [cookie.name, cookie.path, cookie.httpOnly])).toEqual([
      ['refresh_token', '/auth', true],
    ]);
    const logout = page.waitForRequest((request) => request.url().includes('/logout?'));
    await page.click('#logout');
    const hostedUiLogout = new URL((await logout).url());
    expect([
      hostedUiLogout.origin,
      hostedUiLogout.pathname,
      hostedUiLogout.searchParams.get('client_id'),
      hostedUiLogout.searchParams.get('logout_uri'),
    ]).toEqual([local.outputs.HostedUiUrl, '/logout', local.outputs.UserPoolClientId, `${origin}/`]);
    await page.waitForSelector('#out[data-logout="200"]');
    expect(page.url()).toBe(`${origin}/`);
    expect(await page.context().cookies()).toEqual([]);
    expect(accessToken).not.toBe('');
    expect(
      (await send(`${local.apiUrl}/api/profile`, { headers: { Authorization: `Bearer ${accessToken}` } })).status,
    ).toBe(401);
  });

  it('lets a browser app on an allowed origin read ETag and Location (Access-Control-Expose-Headers)', async () => {
    const user = seedUsers.find((candidate) => candidate.groups.includes('reviewers-group'))!;
    const api = `http://localhost:${local.apiPort}`;
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${local.apiPort}/nope`);
    const seen = await page.evaluate(
      async ({ api, username, password }) => {
        const login = await fetch(`${api}/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username, password }),
        });
        const { access_token: token } = (await login.json()) as { access_token: string };
        const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
        const review = { title: 'Exposed', body: 'ETag and Location', rating: 4 };
        const created = await fetch(`${api}/api/reviews`, { method: 'POST', headers, body: JSON.stringify(review) });
        const location = created.headers.get('Location');
        const read = await fetch(new URL(location ?? '/missing', api).href, { headers });
        const etag = read.headers.get('ETag');
        const updated = await fetch(new URL(location ?? '/missing', api).href, {
          method: 'PUT',
          headers: { ...headers, 'If-Match': etag ?? '' },
          body: JSON.stringify({ ...review, rating: 5 }),
        });
        return {
          created: created.status,
          location,
          createdEtag: created.headers.get('ETag'),
          read: read.status,
          etag,
          updated: updated.status,
          updatedEtag: updated.headers.get('ETag'),
        };
      },
      { api, username: user.email, password: user.password },
    );
    expect(seen).toEqual({
      created: 201,
      location: expect.stringMatching(/\/api\/reviews\/[^/]+$/),
      createdEtag: expect.stringMatching(/^"[^"]+"$/),
      read: 200,
      etag: seen.createdEtag,
      updated: 200,
      updatedEtag: expect.stringMatching(/^"[^"]+"$/),
    });
    expect(seen.updatedEtag).not.toBe(seen.etag);
  });

  it('lets a browser app on another allowed origin log in and call the API (CORS), and keeps one on an origin not allowed out', async () => {
    const user = seedUsers.find((candidate) => candidate.groups.includes('user-group'))!;
    const api = `http://localhost:${local.apiPort}`;
    const callApi = ({ api, username, password }: { api: string; username: string; password: string }) =>
      (async () => {
        try {
          const login = await fetch(`${api}/auth/login`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ username, password }),
          });
          const tokens = (await login.json()) as { access_token: string };
          const profile = await fetch(`${api}/api/profile`, {
            headers: { Authorization: `Bearer ${tokens.access_token}` },
          });
          return { login: login.status, profile: profile.status, body: await profile.json() };
        } catch (error) {
          return { blocked: String(error) };
        }
      })();
    const page = await browser.newPage();
    // Another origin of the local system (allowed locally): any page of it without a CSP will do.
    await page.goto(`http://127.0.0.1:${local.apiPort}/nope`);
    expect(await page.evaluate(callApi, { api, username: user.email, password: user.password })).toEqual({
      login: 200,
      profile: 200,
      body: expect.objectContaining({ username: expect.any(String), groups: ['user-group'] }),
    });

    const foreign = createServer((_request, response) =>
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>foreign</title>'),
    );
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
      expect(await page.evaluate(callApi, { api, username: user.email, password: user.password })).toEqual({
        blocked: expect.stringContaining('Failed to fetch'),
      });
    } finally {
      foreign.close();
    }
  });
});
