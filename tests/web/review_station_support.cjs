// Helpers of the web review station's browser test: users, the server, API calls, canvas
// statistics. Used by review_station_e2e.cjs.
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const {spawn, spawnSync} = require('child_process');

const PASSWORDS = {radiologist: 'e2e-radiologist-pass', researcher: 'e2e-researcher-pass'};

function addUser(medsight, data, name, role) {
  const r = spawnSync(medsight, ['user', 'add', name, '--role', role, '--data', data,
                                 '--display-name', `E2E ${role}`],
                      {input: PASSWORDS[name] + '\n', encoding: 'utf8'});
  if (r.status !== 0) throw new Error(`medsight user add ${name}: ${r.stderr}`);
}

async function startServer(medsight, webRoot, repo, data) {
  const ready = path.join(data, 'ready.json');
  const log = fs.openSync(path.join(data, 'server.log'), 'w');
  const child = spawn(medsight, ['serve', '--demo', '--data', data, '--port', '0', '--dicom-port', '0',
                                 '--ready-file', ready, '--web-root', webRoot,
                                 '--models', path.join(repo, 'models'), '--workers', '1'],
                      {stdio: ['ignore', log, log]});
  for (let i = 0; i < 600; ++i) {
    if (fs.existsSync(ready)) return {child, port: JSON.parse(fs.readFileSync(ready, 'utf8')).http_port};
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  throw new Error('medsight serve did not start:\n' + fs.readFileSync(path.join(data, 'server.log'), 'utf8'));
}

async function apiJson(base, method, p, token, body) {
  const headers = token ? {Authorization: 'Bearer ' + token} : {};
  if (body) headers['Content-Type'] = 'application/json';
  const r = await fetch(base + p, {method, headers, body: body ? JSON.stringify(body) : undefined});
  return {status: r.status, json: await r.json().catch(() => null)};
}

/** Waits until every demo study has been analysed or refused by the quality gate. */
async function waitForAnalysis(base) {
  const login = await apiJson(base, 'POST', '/api/auth/login', null,
                              {username: 'radiologist', password: PASSWORDS.radiologist});
  assert.strictEqual(login.status, 200, 'API login failed');
  const token = login.json.token;
  for (let i = 0; i < 480; ++i) {
    const jobs = (await apiJson(base, 'GET', '/api/jobs', token)).json.jobs;
    const busy = jobs.filter((j) => j.state === 'pending' || j.state === 'running').length;
    const list = (await apiJson(base, 'GET', '/api/worklist', token)).json.worklist;
    // Demo studies start as "new" until their series are complete and analysed (or refused).
    if (list.length && !busy && list.every((s) => s.state !== 'new')) return {list, token};
    // The demo stores its studies before the server reports ready: none means no datasets.
    if (!list.length && i >= 4) return {list, token};
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('analysis did not finish within 240 s');
}

async function canvasStats(page, selector) {
  return page.$eval(selector, (c) => {
    const ctx = c.getContext('2d');
    const {data} = ctx.getImageData(0, 0, c.width, c.height);
    let n = 0, sum = 0, sum2 = 0, coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      const v = (data[i] + data[i + 1] + data[i + 2]) / 3;
      ++n; sum += v; sum2 += v * v;
      if (Math.abs(data[i] - data[i + 2]) > 30) ++coloured;
    }
    const mean = n ? sum / n : 0;
    return {width: c.width, height: c.height, painted: n, mean, variance: n ? sum2 / n - mean * mean : 0,
            coloured, opacity: getComputedStyle(c).opacity};
  });
}

module.exports = {PASSWORDS, addUser, startServer, apiJson, waitForAnalysis, canvasStats};
