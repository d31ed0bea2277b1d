// DICOM viewer built on dwv (DICOM Web Viewer, npm `dwv`): images are fetched from MedSight's
// /api/instances/{sop_uid} with the session's bearer token, decoded and drawn by dwv.
import {App, AppOptions, Index, ToolConfig, ViewConfig, WindowLevel, logger} from 'dwv';
import {h, mount} from './dom.js';

/** CT window presets in Hounsfield units (centre, width), as used on reading-room consoles. */
export const WINDOW_PRESETS = [
  {key: 'lung', label: 'Lung', center: -600, width: 1500},
  {key: 'mediastinum', label: 'Mediastinum', center: 40, width: 400},
  {key: 'bone', label: 'Bone', center: 400, width: 1800},
  {key: 'brain', label: 'Brain', center: 40, width: 80},
];

const TOOLS = [
  {key: 'WindowLevel', label: 'Window', title: 'Drag to change window/level'},
  {key: 'ZoomAndPan', label: 'Zoom/Pan', title: 'Drag to pan, wheel to zoom'},
  {key: 'Scroll', label: 'Scroll', title: 'Drag or wheel to move through slices'},
  {key: 'Ruler', label: 'Measure', title: 'Click and drag to measure a distance (mm)'},
];

let viewerCount = 0;

/** One viewport with its toolbar; `load` shows a series, `loadOverlay` adds the AI heatmap. */
export class DicomViewer {
  constructor(container, api) {
    this.api = api;
    this.app = null;
    this.mainId = null;
    this.overlayId = null;
    this.overlayVisible = false;
    this.overlayOpacity = 0.5;
    this.modality = '';
    this.sliceText = h('div', {class: 'overlay-text', id: 'slice-info'});
    this.wlText = h('div', {class: 'overlay-text top', id: 'wl-info'});
    this.measureText = h('div', {class: 'overlay-text right', id: 'measurements',
                                 'aria-live': 'polite'});
    this.message = h('div', {class: 'message'}, 'Loading images…');
    this.layerDiv = h('div', {class: 'layerGroup'});
    this.toolButtons = TOOLS.map((t) => h('button', {type: 'button', title: t.title,
      dataset: {tool: t.key}, onclick: () => this.setTool(t.key)}, t.label));
    this.presetButtons = WINDOW_PRESETS.map((p, i) => h('button', {type: 'button',
      dataset: {preset: p.key}, title: `${p.label}: C ${p.center} / W ${p.width} HU (key ${i + 1})`,
      onclick: () => this.applyPreset(p.key)}, p.label));
    this.overlayToggle = h('input', {type: 'checkbox', id: 'heatmap-toggle', disabled: true,
      onchange: () => this.setOverlayVisible(this.overlayToggle.checked)});
    this.overlaySlider = h('input', {type: 'range', id: 'heatmap-opacity', min: 0, max: 100,
      value: 50, disabled: true, 'aria-label': 'Heatmap opacity',
      oninput: () => this.setOverlayOpacity(this.overlaySlider.value / 100)});
    this.seriesSelect = h('select', {id: 'series-select', 'aria-label': 'Series'});
    this.enableTools(false);
    mount(container,
      h('div', {class: 'toolbar', role: 'toolbar', 'aria-label': 'Viewer tools'},
        this.seriesSelect, h('span', {class: 'sep'}), this.toolButtons,
        h('span', {class: 'sep'}), this.presetButtons,
        h('button', {type: 'button', title: 'Reset zoom, pan and window (0)',
                     onclick: () => this.reset()}, 'Reset'),
        h('span', {class: 'sep'}),
        h('label', {title: 'AI heatmap overlay (H)'}, this.overlayToggle, 'Heatmap'),
        this.overlaySlider),
      this.viewport = h('div', {class: 'viewport'}, this.layerDiv, this.wlText, this.sliceText,
                        this.measureText, this.message));
  }

  /** Lists the study's series in the selector; `onSelect(seriesUid)` loads one. */
  setSeries(series, selectedUid, onSelect) {
    mount(this.seriesSelect, series.map((s) => h('option', {value: s.series_uid,
      selected: s.series_uid === selectedUid},
      `${s.modality} #${s.series_number} ${s.description || ''} (${s.instances})`)));
    this.seriesSelect.onchange = () => onSelect(this.seriesSelect.value);
  }

  showMessage(text) {
    this.message.textContent = text;
    this.message.hidden = !text;
  }

