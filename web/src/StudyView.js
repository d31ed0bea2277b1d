import {instanceUrl} from './api.js';
import {renderAiPanel} from './AiPanel.js';
import {DicomViewer, WINDOW_PRESETS} from './DicomViewer.js';
import {h, mount, personName, dicomDate, toast} from './dom.js';
import {renderHistory, renderPatientSummary, renderReportPreview} from './ReportTabs.js';
import {ReviewPanel} from './ReviewPanel.js';

const TABS = [
  {key: 'ai', label: 'AI'},
  {key: 'review', label: 'Review'},
  {key: 'report', label: 'Report'},
  {key: 'summary', label: 'Patient'},
  {key: 'history', label: 'History'},
];

// Modalities without pixel data (structured reports, RT structures, presentation states).
const NON_IMAGE = new Set(['SR', 'RTSTRUCT', 'RTPLAN', 'RTDOSE', 'PR', 'KO', 'SEG', 'REG']);
// Anatomical images first: the reader usually starts with CT/MR/radiographs.
const ORDER = ['CT', 'MR', 'CR', 'DX', 'MG', 'US', 'XA', 'NM', 'PT'];
const rank = (m) => (ORDER.includes(m) ? ORDER.indexOf(m) : ORDER.length);

/** Series the viewer can show: acquired images; heatmaps are shown as overlays. */
function viewableSeries(series) {
  return series.filter((s) => s.origin === 'acquired' && !NON_IMAGE.has(s.modality) && s.instances > 0)
    .sort((a, b) => rank(a.modality) - rank(b.modality) || a.series_number - b.series_number);
}

/** One study: viewer on the left, AI / review / report / patient summary / history tabs. */
export class StudyView {
  constructor(root, api, studyUid) {
    this.root = root;
    this.api = api;
    this.studyUid = studyUid;
    this.detail = null;
    this.selection = {findingId: null};
    this.tab = 'ai';
    this.seriesUid = null;
  }

  async open() {
    // Markers for automated tests and diagnostics: what this screen has shown so far.
    delete document.body.dataset.imageLoaded;
    delete document.body.dataset.heatmapLoaded;
    mount(this.root, h('p', {class: 'muted', style: 'padding:16px'}, 'Loading study…'));
    try {
      await this.refresh();
      if (this.destroyed) return;  // the reader moved on while this was loading
    } catch (e) {
      if (this.destroyed) return;
      mount(this.root, h('p', {class: 'error', style: 'padding:16px'}, e.message));
      return;
    }
    const header = h('div', {class: 'study-head'});
    const viewerRoot = h('div', {class: 'viewer-root', style: 'display:flex;flex-direction:column;flex:1;min-height:0'});
    this.tabButtons = TABS.map((t) => h('button', {type: 'button', role: 'tab', id: 'tab-' + t.key,
      'aria-selected': String(t.key === this.tab), onclick: () => this.showTab(t.key)}, t.label));
    this.panel = h('div', {class: 'tabpanel', role: 'tabpanel'});
    this.header = header;
    mount(this.root, h('div', {class: 'study'},
      h('section', {class: 'viewer-pane', 'aria-label': 'Images'}, header, viewerRoot),
      h('aside', {class: 'side', 'aria-label': 'AI and review'},
        h('div', {class: 'tabs', role: 'tablist'}, this.tabButtons), this.panel)));
    this.review = new ReviewPanel(this.panel, this.api, () => this.changed());
    this.renderHeader();
    this.showTab(this.tab);
    this.viewer = new DicomViewer(viewerRoot, this.api);
    window.medsightViewer = this.viewer;  // for diagnostics from the browser console
    await this.showImages();
  }

  async refresh() {
    this.detail = await this.api.get('/api/studies/' + encodeURIComponent(this.studyUid));
    const f = this.detail.findings;
    if (!f.some((x) => x.id === this.selection.findingId)) {
      const open = f.find((x) => x.status === 'proposed') || f[0];
      this.selection.findingId = open ? open.id : null;
    }
  }

  async changed() {
    await this.refresh();
    if (this.destroyed) return;
    this.renderHeader();
    this.showTab(this.tab);
  }

  renderHeader() {
    const s = this.detail.study;
    mount(this.header,
      h('h2', {id: 'study-title'}, s.identified ? personName(s.patient_name) || s.patient_id : s.patient_id),
      h('span', {class: 'meta'}, s.identified
        ? `ID ${s.patient_id} · ${s.patient_sex || ''} · ${dicomDate(s.study_date)} · Acc ${s.accession_number || '—'}`
        : `${s.patient_sex || ''} · ${s.study_year || ''} (de-identified)`),
      h('span', {class: 'meta'}, s.description),
      h('span', {class: 'badge ' + s.state, id: 'header-state'}, s.state.replace('_', ' ')));
  }

