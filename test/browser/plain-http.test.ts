/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchBrowser, signIn } from '../support/browser.ts';

// A name that is not localhost, as on an office network or behind Docker's published port.
const LAN_NAME = 'longhand.lan';

describe('plain HTTP under a LAN name', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    browser = await launchBrowser([`--host-resolver-rules=MAP ${LAN_NAME} 127.0.0.1`]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lets a person sign in, styles and scripts loading over plain HTTP', async () => {
    const page = await browser.newPage();
    const lanUrl = app.url.replace('127.0.0.1', LAN_NAME);
    const owner = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    await signIn(page, lanUrl, owner.email, 'correct horse battery');
    expect(new URL(page.url()).protocol).toBe('http:');
    // The stylesheet applied: it came over plain HTTP, not upgraded to an https that nothing serves.
    expect(await page.evaluate(() => document.styleSheets.length)).toBeGreaterThan(0);
    expect(await page.evaluate(() => [...document.styleSheets].every((s) => s.href === null || s.href.startsWith('http:')))).toBe(true);
  });

  it('asks browsers to upgrade and to remember HTTPS only when the request came over TLS', async () => {
    const plain = await fetch(`${app.url}/signin`);
    expect(plain.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    // X-Forwarded-Proto is not believed without LONGHAND_TRUST_PROXY.
    const claimed = await fetch(`${app.url}/signin`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(claimed.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(claimed.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('behind a TLS proxy', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ workers: false, env: { LONGHAND_TRUST_PROXY: 'true' } });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('upgrades and sends HSTS for requests the proxy says came over TLS, and not for plain ones', async () => {
    const tls = await fetch(`${app.url}/signin`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    expect(tls.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const plain = await fetch(`${app.url}/signin`, { headers: { 'x-forwarded-proto': 'http' } });
    expect(plain.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });
});
