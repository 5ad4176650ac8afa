import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHOTS = path.join(REPO, '.test-artifacts', 'screenshots');
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's chromium (installed by scripts/ensure-test-deps.mjs), driven by playwright-core:
 * `npx playwright install` cannot download a browser here. The flags keep it from reaching out
 * to the network for updates, sync or component downloads.
 */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Saves a full-page screenshot as .test-artifacts/screenshots/NN-name.png; returns the path. */
export async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  // Let fonts and the last render settle; the toast's fade and bar animations do not matter.
  await page.evaluate('document.fonts.ready');
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true, animations: 'disabled' });
  return file;
}
