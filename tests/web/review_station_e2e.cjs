#!/usr/bin/env node
// End-to-end test of the MedSight web review station in a real browser.
//
// Starts `medsight serve --demo` (sample chest X-rays, brain MR, the STS CT/PET study) on free
// ports with a temporary data folder and users created by `medsight user add`, then drives
// Debian's Chromium (playwright-core, headless) at 1366x768 through: a refused bad login; a
// radiologist's login, worklist, the top study's image (canvas pixel variance), heatmap overlay,
// window presets, slice scrolling and a distance measurement on CT, accepting the AI finding,
// signing, the state change and the audit entries, the report and the patient summary in
// English and Chinese, next-study shortcut; a researcher who must not see identified data.
// Fails on any console error or uncaught page error.
//
// usage: node review_station_e2e.cjs --medsight BIN --repo DIR [--screenshots DIR]
// Exit 0 = passed, 77 = skipped (web not built / no sample data), 1 = failed.
'use strict';
const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {spawnSync} = require('child_process');
const {PASSWORDS, addUser, startServer, apiJson, waitForAnalysis, canvasStats} =
  require('./review_station_support.cjs');

const SKIP = 77;
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const repo = path.resolve(args.repo || path.join(__dirname, '../..'));
const medsight = args.medsight;
const shots = args.screenshots ? path.resolve(args.screenshots) : null;
const requireData = process.env.MEDSIGHT_REQUIRE_DATA === '1';

function skip(reason) {
  if (requireData) {
    console.error('FAIL (MEDSIGHT_REQUIRE_DATA=1): ' + reason);
    process.exit(1);
  }
  console.log('SKIP: ' + reason);
  process.exit(SKIP);
}

/** A reason to skip found after the server started. */
class SkipTest extends Error {}

const webRoot = path.join(repo, 'web/dist');
if (!fs.existsSync(path.join(webRoot, 'index.html'))) skip(`${webRoot}/index.html missing: run scripts/setup.sh (npm ci + npm run build in web/)`);
let chromium;
try {
  ({chromium} = require(path.join(repo, 'web/node_modules/playwright-core')));
} catch (e) {
  skip('web/node_modules/playwright-core missing: run scripts/setup.sh (npm ci in web/)');
}
if (!fs.existsSync('/usr/bin/chromium')) skip('/usr/bin/chromium missing (Debian package chromium)');
if (!medsight || !fs.existsSync(medsight)) {
  console.error('FAIL: --medsight ' + medsight + ': executable not found');
  process.exit(1);
}