  showTab(key) {
    this.tab = key;
    for (const b of this.tabButtons) b.setAttribute('aria-selected', String(b.id === 'tab-' + key));
    const d = this.detail;
    if (key === 'ai') {
      renderAiPanel(this.panel, this.api, d, this.selection, (id) => this.select(id));
    } else if (key === 'review') {
      this.review.render(d, this.selection);
    } else if (key === 'report') {
      renderReportPreview(this.panel, this.api, d);
    } else if (key === 'summary') {
      renderPatientSummary(this.panel, this.api, d);
    } else if (key === 'history') {
      renderHistory(this.panel, this.api, d);
    }
  }

  select(findingId) {
    this.selection.findingId = findingId;
    this.showTab(this.tab);
    this.showOverlay();
  }

  async showImages() {
    const all = viewableSeries(this.detail.series);
    if (!this.api.can('view-identified-study')) {
      this.viewer.showMessage('Images carry identified data (DICOM headers); your role sees ' +
                              'de-identified results only.');
      return;
    }
    if (!all.length) {
      this.viewer.showMessage('No images stored for this study.');
      return;
    }
    // Start with the series the selected AI finding is about, else the first.
    const finding = this.detail.findings.find((f) => f.id === this.selection.findingId);
    let start = all[0].series_uid;
    if (finding) {
      for (const s of all) {
        const list = await this.instances(s.series_uid);
        if (list.some((i) => i.sop_instance_uid === finding.instance_uid)) start = s.series_uid;
      }
    }
    if (this.destroyed) return;
    this.viewer.setSeries(all, start, (uid) => this.loadSeries(uid));
    await this.loadSeries(start);
  }

  async instances(seriesUid) {
    this.instanceCache = this.instanceCache || new Map();
    if (!this.instanceCache.has(seriesUid)) {
      const out = await this.api.get('/api/series/' + encodeURIComponent(seriesUid) + '/instances');
      this.instanceCache.set(seriesUid, out.instances);
    }
    return this.instanceCache.get(seriesUid);
  }

  async loadSeries(uid) {
    this.seriesUid = uid;
    const s = this.detail.series.find((x) => x.series_uid === uid);
    try {
      const list = await this.instances(uid);
      if (this.destroyed || this.seriesUid !== uid) return;
      await this.viewer.load(list.map((i) => instanceUrl(i.sop_instance_uid)), s.modality);
      document.body.dataset.imageLoaded = uid;
      await this.showOverlay();
    } catch (e) {
      if (this.destroyed || this.seriesUid !== uid) return;  // left while loading
      this.viewer.showMessage('Images could not be shown: ' + e.message);
      toast(e.message, true);
    }
  }

  /** Adds the selected finding's heatmap (a derived DICOM image) when it belongs here. */
  async showOverlay() {
    const finding = this.detail.findings.find((f) => f.id === this.selection.findingId);
    if (!finding || !finding.heatmap_series_uid || !this.viewer.app) return;
    const list = await this.instances(this.seriesUid);
    if (!list.some((i) => i.sop_instance_uid === finding.instance_uid)) return;
    if (this.viewer.overlayFor === finding.id) return;
    const heat = await this.instances(finding.heatmap_series_uid);
    if (!heat.length || this.destroyed) return;
    try {
      await this.viewer.loadOverlay(instanceUrl(heat[0].sop_instance_uid));
      this.viewer.overlayFor = finding.id;
      document.body.dataset.heatmapLoaded = finding.heatmap_series_uid;
    } catch (e) {
      if (this.destroyed) return;
      toast('Heatmap could not be shown: ' + e.message, true);
    }
  }

  /** Keyboard shortcuts handled by the study screen; returns true when used. */
  key(e) {
    const k = e.key;
    if (k === 'a' || k === 'A') { this.review.detail = this.detail; this.review.selection = this.selection; this.review.reviewSelected('accept'); return true; }
    if (k === 'r' || k === 'R') { this.review.detail = this.detail; this.review.selection = this.selection; this.review.reviewSelected('reject'); return true; }
    if (k === 's' || k === 'S') { this.review.detail = this.detail; this.review.sign(); return true; }
    if (!this.viewer) return false;
    if (k === 'h' || k === 'H') { this.viewer.setOverlayVisible(!this.viewer.overlayVisible); return true; }
    if (k >= '1' && k <= String(WINDOW_PRESETS.length)) { this.viewer.applyPreset(WINDOW_PRESETS[Number(k) - 1].key); return true; }
    if (k === 'ArrowUp') { this.viewer.scroll(-1); return true; }
    if (k === 'ArrowDown') { this.viewer.scroll(1); return true; }
    if (k === '0') { this.viewer.reset(); return true; }
    return false;
  }

  destroy() {
    this.destroyed = true;
    if (this.viewer) this.viewer.destroy();
  }
}
