import { Secret, TOTP } from 'otpauth';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/config/load.js';
import { Store } from '../../src/store/db.js';
import { connectSlapd, type SlapdDirectory } from '../harness/index.js';
import { TestSmtp } from '../harness/smtp.js';
import { slapdEnrollmentDirectory } from '../support/directory-config.js';
import { uniqueName, Workspace } from '../support/workspace.js';
import { launch } from './support/browser.js';
import { freePort, startPanelServer, type PanelServer } from './support/panel-server.js';

/**
 * Issue 15 from end to end, each half by its real parts: a user synced from slapd by `idsync serve`
 * gets the enrollment email (the SMTP server the suite starts receives it), the link is taken from
 * the parsed email and followed in Debian's chromium, the user enrols an authenticator app with a
 * code computed here and a passkey on chromium's virtual authenticator, and the second factor then verifies through POST /api/v1/auth/verify; the
 * enrollment leaves the pending list.
 */
describe('from the enrollment email to a verified second factor (slapd, SMTP, chromium, idsync serve)', () => {
  let slapd: SlapdDirectory;
  let smtp: TestSmtp;
  let ws: Workspace;
  let server: PanelServer;
  let browser: Browser;

  beforeAll(async () => {
    slapd = connectSlapd(inject('slapd'));
    smtp = new TestSmtp({ certs: inject('certs') });
    await smtp.start();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.stop();
  });

  it('mails the synced user a link that enrols a TOTP in the browser, which then verifies', async () => {
    const base = await slapd.addOu(uniqueName('e2e-enrol'));
    const people = await slapd.addOu('people', base);
    const groups = await slapd.addOu('groups', base);
    const address = `dana.${base.split(',')[0]!.slice(3)}@corp.example.test`.toLowerCase();
    const dana = await slapd.addUser({ ou: people, uid: 'dana', givenName: 'Dana', sn: 'Scully', mail: address });
    const g = await slapd.addGroup({ ou: groups, cn: 'staff', members: [dana] });
    const port = await freePort();
    // localhost, not 127.0.0.1: the enrollment page is a WebAuthn origin too.
    const publicUrl = `http://localhost:${port}`;
    ws = new Workspace().configure([slapdEnrollmentDirectory(slapd, base, g)], { smtp: smtp.config(), api: { listen: `127.0.0.1:${port}`, publicUrl } });
    const config = loadConfig(ws.configFile);
    const store = await Store.open(config.store);
    let verifyToken: string;
    try {
      verifyToken = (await createToken(store, { name: 'vpn', role: 'verify', createdBy: null }, new Date())).token;
    } finally {
      await store.close();
    }

    // serve syncs the directory at start and sends what the sync queued.
    server = await startPanelServer(ws, port);
    const { value: mail } = await ws.waitFor(async () => smtp.to(address)[0], 60_000);
    expect(mail.parsed.subject).toBeTruthy();
    expect(mail.link).toMatch(new RegExp(`^${publicUrl}/enroll#[A-Za-z0-9_-]{43}$`));
    expect(mail.parsed.html || '').toContain(mail.link!);

    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 420, height: 860 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    // Chromium's virtual authenticator (DevTools WebAuthn domain) stands in for a passkey.
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    await page.goto(mail.link!);
    await page.getByText(/Your username is dana\./).waitFor();
    await page.getByRole('button', { name: 'Use an authenticator app' }).click();
    await page.getByRole('heading', { name: 'Authenticator app', level: 2 }).waitFor();
    const secret = (await page.getByLabel('setup key').innerText()).replace(/\s/g, '');
    const code = (offsetSeconds = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + offsetSeconds * 1000 });
    await page.getByLabel('Code from the app').fill(code());
    await page.getByLabel('Code from the app').press('Enter');
    await page.getByText('Authenticator app is enrolled.').waitFor();
    // And a passkey, from the same link.
    await page.getByRole('button', { name: 'Use a passkey or security key' }).click();
    await page.getByRole('button', { name: 'Create passkey' }).click();
    await page.getByText(/\(passkey or security key\)/).waitFor();
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials).toHaveLength(1);
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();

    const verify = await fetch(`${server.apiOrigin}/api/v1/auth/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${verifyToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dana', secondFactor: { type: 'totp', code: code(30) } }),
    });
    expect(await verify.json()).toMatchObject({ decision: 'allow', reason: 'verified', method: 'totp' });
    // Enrolled: no longer pending, and the link is spent.
    expect(JSON.parse((await ws.cli(['enrollments', '--json'])).stdout)).toMatchObject({ total: 0 });
    const again = await page.context().newPage();
    await again.goto(mail.link!);
    await again.getByRole('alert').getByText('this enrollment link has been used already').waitFor();
    expect(server.output()).not.toContain(mail.link!.split('#')[1]);
  }, 180_000);
});
