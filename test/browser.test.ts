import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderVerifyReport } from '../src/report/renderVerify';
import { Browser, findChromium } from './support/chromium';
import { exampleVerify } from './support/reportExamples';

/**
 * The HTML report as a reviewer opens it: a small report rendered into a folder and loaded from disk
 * in headless Chromium, 1400 px wide, offline. Every in-page link resolves, every figure becomes a
 * live Vega view, nothing is fetched from the network and nothing is logged as an error. A screenshot
 * is kept in reports/browser-test/ for a person to look at. Without a chromium binary (Debian:
 * `apt-get install chromium`; or CHROMIUM=/path) the test is skipped with a note saying so.
 */

/** CLAIMCHECK_BROWSER_REPORT=<run folder>: check that folder's report.html instead of the example (the example's own checks are skipped). */
const given = process.env.CLAIMCHECK_BROWSER_REPORT;
const chromium = findChromium();
if (!chromium) {
  console.warn('test/browser.test.ts: SKIPPED, no chromium binary (apt-get install -y chromium, or set CHROMIUM=/path/to/chromium)');
}

describe.skipIf(!chromium)('the HTML report in headless Chromium', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'claimcheck-browser-'));
  const dir = given ? resolve(given) : join(scratch, 'report');
  let browser: Browser;
  let figures = 0;

  beforeAll(async () => {
    if (!given) await renderVerifyReport(dir, exampleVerify());
    figures = (readFileSync(join(dir, 'report.html'), 'utf8').match(/<figure [^>]*data-spec=/g) ?? []).length;
    browser = await Browser.launch(chromium as string, 1400, 1000);
    await browser.open(pathToFileURL(join(dir, 'report.html')).href);
    await browser.waitFor(`document.querySelectorAll('figure.live').length + document.querySelectorAll('figure img').length >= ${figures} && document.querySelectorAll('figure.live').length === ${figures}`, 60000);
  }, 90000);

  afterAll(async () => {
    await browser?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('draws every figure as a live Vega view (an SVG in place of the static image)', async () => {
    expect(figures).toBeGreaterThanOrEqual(given ? 1 : 6);
    const views = await browser.evaluate<number>(`document.querySelectorAll('figure.live .vega-embed svg.marks').length`);
    expect(views).toBe(figures);
    expect(await browser.evaluate<number>(`document.querySelectorAll('figure.live img').length`)).toBe(0);
  });

  it('resolves every in-page link to an element with that id, and ids are unique', async () => {
    const { hrefs, missing, duplicates } = await browser.evaluate<{ hrefs: number; missing: string[]; duplicates: string[] }>(`(() => {
      const hrefs = [...document.querySelectorAll('a[href^="#"]')].map((a) => decodeURIComponent(a.getAttribute('href').slice(1)));
      const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
      return { hrefs: hrefs.length, missing: hrefs.filter((h) => !document.getElementById(h)), duplicates: ids.filter((id, i) => ids.indexOf(id) !== i) };
    })()`);
    expect(hrefs).toBeGreaterThan(given ? 0 : 20);
    expect(missing).toEqual([]);
    expect(duplicates).toEqual([]);
  });

  it.skipIf(given)('links each verdict cell to its claim-tier details', async () => {
    const target = await browser.evaluate<string | null>(`(() => {
      const a = [...document.querySelectorAll('table a')].find((x) => x.textContent === 'breaks');
      return a ? document.getElementById(a.getAttribute('href').slice(1))?.textContent ?? null : null;
    })()`);
    expect(target).toMatch(/^A\.separation, robustness tier/);
  });

  it.skipIf(given)('shows a tooltip with the regime, seed and margin when a verdict-map marker is hovered', async () => {
    const at = await browser.evaluate<{ x: number; y: number } | null>(`(() => {
      const fig = document.getElementById('fig-claim-map-A-separation');
      fig.scrollIntoView();
      const path = fig.querySelector('.vega-embed svg .mark-symbol path');
      if (!path) return null;
      const r = path.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    })()`);
    expect(at).not.toBeNull();
    await browser.mouseMove(at!.x, at!.y);
    await browser.waitFor(`document.getElementById('vg-tooltip-element')?.classList.contains('visible')`, 5000);
    const tip = await browser.evaluate<string>(`document.getElementById('vg-tooltip-element').textContent`);
    for (const key of ['verdict', 'margin', 'seed', 'regime']) expect(tip).toContain(key);
  });

  it('loads nothing from the network and logs no error; keeps a screenshot', async () => {
    expect(browser.problems.network).toEqual([]);
    expect(browser.problems.errors).toEqual([]);
    const out = resolve(__dirname, '..', 'reports', 'browser-test');
    mkdirSync(out, { recursive: true });
    await browser.evaluate(`window.scrollTo(0, 0)`);
    writeFileSync(join(out, 'screenshot.png'), await browser.screenshot());
    const morris = await browser.evaluate<boolean>(`(() => { const h = document.querySelector('[id^="morris-screen-of-"]'); if (h) h.scrollIntoView(); return Boolean(h); })()`);
    if (morris) writeFileSync(join(out, 'screenshot-morris.png'), await browser.screenshot());
    const diff = await browser.evaluate<boolean>(`(() => { const h = document.querySelector('[id$="-gd-label-noise-gd-and-their-difference"]'); if (h) h.scrollIntoView(); return Boolean(h); })()`);
    if (diff) writeFileSync(join(out, 'screenshot-difference.png'), await browser.screenshot());
  });
});