  /** Loads the instances (DICOM Part 10 URLs) of one series; resolves when drawn. */
  async load(urls, modality) {
    this.destroy();
    this.modality = modality;
    this.showMessage(`Loading ${urls.length} image${urls.length === 1 ? '' : 's'}…`);
    logger.level = logger.levels.ERROR;
    // A fresh layer div per load: a retired app may still finish a load into its own div.
    this.divId = 'layerGroup' + ++viewerCount;
    const div = h('div', {id: this.divId, class: 'layerGroup', 'aria-label': 'Image viewport',
                          role: 'img'});
    this.layerDiv.replaceWith(div);
    this.layerDiv = div;
    const app = new App();
    const options = new AppOptions({'*': [new ViewConfig(this.divId)]});
    options.tools = {
      WindowLevel: new ToolConfig(), ZoomAndPan: new ToolConfig(), Scroll: new ToolConfig(),
      Draw: new ToolConfig(['Ruler']),
    };
    app.init(options);
    this.app = app;
    this.enableTools(false);
    app.addEventListener('positionchange', () => this.updateText());
    app.addEventListener('wlchange', () => this.updateText());
    for (const type of ['annotationadd', 'annotationupdate', 'annotationremove']) {
      app.addEventListener(type, () => this.updateMeasurements());
    }
    this.mainId = await this.loadData(urls);
    this.showMessage('');
    this.enableTools(true);
    app.fitToContainer();
    this.setTool(urls.length > 1 ? 'Scroll' : 'WindowLevel');
    this.resizeObserver = new ResizeObserver(() => { if (this.app) this.app.fitToContainer(); });
    this.resizeObserver.observe(this.layerDiv);
    this.updateText();
  }

  /** Tools work once an image is shown; the CT window presets only on CT. */
  enableTools(flag) {
    for (const b of this.toolButtons) b.disabled = !flag;
    const ct = flag && this.modality === 'CT';
    for (const [i, b] of this.presetButtons.entries()) {
      const p = WINDOW_PRESETS[i];
      b.disabled = !ct;
      b.title = ct || !flag ? `${p.label}: C ${p.center} / W ${p.width} HU (key ${i + 1})`
        : 'Hounsfield-unit presets apply to CT images';
    }
  }

  loadData(urls) {
    return new Promise((resolve, reject) => {
      const app = this.app;
      let id = null;
      let failed = null;
      const onError = (e) => {
        if (e.dataid !== id) return;
        failed = e.error || new Error('load error');
      };
      const onEnd = (e) => {
        if (e.dataid !== id) return;
        app.removeEventListener('loadend', onEnd);
        app.removeEventListener('error', onError);
        app.removeEventListener('loaditem', onItem);
        if (failed || !app.getData(id)) {
          const why = this.warnings.length ? this.warnings.join('; ')
            : failed ? failed.message || String(failed) : 'no data';
          reject(new Error('the viewer cannot display this series: ' + why));
        } else {
          resolve(id);
        }
      };
      const onItem = (e) => {
        if (e.dataid === id && e.warn && e.warn.length) this.warnings.push(...e.warn.map(String));
      };
      this.warnings = [];
      app.addEventListener('loaditem', onItem);
      app.addEventListener('error', onError);
      app.addEventListener('loadend', onEnd);
      id = app.loadURLs(urls, {
        requestHeaders: [{name: 'Authorization', value: 'Bearer ' + this.api.token}],
        batchSize: 8,
      });
    });
  }

  mainLayer() {
    return this.app ? this.app.getViewLayersByDataId(this.mainId)[0] : undefined;
  }

  setTool(key) {
    if (!this.app) return;
    if (key === 'Ruler') {
      // dwv 0.36: going from Scroll straight to Draw leaves the draw tool without its layer
      // (nothing is drawn); passing through WindowLevel first makes it work.
      this.app.setTool('WindowLevel');
      this.app.setTool('Draw');
      this.app.setToolFeatures({shapeName: 'Ruler'});
    } else {
      this.app.setTool(key);
    }
    for (const b of this.toolButtons) b.classList.toggle('active', b.dataset.tool === key);
  }

  applyPreset(key) {
    const layer = this.mainLayer();
    const preset = WINDOW_PRESETS.find((p) => p.key === key);
    if (!layer || !preset || this.modality !== 'CT') return false;
    layer.getViewController().setWindowLevel(new WindowLevel(preset.center, preset.width));
    for (const b of this.presetButtons) b.classList.toggle('active', b.dataset.preset === key);
    this.updateText();
    return true;
  }

