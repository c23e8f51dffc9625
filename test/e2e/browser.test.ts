/**
 * The Hosted UI demo page driven in a real headless Chromium (Debian's package): click sign-in,
 * fill the emulator's login form, come back with a code, exchange it, call /api/profile.
 * Optional: skipped, with a message, when Chromium is not installed.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { seedUsers } from '../../lib/local/seed-users';
import { startLocalProcess, type LocalProcess } from '../support/local-process';

jest.setTimeout(90_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) process.stdout.write(`browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`);

(available ? describe : describe.skip)('Hosted UI demo page in Chromium', () => {
  let local: LocalProcess;
  let browser: Browser;

  beforeAll(async () => {
    local = await startLocalProcess();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await local?.stop();
  });

  it('signs in with PKCE through the Hosted UI stand-in and shows the profile', async () => {
    const user = seedUsers.find((candidate) => candidate.groups.includes('admin-group'))!;
    const page = await browser.newPage();
    await page.goto(`http://localhost:${local.apiPort}/`);
    await page.click('#login');
    await page.waitForURL(/\/oauth2\/authorize/);
    await page.fill('input[name=username]', user.email);
    await page.fill('input[name=password]', user.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#out[data-status]');
    expect(await page.getAttribute('#out', 'data-status')).toBe('200');
    expect(await page.textContent('#out')).toContain('"primaryGroup": "admin-group"');
  });

  it('lets a browser app on another allowed origin log in and call the API (CORS), and keeps one on an origin not allowed out', async () => {
    const user = seedUsers.find((candidate) => candidate.groups.includes('user-group'))!;
    const api = `http://localhost:${local.apiPort}`;
    const callApi = ({ api, username, password }: { api: string; username: string; password: string }) =>
      (async () => {
        try {
          const login = await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });
          const tokens = (await login.json()) as { access_token: string };
          const profile = await fetch(`${api}/api/profile`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
          return { login: login.status, profile: profile.status, body: (await profile.json()) };
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

    const foreign = createServer((_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>foreign</title>'));
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
      expect(await page.evaluate(callApi, { api, username: user.email, password: user.password })).toEqual({ blocked: expect.stringContaining('Failed to fetch') });
    } finally {
      foreign.close();
    }
  });
});
