import {h, mount, toast} from './dom.js';

/** Signed report preview for the doctor: the server's printable HTML in a sandboxed frame. */
export async function renderReportPreview(root, api, detail) {
  const uid = encodeURIComponent(detail.study.study_uid);
  if (!api.can('view-identified-study')) {
    mount(root, h('p', {class: 'muted'}, 'Reports hold identified data; your role cannot open them.'));
    return;
  }
  mount(root, h('p', {class: 'muted'}, 'Loading report…'));
  try {
    const html = await api.get(`/api/studies/${uid}/reports/html`, {as: 'text'});
    // sandbox="" : no scripts, no navigation, no same-origin access from the report.
    const frame = h('iframe', {class: 'report', id: 'report-frame', sandbox: '',
                               title: 'Report preview'});
    frame.srcdoc = html;
    const download = async (path, name, type) => {
      try {
        const data = await api.get(`/api/studies/${uid}/reports/${path}`, {as: 'arrayBuffer'});
        const url = URL.createObjectURL(new Blob([data], {type}));
        const a = h('a', {href: url, download: name});
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      } catch (e) {
        toast(e.message, true);
      }
    };
    const enlarge = () => {
      let dialog = document.getElementById('report-dialog');
      if (!dialog) {
        dialog = h('dialog', {id: 'report-dialog', class: 'wide'});
        document.body.append(dialog);
      }
      const big = h('iframe', {class: 'report large', sandbox: '', title: 'Report'});
      big.srcdoc = html;
      mount(dialog, big, h('form', {method: 'dialog'}, h('button', {id: 'report-dialog-close'}, 'Close')));
      dialog.showModal();
    };
    const exportable = api.can('export-identified');
    mount(root,
      h('div', {class: 'row'},
        h('strong', {}, detail.study.state === 'signed' ? 'Signed report' : 'Preliminary report (not signed)'),
        h('button', {type: 'button', id: 'report-enlarge', onclick: enlarge}, 'Enlarge'),
        exportable ? h('button', {type: 'button', onclick: () => download('sr', 'report-sr.dcm',
          'application/dicom')}, 'DICOM SR') : null,
        exportable ? h('button', {type: 'button', onclick: () => download('fhir', 'report-fhir.json',
          'application/fhir+json')}, 'FHIR') : null),
      frame);
  } catch (e) {
    mount(root, h('p', {class: 'error'}, e.message));
  }
}

/** The plain-language patient summary (English or Chinese), written from signed results. */
export async function renderPatientSummary(root, api, detail, lang = 'en') {
  const uid = encodeURIComponent(detail.study.study_uid);
  const langButtons = h('div', {class: 'row', role: 'group', 'aria-label': 'Language'},
    [['en', 'English'], ['zh', '中文']].map(([code, label]) => h('button', {type: 'button',
      class: code === lang ? 'active' : '', id: 'summary-lang-' + code, lang: code,
      onclick: () => renderPatientSummary(root, api, detail, code)}, label)));
  if (detail.study.state !== 'signed') {
    mount(root, langButtons, h('p', {class: 'muted', id: 'summary-unavailable'},
      'The patient summary is written from signed results only. Review and sign the study first.'));
    return;
  }
  mount(root, langButtons, h('p', {class: 'muted'}, 'Loading summary…'));
  try {
    const s = await api.get(`/api/studies/${uid}/reports/summary?lang=${lang}`);
    mount(root, langButtons,
      h('article', {class: 'card', id: 'patient-summary', lang: s.language || lang},
        h('div', {class: 'summary-text'}, (s.sentences || [s.text]).map((t) => h('p', {}, t))),
        h('p', {class: 'notice'}, s.notice)));
  } catch (e) {
    mount(root, langButtons, h('p', {class: 'error'}, e.message));
  }
}

/** The study's audit history: who viewed, reviewed, signed or exported it, and when. */
export async function renderHistory(root, api, detail) {
  const uid = encodeURIComponent(detail.study.study_uid);
  mount(root, h('p', {class: 'muted'}, 'Loading history…'));
  try {
    const out = await api.get(`/api/studies/${uid}/audit`);
    const items = out.history.slice().reverse();
    mount(root,
      h('p', {class: 'muted'}, `${items.length} audit records for this study (newest first).`),
      h('ol', {class: 'history', id: 'audit-history', reversed: true}, items.map((e) =>
        h('li', {},
          h('span', {class: 'when'}, e.at.replace('T', ' ').slice(0, 19)), ' ',
          h('strong', {}, e.user), e.role ? ` (${e.role})` : '', ' — ', e.event,
          e.detail ? `: ${e.detail}` : '', e.outcome ? h('span', {class: 'warn'}, ' failed') : null))));
  } catch (e) {
    mount(root, h('p', {class: 'error'}, e.message));
  }
}
