import {Marked} from 'marked';

// Raw HTML inside Markdown is shown as text, never interpreted.
const escapeHtml = (t) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const markdown = new Marked({renderer: {html: ({text}) => escapeHtml(text)}});
import {h, mount, percent} from './dom.js';

/** Probability bar with the operating threshold marked. */
function meter(p, threshold, positive) {
  return h('div', {class: 'meter', role: 'img',
                   'aria-label': `probability ${percent(p)}, threshold ${percent(threshold)}`},
    h('div', {class: 'fill' + (positive ? ' pos' : ''), style: `width:${(100 * p).toFixed(1)}%`}),
    h('div', {class: 'threshold', style: `left:${(100 * threshold).toFixed(1)}%`},
      h('span', {}, 'threshold ' + threshold.toFixed(2))));
}

/**
 * The AI panel: each finding with its calibrated probability against the model's operating
 * threshold, the model and weights hash, the heatmap note and the model card; the
 * quality-gate reason for every series that was not analysed.
 */
export function renderAiPanel(root, api, detail, selection, onSelect) {
  const {study, findings, series} = detail;
  const refused = series.filter((s) => s.origin === 'acquired' && s.state === 'not_analysed');
  const failed = series.filter((s) => s.origin === 'acquired' && s.state === 'failed');
  const pending = series.filter((s) => s.origin === 'acquired' &&
                                       ['receiving', 'queued'].includes(s.state));
  const cards = findings.map((f) => {
    const d = f.details || {};
    const card = h('article', {class: 'card finding' + (f.id === selection.findingId ? ' selected' : ''),
                               dataset: {findingId: f.id}, tabindex: 0,
                               onclick: () => onSelect(f.id)},
      h('h3', {}, `${f.label || f.concept}`, ' ',
        h('span', {class: 'badge', id: 'finding-status-' + f.id}, f.status)),
      h('div', {class: 'prob' + (f.positive ? ' pos' : ''), id: 'finding-prob-' + f.id},
        `Calibrated probability ${percent(f.probability)} — `,
        f.positive ? 'above the operating threshold (positive)' : 'below the operating threshold (negative)'),
      meter(f.probability, f.threshold, f.positive),
      h('dl', {class: 'kv'},
        h('dt', {}, 'Concept'), h('dd', {}, f.concept),
        h('dt', {}, 'Operating point'), h('dd', {}, `${f.threshold.toFixed(3)}` +
          (d.threshold_rule ? ` (${d.threshold_rule})` : '')),
        d.uncalibrated_probability !== undefined ? [h('dt', {}, 'Uncalibrated'),
          h('dd', {}, percent(d.uncalibrated_probability))] : null,
        h('dt', {}, 'Aggregation'), h('dd', {}, d.aggregation || '—'),
        h('dt', {}, 'Model'), h('dd', {}, `${f.model.name} ${f.model.version}`),
        h('dt', {}, 'Weights'), h('dd', {title: f.model.weights_sha256},
          'sha256 ' + (f.model.weights_sha256 || '').slice(0, 12) + '…'),
        h('dt', {}, 'Heatmap'), h('dd', {}, f.heatmap_series_uid ? (d.heatmap || 'available')
          : (d.heatmap || 'none')),
        f.reviewed_by ? [h('dt', {}, 'Reviewed by'), h('dd', {}, f.reviewed_by)] : null,
        f.doctor_comment ? [h('dt', {}, 'Comment'), h('dd', {}, f.doctor_comment)] : null),
      h('div', {class: 'row'},
        h('button', {type: 'button', class: 'link model-card-link',
                     onclick: (e) => { e.stopPropagation(); showModelCard(api, f.model.name); }},
          'Model card')));
    return card;
  });
  mount(root,
    study.not_analysed_reason || refused.length ? h('div', {class: 'card', id: 'not-analysed'},
      h('h3', {class: 'warn'}, 'Not analysed by AI'),
      h('p', {}, 'The input quality gate refused these images rather than guess:'),
      h('ul', {}, refused.map((s) => h('li', {}, `${s.modality} series #${s.series_number}: `,
        h('span', {class: 'reason'}, s.reason))),
        !refused.length ? h('li', {}, study.not_analysed_reason) : null),
      h('p', {class: 'muted'}, 'A doctor must read these images without AI assistance.')) : null,
    failed.length ? h('div', {class: 'card'}, h('h3', {class: 'warn'}, 'Analysis failed'),
      failed.map((s) => h('p', {}, `${s.modality} #${s.series_number}: ${s.reason}`))) : null,
    pending.length ? h('p', {class: 'muted'}, `${pending.length} series waiting for analysis.`) : null,
    cards.length ? cards : (!refused.length ? h('p', {class: 'muted'}, 'No AI findings.') : null),
    h('p', {class: 'notice'}, 'AI output is decision support. Probabilities are calibrated on ' +
      'validation data; the threshold is the model\'s documented operating point.'));
}

/** Fetches and shows a model card (Markdown from the model package) in a dialog. */
export async function showModelCard(api, name) {
  let dialog = document.getElementById('model-card-dialog');
  if (!dialog) {
    dialog = h('dialog', {id: 'model-card-dialog', style: 'max-width: 860px; max-height: 86vh'});
    document.body.append(dialog);
  }
  const body = h('div', {class: 'modelcard'}, 'Loading model card…');
  mount(dialog, body, h('form', {method: 'dialog'}, h('button', {}, 'Close')));
  dialog.showModal();
  try {
    const card = await api.get('/api/models/' + encodeURIComponent(name) + '/card');
    body.innerHTML = markdown.parse(card.markdown, {async: false});
  } catch (e) {
    body.textContent = e.message;
  }
}
