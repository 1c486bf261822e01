/**
 * `warden replay --html` in a real browser (issue 14, item 7): the demo's page opened in Debian's
 * headless Chromium (CI installs it: .ci/run), and what a person sees asserted on the rendered page:
 * every card with its title, a failure's thread reply under its card, an approval's buttons
 * visible, the card's earlier states, the emails beside them.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, launch, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPage, findChromium } from '../../scripts/preview';

const chromium = findChromium();
let browser: Browser;
let page: Page;

// Without chromium on PATH (a laptop), say so rather than pass: CI installs it before the tests.
describe.skipIf(!chromium)('the replay preview in headless Chromium', () => {
  beforeAll(async () => {
    browser = await launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1600 });
    await page.goto(`file://${await demoPage()}`, { waitUntil: 'load' });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows one card per run in each channel, each with its title', async () => {
    const cards = await page.$$eval('.channel', (channels) =>
      channels.map((c) => ({
        channel: c.querySelector('h2')?.textContent,
        titles: [...c.querySelectorAll(':scope > .card')].map((card) => card.querySelector(':scope > .block')?.textContent?.trim() ?? ''),
      })),
    );
    expect(cards.map((c) => c.channel)).toEqual(expect.arrayContaining(['#C0PAYMENTS1']));
    const titles = cards.flatMap((c) => c.titles);
    expect(titles.some((t) => /payments-api failed · execution 6f2b1c1e/.test(t))).toBe(true);
    expect(titles.some((t) => /web-frontend succeeded/.test(t))).toBe(true);
    for (const t of titles) expect(t).not.toMatch(/\*|<http|:x:|:white_check_mark:/);
  });

  it("puts a failure's reply in its card's thread, with the build's log lines", async () => {
    const replies = await page.$$eval('.card', (cards) =>
      cards
        .filter((c) => c.textContent?.includes('payments-api failed'))
        .flatMap((c) => [...c.querySelectorAll('.thread .reply')].map((r) => r.textContent ?? '')),
    );
    expect(replies.some((r) => r.includes('Build / UnitTests failed') && r.includes('AssertionError'))).toBe(true);
  });

  it("shows the approval's Approve and Reject buttons, visible on the page", async () => {
    const buttons = await page.$$('button.button');
    const labels = await Promise.all(buttons.map((b) => b.evaluate((e) => e.textContent)));
    expect(labels).toEqual(expect.arrayContaining(['Approve', 'Reject']));
    for (const b of buttons) {
      const box = await b.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(20);
      expect(box?.height ?? 0).toBeGreaterThan(10);
    }
  });

  it("keeps a card's earlier states as a timeline, and the emails beside the channels", async () => {
    expect(await page.$$eval('.card details.timeline', (t) => t.length)).toBeGreaterThan(0);
    const subjects = await page.$$eval('.emails .email h3', (h) => h.map((e) => e.textContent ?? ''));
    expect(subjects.some((s) => s.includes('payments-api FAILED'))).toBe(true);
  });

  it('takes a screenshot of it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'warden-shot-')), 'preview.png');
    await page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(50_000);
  });
});
