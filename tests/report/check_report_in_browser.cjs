#!/usr/bin/env node
// Opens a MedSight validation report in headless Chromium (playwright-core, the system
// browser: no downloaded browser) and checks that every element of the report is there and
// rendered, that no chart failed, that every image decoded, and that the page made no network
// request. Prints a JSON summary; exit status 0 only when everything is present.
//
// usage: node check_report_in_browser.cjs REPORT.html SCREENSHOT.png [--comparison]
//        [--sanity] [--recalibration]
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const BASE_ELEMENTS = [
  'title', 'data-role', 'data-summary', 'data-hash', 'metrics-ci', 'confusion-matrix',
  'confusion-table', 'roc-curve', 'pr-curve', 'score-distribution', 'calibration-plot',
  'calibration-figures', 'threshold-table', 'subgroup-table', 'error-gallery', 'manifest',
];
const CHARTS = new Set(['confusion-matrix', 'roc-curve', 'pr-curve', 'score-distribution',
  'calibration-plot', 'comparison-roc', 'comparison-pr', 'randomisation-chart']);

async function main() {
  const [report, screenshot, ...flags] = process.argv.slice(2);
  if (!report || !screenshot) {
    console.error('usage: check_report_in_browser.cjs REPORT.html SCREENSHOT.png [flags]');
    process.exit(2);
  }
  const expected = [...BASE_ELEMENTS];
  if (flags.includes('--comparison')) expected.push('comparison', 'comparison-test', 'comparison-roc', 'comparison-pr');
  if (flags.includes('--sanity')) expected.push('explanation-sanity', 'randomisation-chart');
  if (flags.includes('--recalibration')) expected.push('recalibration');

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'medsight-report-check-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  const result = { report, missing: [], invisible: [], emptyCharts: [], failedCharts: [],
    brokenImages: [], networkRequests: [], consoleErrors: [], elements: {} };
  try {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') result.consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => result.consoleErrors.push(String(e)));
    // The report must be self-contained: anything but the file itself and data: URLs fails.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://') || url.startsWith('data:')) return route.continue();
      result.networkRequests.push(url);
      return route.abort();
    });
    await page.goto('file://' + path.resolve(report), { waitUntil: 'load' });
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 60000 });
    for (const name of expected) {
      const handles = await page.$$(`[data-element="${name}"]`);
      if (handles.length === 0) { result.missing.push(name); continue; }
      const info = [];
      for (const h of handles) {
        await h.scrollIntoViewIfNeeded();
        const box = await h.boundingBox();
        const visible = box !== null && box.width > 0 && box.height > 0 && await h.isVisible();
        if (!visible) result.invisible.push(name);
        const item = { visible, width: box ? Math.round(box.width) : 0, height: box ? Math.round(box.height) : 0 };
        if (CHARTS.has(name)) {
          item.rendered = await h.getAttribute('data-rendered');
          item.marks = await h.evaluate((el) => el.querySelectorAll('svg .mark-line path, svg .mark-rect path, svg .mark-symbol path, svg .mark-rule line, svg .mark-text text').length);
          if (item.rendered === 'error') result.failedCharts.push(name);
          else if (item.marks === 0) result.emptyCharts.push(name);
        }
        info.push(item);
      }
      result.elements[name] = info;
    }
    result.images = await page.$$eval('img', (imgs) => imgs.map((i) => ({ alt: i.alt, ok: i.complete && i.naturalWidth > 0 })));
    result.brokenImages = result.images.filter((i) => !i.ok).map((i) => i.alt);
    result.galleryCards = await page.$$eval('[data-element="error-gallery"] figure', (f) => f.length);
    result.chartErrors = await page.$$eval('[data-rendered="error"]', (e) => e.map((x) => x.textContent));
    await page.screenshot({ path: screenshot, fullPage: true });
    result.screenshot = screenshot;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  result.ok = result.missing.length === 0 && result.invisible.length === 0 &&
    result.emptyCharts.length === 0 && result.failedCharts.length === 0 &&
    result.brokenImages.length === 0 && result.networkRequests.length === 0 &&
    result.consoleErrors.length === 0;
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.ok ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(1); });