  /** Moves `delta` slices along the scroll axis. */
  scroll(delta) {
    const layer = this.mainLayer();
    if (!layer) return;
    const vc = layer.getViewController();
    if (!vc.canScroll()) return;
    const values = vc.getCurrentIndex().getValues();
    const dim = vc.getScrollDimIndex();
    const size = vc.getImageSize().get(dim);
    values[dim] = Math.min(size - 1, Math.max(0, values[dim] + delta));
    vc.setCurrentIndex(new Index(values));
  }

  reset() {
    if (!this.app) return;
    this.app.resetZoomPan();
    const layer = this.mainLayer();
    if (layer) layer.getViewController().resetWindowLevel();
    for (const b of this.presetButtons) b.classList.remove('active');
    this.updateText();
  }

  updateText() {
    const layer = this.mainLayer();
    if (!layer) return;
    const vc = layer.getViewController();
    const wl = vc.getWindowLevel();
    this.wlText.textContent = `${this.modality}  W ${Math.round(wl.width)}  C ${Math.round(wl.center)}`;
    const dim = vc.getScrollDimIndex();
    const size = vc.getImageSize().get(dim);
    this.sliceText.textContent = size > 1
      ? `Slice ${vc.getCurrentIndex().get(dim) + 1} / ${size}` : '';
  }

  /** Distances drawn with the ruler: [{value, unit}] (dwv annotation quantification). */
  measurements() {
    const out = [];
    if (!this.app) return out;
    for (const id of this.app.getDataIds()) {
      const group = this.app.getData(id)?.annotationGroup;
      if (!group) continue;
      for (const a of group.getList()) {
        const q = a.quantification && a.quantification.length;
        if (q) out.push({value: q.value, unit: q.unit || ''});
      }
    }
    return out;
  }

  updateMeasurements() {
    const list = this.measurements();
    this.measureText.textContent = list.map((m, i) =>
      `Distance ${i + 1}: ${Number(m.value).toFixed(1)} ${m.unit.replace(/^unit\./, '')}`).join('\n');
    this.layerDiv.dataset.measurements = String(list.length);
  }

  /** Loads the AI heatmap (a derived DICOM image) as a second layer over the image. */
  async loadOverlay(url) {
    this.overlayToggle.disabled = true;
    this.overlaySlider.disabled = true;
    if (!this.app || !url) return false;
    this.overlayId = await this.loadData([url]);
    const group = this.app.getActiveLayerGroup();
    if (group) group.setActiveLayerByDataId(this.mainId);
    this.overlayToggle.disabled = false;
    this.overlaySlider.disabled = false;
    this.setOverlayVisible(this.overlayVisible);
    return true;
  }

  overlayLayer() {
    return this.app && this.overlayId ? this.app.getViewLayersByDataId(this.overlayId)[0] : undefined;
  }

  setOverlayVisible(flag) {
    this.overlayVisible = flag;
    this.overlayToggle.checked = flag;
    const layer = this.overlayLayer();
    if (!layer) return;
    layer.setOpacity(flag ? this.overlayOpacity : 0);
    layer.draw();
  }

  setOverlayOpacity(alpha) {
    this.overlayOpacity = alpha;
    this.overlaySlider.value = String(Math.round(alpha * 100));
    if (this.overlayVisible) this.setOverlayVisible(true);
  }

  destroy() {
    if (this.resizeObserver) this.resizeObserver.disconnect();
    this.resizeObserver = null;
    if (this.app) {
      // Loads already in flight still render into the app's div: park it, hidden, in the
      // document until they have ended, so dwv never looks for a div that is gone.
      const app = this.app;
      const div = this.layerDiv;
      let parking = document.getElementById('dwv-retired');
      if (!parking) {
        parking = h('div', {id: 'dwv-retired', hidden: true, 'aria-hidden': 'true'});
        document.body.append(parking);
      }
      const placeholder = h('div', {class: 'layerGroup'});
      div.replaceWith(placeholder);
      this.layerDiv = placeholder;
      parking.append(div);
      app.abortAllLoads();
      setTimeout(() => div.remove(), 15000);
    }
    this.app = null;
    this.mainId = null;
    this.overlayId = null;
    this.overlayFor = null;
    this.wlText.textContent = '';
    this.sliceText.textContent = '';
    this.measureText.textContent = '';
  }
}
