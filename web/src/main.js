// MedSight review station: hash routes #/login, #/worklist, #/study/<uid>.
import {ApiClient} from './api.js';
import {toast} from './dom.js';
import {renderLogin} from './LoginView.js';
import {StudyView} from './StudyView.js';
import {renderWorklist} from './WorklistView.js';

const api = new ApiClient();
const root = document.getElementById('app');
const worklistState = {unsigned: true, order: []};
let study = null;
let routeToken = 0;

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function updateUserBar() {
  const who = document.getElementById('whoami');
  const user = api.user;
  who.textContent = user ? `${user.display_name || user.username} · ${user.role}` : '';
  document.getElementById('logout-button').hidden = !user;
  document.getElementById('help-button').hidden = !user;
}

async function route() {
  const token = ++routeToken;
  if (study) {
    study.destroy();
    study = null;
  }
  updateUserBar();
  const hash = location.hash || '#/worklist';
  if (!api.token) {
    document.title = 'Log in · MedSight';
    renderLogin(root, api, () => go(hash.startsWith('#/login') ? '#/worklist' : hash));
    return;
  }
  if (hash.startsWith('#/study/')) {
    const uid = decodeURIComponent(hash.slice('#/study/'.length));
    worklistState.lastOpened = uid;
    document.title = 'Study · MedSight';
    study = new StudyView(root, api, uid);
    await study.open();
    return;
  }
  document.title = 'Worklist · MedSight';
  await renderWorklist(root, api, worklistState,
                       (uid) => go('#/study/' + encodeURIComponent(uid)), () => token === routeToken);
}

/** Next / previous study in the worklist's current order (filters and sort applied). */
async function step(delta) {
  if (!worklistState.order.length) {
    const list = api.can('view-identified-study')
      ? (await api.get('/api/worklist')).worklist : (await api.get('/api/studies')).studies;
    worklistState.order = list.map((s) => s.study_uid);
  }
  const order = worklistState.order;
  const current = study ? study.studyUid : worklistState.lastOpened;
  let i = order.indexOf(current);
  i = i < 0 ? (delta > 0 ? 0 : order.length - 1) : i + delta;
  if (i < 0 || i >= order.length) {
    toast(delta > 0 ? 'End of the worklist' : 'Start of the worklist');
    return;
  }
  go('#/study/' + encodeURIComponent(order[i]));
}

document.addEventListener('keydown', (e) => {
  if (!api.token || e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' ||
            t.isContentEditable)) {
    if (e.key === 'Escape') t.blur();
    return;
  }
  let used = true;
  if (e.key === 'j' || e.key === 'J') step(1);
  else if (e.key === 'k' || e.key === 'K') step(-1);
  else if (e.key === 'Escape' && study) go('#/worklist');
  else if (e.key === '?') document.getElementById('help-dialog').showModal();
  else used = study ? study.key(e) : false;
  if (used) e.preventDefault();
});

document.getElementById('logout-button').addEventListener('click', async () => {
  await api.logout().catch(() => {});
  go('#/login');
});
document.getElementById('help-button').addEventListener('click',
  () => document.getElementById('help-dialog').showModal());
api.onUnauthorized = (message) => {
  toast('Session ended: ' + message, true);
  go('#/login');
};
window.addEventListener('hashchange', route);
route();
