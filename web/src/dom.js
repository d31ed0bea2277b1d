// Tiny DOM builder: h('div', {class: 'x', onclick: f}, child, 'text'). Text is always inserted
// as text nodes, so server data can never inject markup.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k in el && typeof v !== 'string') {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's content. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let toastTimer = 0;
/** A short status message at the bottom of the page. */
export function toast(message, isError = false) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.className = 'show' + (isError ? ' error' : '');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.className = ''; }, isError ? 6000 : 2500);
}

/** "Chest^Sample0" -> "Sample0, Chest" (DICOM PS3.5 6.2 PN components). */
export function personName(pn) {
  if (!pn) return '';
  const [family, given] = pn.split('^');
  return given ? `${family}, ${given}` : family;
}

/** "20240101" -> "2024-01-01". */
export function dicomDate(da) {
  return da && da.length === 8 ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6)}` : da || '';
}

export function percent(p) {
  return (100 * p).toFixed(p >= 0.995 || p <= 0.005 ? 1 : 0) + '%';
}

/** Local time; today's times without the date. */
export function localTime(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString()
    ? d.toLocaleTimeString(undefined, {timeStyle: 'short'})
    : d.toLocaleDateString(undefined, {dateStyle: 'short'});
}
