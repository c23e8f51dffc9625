/**
 * The Hosted UI demo page driven in a real headless Chromium (Debian's package): click sign-in,
 * fill the emulator's login form, come back with a code, exchange it, call /api/profile.
 * Optional: skipped, with a message, when Chromium is not installed.
 */
import { existsSync } from 'node:fs';
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
});