async function main() {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'medsight-web-e2e-'));
  addUser(medsight, data, 'radiologist', 'radiologist');
  addUser(medsight, data, 'researcher', 'researcher');
  const {child, port} = await startServer(medsight, webRoot, repo, data);
  const base = `http://127.0.0.1:${port}`;
  const consoleErrors = [];
  const steps = [];
  const note = (s) => { steps.push(s); console.log('ok - ' + s); };
  let browser;
  try {
    const {list, token: radiologistToken} = await waitForAnalysis(base);
    if (!list.length) throw new SkipTest('the demo loaded no studies (datasets not found; set MEDSIGHT_DATA)');
    const positive = list.filter((s) => s.urgency_tier === 2);
    // Thrown, not exited, so that `finally` stops the server.
    if (!positive.length) throw new SkipTest('no AI-positive study in the demo data (are datasets/pneumoniamnist and models/pneumonia-cxr present?)');
    const top = list[0];
    note(`server on ${base}: ${list.length} studies on the worklist, top ${top.description}`);

    browser = await chromium.launch({executablePath: '/usr/bin/chromium', headless: true,
                                     args: ['--no-sandbox', '--disable-gpu', '--no-first-run']});
    const context = await browser.newContext({viewport: {width: 1366, height: 768}});
    const page = await context.newPage();
    let expect401 = false;
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (expect401 && /status of 401/.test(m.text())) return;  // the refused login's response
      consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    // Offline once built: nothing but the MedSight server may be contacted.
    const foreign = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    const shot = async (name) => {
      if (!shots) return;
      fs.mkdirSync(shots, {recursive: true});
      await page.evaluate(() => { document.getElementById('toast').className = ''; });
      await page.screenshot({path: path.join(shots, name + '.png')});
    };

    // --- bad login refused
    await page.goto(base + '/');
    await page.waitForSelector('#login-username');
    await page.fill('#login-username', 'radiologist');
    await page.fill('#login-password', 'not-the-password');
    expect401 = true;
    await page.click('#login-submit');
    await page.waitForFunction(() => document.querySelector('#login-error').textContent.length > 0);
    expect401 = false;
    assert.match(await page.textContent('#login-error'), /Wrong user name or password/);
    assert.strictEqual(await page.$('#worklist'), null, 'worklist shown after a bad login');
    assert.strictEqual(await page.evaluate(() => sessionStorage.getItem('medsight.session')), null);
    note('bad login refused with a message, no session stored');

    // --- radiologist logs in, worklist
    await page.fill('#login-password', PASSWORDS.radiologist);
    await shot('login');
    await page.click('#login-submit');
    await page.waitForSelector('#worklist tbody tr');
    assert.match(await page.textContent('#whoami'), /radiologist/);
    const firstRow = await page.$eval('#worklist tbody tr', (tr) => ({uid: tr.dataset.studyUid, text: tr.textContent}));
    assert.strictEqual(firstRow.uid, top.study_uid, 'worklist not in triage order');
    assert.match(firstRow.text, /AI positive/);
    assert.match(firstRow.text, /pneumonia \d/);
    assert.match(firstRow.text, /CR/);
    assert.match(firstRow.text, /Sample/, 'radiologist should see the patient name');
    await shot('worklist');
    // Filters and sorting.
    const rows = await page.$$eval('#worklist tbody tr', (r) => r.length);
    await page.selectOption('#filter-modality', 'MR');
    const mrRows = await page.$$eval('#worklist tbody tr', (r) => r.map((x) => x.textContent));
    assert.ok(mrRows.length > 0 && mrRows.length < rows && mrRows.every((t) => /MR/.test(t)), 'modality filter');
    await page.selectOption('#filter-modality', '');
    await page.click('#worklist th:nth-child(6) button');  // AI finding, descending
    await page.click('#worklist th:nth-child(6) button');  // ascending
    const probs = await page.$$eval('#worklist tbody tr td:nth-child(6)', (c) => c.map((x) => x.textContent));
    assert.strictEqual(probs[probs.length - 1].includes('pneumonia'), true, 'ascending sort puts the highest last');
    await page.click('text=Triage order');
    note(`worklist: ${rows} rows, triage order, modality filter, sort by AI finding`);

    // --- open the top study: image renders
    await page.click('#worklist tbody tr:first-child');
    await page.waitForSelector('body[data-image-loaded]', {timeout: 30000});
    await page.waitForTimeout(300);
    const canvases = await page.$$('.viewport .layerGroup canvas');
    assert.ok(canvases.length >= 1, 'no canvas in the viewer');
    const image = await canvasStats(page, '.viewport .layerGroup canvas');
    assert.ok(image.painted > 100 && image.variance > 50, 'image canvas is blank: ' + JSON.stringify(image));
    note(`image rendered: ${image.width}x${image.height} canvas, pixel variance ${image.variance.toFixed(0)}`);

    // --- AI panel: probability, threshold, model card
    const ai = await page.textContent('.tabpanel');
    assert.match(ai, /Calibrated probability/);
    assert.match(ai, /threshold/);
    assert.match(ai, /pneumonia-cxr/);
    await page.click('.model-card-link');
    await page.waitForSelector('#model-card-dialog h1');
    assert.match(await page.textContent('#model-card-dialog'), /Model card: pneumonia-cxr/);
    await page.click('#model-card-dialog button');
    note('AI panel: calibrated probability, operating threshold, model card');

    // --- heatmap overlay toggled, opacity
    await page.waitForSelector('body[data-heatmap-loaded]', {timeout: 20000});
    await page.waitForFunction(() => !document.querySelector('#heatmap-toggle').disabled);
    const layerCount = await page.$$eval('.viewport .layerGroup canvas', (c) => c.length);
    assert.ok(layerCount >= 2, 'heatmap layer missing');
    // dwv draws the heatmap layer with the chosen opacity (canvas alpha); hidden = nothing drawn.
    const heatSel = '.viewport .layerGroup .layer:nth-child(2) canvas';
    const hidden = await canvasStats(page, heatSel);
    await page.click('#heatmap-toggle');
    await page.waitForTimeout(300);
    const shown = await canvasStats(page, heatSel);
    assert.ok(hidden.painted === 0, 'heatmap drawn before it was switched on: ' + JSON.stringify(hidden));
    assert.ok(shown.painted > 100 && shown.coloured > 0, 'heatmap not drawn: ' + JSON.stringify(shown));
    const alphaAt = (opacity) => page.$eval(heatSel, (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let max = 0;
      for (let i = 3; i < d.length; i += 4) max = Math.max(max, d[i]);
      return max;
    });
    const alpha50 = await alphaAt();
    await page.fill('#heatmap-opacity', '90');
    await page.dispatchEvent('#heatmap-opacity', 'input');
    await page.waitForTimeout(300);
    const alpha90 = await alphaAt();
    assert.ok(alpha90 > alpha50, `opacity slider not applied (alpha ${alpha50} -> ${alpha90})`);
    note(`heatmap overlay: off (0 px) -> on (${shown.painted} px, ${shown.coloured} coloured), alpha ${alpha50} -> ${alpha90} with the slider`);
    await page.fill('#heatmap-opacity', '50');
    await page.dispatchEvent('#heatmap-opacity', 'input');
    await shot('viewer-heatmap');

    // --- review: accept, sign; state and audit
    await page.click('#tab-review');
    const findingId = await page.$eval('.tabpanel article[data-finding-id]', (a) => a.dataset.findingId);
    await page.fill('#comment-' + findingId, 'Agree: right lower lobe opacity.');
    await page.click('#accept-' + findingId);
    await page.waitForFunction((id) => document.querySelector(`article[data-finding-id="${id}"] .review-status`)?.textContent === 'accepted', findingId);
    assert.match(await page.textContent('#study-state'), /reviewed/);
    await page.fill('#report-text', 'Consolidation consistent with pneumonia.');
    await page.click('#report-save');
    await page.waitForSelector('#report-comparison:not(:empty)').catch(() => {});
    await page.waitForFunction(() => !document.querySelector('#sign-button').disabled);
    await page.click('#sign-button');
    await page.click('#sign-cancel');  // the confirmation can be declined
    assert.match(await page.textContent('#study-state'), /reviewed/);
    await page.click('#sign-button');
    await page.click('#sign-confirm');
    await page.waitForFunction(() => document.querySelector('#study-state').textContent === 'signed');
    assert.match(await page.textContent('#header-state'), /signed/);
    await shot('review-signed');
    note('finding accepted with a comment, report text saved, study signed');

    await page.click('#tab-history');
    await page.waitForSelector('#audit-history li');
    const history = await page.textContent('#audit-history');
    assert.match(history, /finding #\d+ accept/);
    assert.match(history, /signed/);
    assert.match(history, /radiologist/);
    note('audit history lists the acceptance and the signature by the radiologist');

    await page.click('#tab-report');
    await page.waitForSelector('#report-frame');
    const reportText = await page.frameLocator('#report-frame').locator('body').textContent();
    assert.match(reportText, /pneumonia/i);
    await page.click('#report-enlarge');
    await page.waitForSelector('#report-dialog iframe');
    await page.waitForTimeout(300);
    await shot('report-preview');
    await page.click('#report-dialog-close');
    note('signed report preview shown');

    await page.click('#tab-summary');
    await page.waitForSelector('#patient-summary');
    const en = await page.textContent('#patient-summary');
    assert.match(en, /doctor/i);
    await shot('patient-summary');
    await page.click('#summary-lang-zh');
    await page.waitForSelector('#patient-summary[lang="zh"]');
    const zh = await page.textContent('#patient-summary');
    assert.match(zh, /[\u4e00-\u9fff]/, 'Chinese summary has no Chinese characters');
    await shot('patient-summary-zh');
    note('patient summary in English and Chinese');

    // --- keyboard: next study
    await page.click('body');
    await page.keyboard.press('j');
    await page.waitForFunction((uid) => location.hash.startsWith('#/study/') && !location.hash.includes(encodeURIComponent(uid)), top.study_uid);
    note('J opens the next study of the worklist');
    // R rejects the selected finding of this study (the second AI-positive chest X-ray).
    const second = decodeURIComponent((await page.evaluate(() => location.hash)).slice('#/study/'.length));
    await page.waitForSelector('article.finding.selected');
    const secondFinding = await page.$eval('article.finding.selected', (a) => a.dataset.findingId);
    await page.click('#study-title');
    await page.keyboard.press('r');
    await page.waitForFunction((id) => document.querySelector('#finding-status-' + id)?.textContent === 'rejected', secondFinding);
    const secondState = await apiJson(base, 'GET', '/api/studies/' + encodeURIComponent(second), radiologistToken);
    assert.strictEqual(secondState.json.findings.find((f) => String(f.id) === secondFinding).status, 'rejected');
    assert.strictEqual(secondState.json.study.state, 'reviewed');
    // A accepts it again (a doctor may change their mind until signing).
    await page.keyboard.press('a');
    await page.waitForFunction((id) => document.querySelector('#finding-status-' + id)?.textContent === 'accepted', secondFinding);
    // Edit: the doctor records the finding as absent.
    await page.click('#tab-review');
    await page.selectOption('#edit-present-' + secondFinding, 'false');
    await page.click('#edit-' + secondFinding);
    await page.waitForFunction((id) => document.querySelector(`article[data-finding-id="${id}"] .review-status`)?.textContent === 'edited', secondFinding);
    const edited = (await apiJson(base, 'GET', '/api/studies/' + encodeURIComponent(second), radiologistToken))
      .json.findings.find((f) => String(f.id) === secondFinding);
    assert.strictEqual(edited.doctor_present, false);
    note('R / A keys reject and accept the selected finding; edit records it absent (checked through the API)');

    // --- CT: slice scrolling, window presets, distance measurement
    const ct = list.find((s) => (s.modalities || []).includes('CT'));
    if (ct) {
      await page.goto(base + '/#/study/' + encodeURIComponent(ct.study_uid));
      const studyJson = await page.evaluate(async (uid) => {
        const t = JSON.parse(sessionStorage.getItem('medsight.session')).token;
        return (await fetch('/api/studies/' + encodeURIComponent(uid), {headers: {Authorization: 'Bearer ' + t}})).json();
      }, ct.study_uid);
      const ctSeries = studyJson.series.find((s) => s.modality === 'CT');
      await page.waitForSelector('#series-select option', {state: 'attached'});
      await page.selectOption('#series-select', ctSeries.series_uid);
      await page.waitForFunction((uid) => document.body.dataset.imageLoaded === uid, ctSeries.series_uid, {timeout: 60000});
      await page.waitForFunction(() => /Slice \d+ \/ \d+/.test(document.querySelector('#slice-info').textContent));
      const before = await page.textContent('#slice-info');
      await page.click('.viewport .layerGroup');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      const after = await page.textContent('#slice-info');
      assert.notStrictEqual(before, after, 'slice scrolling did nothing');
      await page.click('button[data-preset="lung"]');
      assert.match(await page.textContent('#wl-info'), /W 1500\s+C -600/);
      await page.keyboard.press('2');
      assert.match(await page.textContent('#wl-info'), /W 400\s+C 40/);
      // Zoom (wheel) and pan (drag) with the Zoom/Pan tool; 0 resets.
      const view = () => page.evaluate(() => {
        const g = window.medsightViewer.app.getActiveLayerGroup();
        return {scale: g.getScale().x, offset: g.getOffset().x};
      });
      const initial = await view();
      await page.click('button[data-tool="ZoomAndPan"]');
      const vbox = await (await page.$('.viewport .layerGroup')).boundingBox();
      await page.mouse.move(vbox.x + vbox.width / 2, vbox.y + vbox.height / 2);
      await page.mouse.wheel(0, -300);
      await page.waitForTimeout(200);
      const zoomed = await view();
      assert.ok(zoomed.scale > initial.scale, `wheel did not zoom (${initial.scale} -> ${zoomed.scale})`);
      await page.mouse.down();
      await page.mouse.move(vbox.x + vbox.width / 2 + 80, vbox.y + vbox.height / 2 + 40, {steps: 5});
      await page.mouse.up();
      const panned = await view();
      assert.notStrictEqual(panned.offset, zoomed.offset, 'drag did not pan');
      await page.keyboard.press('0');
      const reset = await view();
      assert.ok(Math.abs(reset.scale - initial.scale) < 1e-9, 'reset did not restore the zoom');
      note(`zoom ${initial.scale.toFixed(2)} -> ${zoomed.scale.toFixed(2)}, pan, reset`);
      await page.keyboard.press('2');  // back to the mediastinum window for the measurement
      await page.click('button[data-tool="Ruler"]');
      const box = await (await page.$('.viewport .layerGroup')).boundingBox();
      await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.4);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.55, {steps: 5});
      await page.mouse.up();
      await page.waitForTimeout(300);
      await page.waitForFunction(() => /Distance 1: [\d.]+ mm/.test(document.querySelector('#measurements').textContent), null, {timeout: 5000});
      const label = await page.textContent('#measurements');
      const ctImage = await canvasStats(page, '.viewport .layerGroup canvas');
      assert.ok(ctImage.variance > 10, 'CT canvas blank');
      note(`CT: ${before} -> ${after} with arrow keys, lung/mediastinum presets, ruler drawn (${label})`);
      await shot('viewer-ct');

      // JPEG Lossless (the compressed syntax PACS often send): dwv decodes it in a web worker
      // served from web/dist/assets/workers.
      if (spawnSync('dcmcjpeg', ['--version']).status === 0) {
        const uid = () => '2.25.' + BigInt('0x' + crypto.randomBytes(15).toString('hex')).toString();
        const [jpegStudy, jpegSeries] = [uid(), uid()];
        const instances = (await apiJson(base, 'GET', '/api/series/' + ctSeries.series_uid + '/instances',
                                         radiologistToken)).json.instances.slice(0, 4);
        for (const [n, instance] of instances.entries()) {
          const r = await fetch(base + '/api/instances/' + instance.sop_instance_uid,
                                {headers: {Authorization: 'Bearer ' + radiologistToken}});
          const plain = path.join(data, `ct${n}.dcm`), jpeg = path.join(data, `ct${n}-jpeg.dcm`);
          fs.writeFileSync(plain, Buffer.from(await r.arrayBuffer()));
          assert.strictEqual(spawnSync('dcmcjpeg', ['+e1', plain, jpeg]).status, 0, 'dcmcjpeg failed');
          assert.strictEqual(spawnSync('dcmodify', ['-nb', '-gin', '-m', 'StudyInstanceUID=' + jpegStudy,
            '-m', 'SeriesInstanceUID=' + jpegSeries, '-m', 'PatientID=E2E-JPEG', jpeg]).status, 0, 'dcmodify failed');
          const up = await fetch(base + '/api/studies', {method: 'POST', body: fs.readFileSync(jpeg),
            headers: {Authorization: 'Bearer ' + radiologistToken, 'Content-Type': 'application/dicom'}});
          assert.strictEqual(up.status, 201, 'upload of the JPEG Lossless instance failed');
        }
        const workers = [];
        page.on('request', (r) => { if (r.url().includes('/assets/workers/')) workers.push(r.url()); });
        await page.goto(base + '/#/study/' + encodeURIComponent(jpegStudy));
        await page.waitForFunction((uid) => document.body.dataset.imageLoaded === uid, jpegSeries, {timeout: 60000});
        const jpegImage = await canvasStats(page, '.viewport .layerGroup canvas');
        assert.ok(jpegImage.variance > 10, 'JPEG Lossless CT canvas blank');
        assert.ok(workers.some((u) => u.includes('jpegloss')), 'no JPEG lossless decoder worker loaded');
        note(`JPEG Lossless CT (${instances.length} slices, uploaded) decoded in dwv's worker, variance ${jpegImage.variance.toFixed(0)}`);
      } else {
        note('dcmcjpeg (DCMTK) missing: compressed-DICOM check not run');
      }
    } else {
      note('no CT study in the demo data: slice scrolling/presets/ruler not exercised');
    }

    // --- brain MR with its heatmap (when the brain-mri-tumour model is installed)
    const mr = list.find((s) => s.urgency_tier === 2 && (s.modalities || []).includes('MR'));
    if (mr) {
      await page.goto(base + '/#/study/' + encodeURIComponent(mr.study_uid));
      await page.waitForFunction(() => document.body.dataset.heatmapLoaded &&
        document.querySelector('#heatmap-toggle') && !document.querySelector('#heatmap-toggle').disabled, null, {timeout: 30000});
      await page.click('#heatmap-toggle');
      await page.waitForTimeout(300);
      const mrHeat = await canvasStats(page, '.viewport .layerGroup .layer:nth-child(2) canvas');
      assert.ok(mrHeat.painted > 100, 'MR heatmap not drawn');
      await shot('viewer-heatmap-mr');
      note(`brain MR: heatmap drawn over the image (${mrHeat.painted} px)`);
    }

    // --- researcher: no identified data
    await page.click('#logout-button');
    await page.waitForSelector('#login-username');
    await page.fill('#login-username', 'researcher');
    await page.fill('#login-password', PASSWORDS.researcher);
    await page.click('#login-submit');
    await page.waitForSelector('#worklist tbody tr');
    const researcherText = await page.textContent('body');
    // Identifiers that appear nowhere but in the identified fields (the STS sample's patient ID
    // is also part of its study description, which is not an identified field).
    const identifiers = (s) => [s.patient_name, (s.patient_name || '').split('^')[1],
      s.patient_id, s.accession_number].filter((v) => v && v.length > 2 && !(s.description || '').includes(v));
    for (const s of list) {
      for (const v of identifiers(s)) assert.ok(!researcherText.includes(v), `researcher sees "${v}"`);
    }
    assert.match(researcherText, /anon-/);
    assert.match(researcherText, /pneumonia \d/, 'researcher should see the de-identified AI results');
    await page.click('#worklist tbody tr:first-child');
    await page.waitForSelector('.viewport .message:not([hidden])');
    const researcherStudy = await page.textContent('body');
    assert.match(researcherStudy, /de-identified/);
    assert.strictEqual(await page.$eval('button[data-tool="WindowLevel"]', (b) => b.disabled), true,
                       'viewer tools enabled without an image');
    for (const s of list) for (const v of identifiers(s)) assert.ok(!researcherStudy.includes(v), `researcher study view shows "${v}"`);
    const researcherLogin = await apiJson(base, 'POST', '/api/auth/login', null,
                                          {username: 'researcher', password: PASSWORDS.researcher});
    const direct = (await apiJson(base, 'GET', '/api/worklist', researcherLogin.json.token)).status;
    assert.strictEqual(direct, 403, 'researcher could read the identified worklist');
    note('researcher: pseudonymised list, no patient names or accession numbers, no images');

    assert.deepStrictEqual(foreign, [], 'the page contacted other hosts');
    assert.deepStrictEqual(consoleErrors, [], 'console errors');
    note('no console errors, no request outside the MedSight server');
    console.log(`PASS: ${steps.length} checks`);
  } finally {
    if (browser) await browser.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (process.env.MEDSIGHT_KEEP_E2E !== '1') fs.rmSync(data, {recursive: true, force: true});
  }
}

main().catch((e) => {
  if (e instanceof SkipTest) skip(e.message);
  console.error('FAIL: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
