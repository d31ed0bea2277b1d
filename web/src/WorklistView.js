import {h, mount, personName, dicomDate, percent, localTime, toast} from './dom.js';

const TIER_LABEL = {2: 'AI positive', 1: 'Needs reading', 0: 'AI negative'};
const STATES = ['new', 'analysed', 'not_analysed', 'reviewed', 'signed'];

/** Top AI finding of a worklist row (highest probability). */
function topFinding(study) {
  const f = study.findings || [];
  return f.length ? f.reduce((a, b) => (b.probability > a.probability ? b : a)) : null;
}

const COLUMNS = [
  {key: 'urgency', label: 'Urgency', value: (s) => s.urgency_tier * 10 + s.urgency},
  {key: 'patient', label: 'Patient', value: (s) => personName(s.patient_name) || s.patient_id},
  {key: 'study', label: 'Study', value: (s) => s.description},
  {key: 'date', label: 'Date', value: (s) => s.study_date || s.study_year || ''},
  {key: 'modality', label: 'Modality', value: (s) => (s.modalities || []).join(' ')},
  {key: 'finding', label: 'AI finding', value: (s) => (topFinding(s) ? topFinding(s).probability : -1)},
  {key: 'state', label: 'State', value: (s) => STATES.indexOf(s.state)},
  {key: 'received', label: 'Received', value: (s) => s.received_at},
];

/**
 * The triage worklist. The server orders it (AI-positive first by probability, then studies
 * needing a reading, then AI-negative; oldest first within a tier); the reader may re-sort and
 * filter. `state` persists filters and sort while the page lives.
 */
export async function renderWorklist(root, api, state, openStudy, isCurrent = () => true) {
  mount(root, h('div', {class: 'worklist'}, h('p', {class: 'muted'}, 'Loading worklist…')));
  const identified = api.can('view-identified-study');
  const fetchRows = async () => (identified
    ? (await api.get('/api/worklist?all=1')).worklist
    : (await api.get('/api/studies?limit=500')).studies);
  let rows;
  try {
    rows = await fetchRows();
  } catch (e) {
    if (isCurrent()) mount(root, h('div', {class: 'worklist'}, h('p', {class: 'error'}, e.message)));
    return;
  }
  if (!isCurrent()) return;  // the reader navigated away while this was loading
  state.order = [];
  const search = h('input', {type: 'search', id: 'filter-text', placeholder: 'Patient, ID, study…',
                             value: state.text || '', 'aria-label': 'Search'});
  const modality = h('select', {id: 'filter-modality', 'aria-label': 'Modality'},
    h('option', {value: ''}, 'All modalities'),
    [...new Set(rows.flatMap((s) => s.modalities || []))].sort()
      .map((m) => h('option', {value: m, selected: state.modality === m}, m)));
  const stateFilter = h('select', {id: 'filter-state', 'aria-label': 'State'},
    h('option', {value: ''}, 'All states'),
    STATES.map((s) => h('option', {value: s, selected: state.state === s}, s.replace('_', ' '))));
  const hideSigned = h('input', {type: 'checkbox', id: 'filter-unsigned',
                                 checked: state.unsigned !== false});
  const onlyPositive = h('input', {type: 'checkbox', id: 'filter-positive',
                                   checked: !!state.positive});
  const tbody = h('tbody');
  const thead = h('thead');
  const count = h('span', {class: 'muted', id: 'worklist-count'});

  const draw = () => {
    state.text = search.value;
    state.modality = modality.value;
    state.state = stateFilter.value;
    state.unsigned = hideSigned.checked;
    state.positive = onlyPositive.checked;
    const text = search.value.trim().toLowerCase();
    let shown = rows.filter((s) => {
      if (state.unsigned && s.state === 'signed' && !state.state) return false;
      if (state.state && s.state !== state.state) return false;
      if (state.modality && !(s.modalities || []).includes(state.modality)) return false;
      if (state.positive && s.urgency_tier !== 2) return false;
      if (!text) return true;
      return [s.patient_name, s.patient_id, s.description, s.accession_number, s.study_uid]
        .some((v) => v && v.toLowerCase().includes(text));
    });
    if (state.sortKey) {
      const col = COLUMNS.find((c) => c.key === state.sortKey);
      const dir = state.sortDir === 'asc' ? 1 : -1;
      shown = shown.map((s, i) => [s, i]).sort((a, b) => {
        const va = col.value(a[0]), vb = col.value(b[0]);
        return (va < vb ? -1 : va > vb ? 1 : a[1] - b[1]) * dir;
      }).map((x) => x[0]);
    }
    state.order = shown.map((s) => s.study_uid);
    mount(thead, h('tr', {}, COLUMNS.map((c) => {
      const sorted = state.sortKey === c.key;
      return h('th', {'aria-sort': sorted ? (state.sortDir === 'asc' ? 'ascending' : 'descending') : 'none'},
        h('button', {type: 'button', onclick: () => {
          if (state.sortKey === c.key && state.sortDir === 'desc') state.sortDir = 'asc';
          else if (state.sortKey === c.key) { state.sortKey = ''; }
          else { state.sortKey = c.key; state.sortDir = 'desc'; }
          draw();
        }}, c.label + (sorted ? (state.sortDir === 'asc' ? ' ▲' : ' ▼') : '')));
    })));
    mount(tbody, shown.map((s) => {
      const f = topFinding(s);
      const tr = h('tr', {tabindex: 0, dataset: {studyUid: s.study_uid},
                         onclick: () => openStudy(s.study_uid),
                         onkeydown: (e) => { if (e.key === 'Enter') openStudy(s.study_uid); }},
        h('td', {}, h('span', {class: 'badge t' + s.urgency_tier}, TIER_LABEL[s.urgency_tier] || '')),
        h('td', {class: 'patient'}, identified
          ? [personName(s.patient_name), h('div', {class: 'muted'}, s.patient_id)]
          : s.patient_id),
        h('td', {}, s.description, s.accession_number ? h('div', {class: 'muted'}, s.accession_number) : null),
        h('td', {}, identified ? dicomDate(s.study_date) : s.study_year),
        h('td', {}, (s.modalities || []).join(', ')),
        h('td', {}, f ? h('span', {class: 'prob' + (f.positive ? ' pos' : '')},
                          `${f.concept} ${percent(f.probability)}`) : h('span', {class: 'muted'}, '—')),
        h('td', {}, h('span', {class: 'badge ' + s.state}, s.state.replace('_', ' ')),
          // Why the AI did not analyse it (quality gate / routing); full text on hover.
          s.not_analysed_reason ? h('div', {class: 'reason', title: s.not_analysed_reason},
            s.not_analysed_reason) : null),
        h('td', {class: 'muted'}, localTime(s.received_at)));
      if (s.study_uid === state.lastOpened) tr.classList.add('selected');
      return tr;
    }));
    count.textContent = `${shown.length} of ${rows.length} studies`;
  };
  for (const el of [search, modality, stateFilter, hideSigned, onlyPositive]) {
    el.addEventListener('input', draw);
  }
  mount(root, h('section', {class: 'worklist', 'aria-label': 'Worklist'},
    h('div', {class: 'filters'},
      h('strong', {}, identified ? 'Worklist' : 'Studies (de-identified)'),
      search, modality, stateFilter,
      h('label', {}, hideSigned, 'Hide signed'),
      h('label', {}, onlyPositive, 'AI positive only'),
      h('button', {type: 'button', onclick: () => { state.sortKey = ''; draw(); }}, 'Triage order'),
      h('button', {type: 'button', onclick: () => renderWorklist(root, api, state, openStudy, isCurrent)
        .then(() => toast('Worklist refreshed'))}, 'Refresh'),
      count),
    h('div', {class: 'table-wrap'}, h('table', {class: 'grid', id: 'worklist'}, thead, tbody))));
  draw();
  const selected = tbody.querySelector('tr.selected') || tbody.querySelector('tr');
  if (selected) selected.focus();
  // New studies arrive and analyses finish while the list is open: refresh it every 30 s.
  const timer = setInterval(async () => {
    if (!isCurrent() || !document.body.contains(tbody)) {
      clearInterval(timer);
      return;
    }
    if (document.hidden) return;
    try {
      const fresh = await fetchRows();
      if (!isCurrent() || !document.body.contains(tbody)) return;
      const focusedUid = document.activeElement?.dataset?.studyUid;
      rows = fresh;
      draw();
      if (focusedUid) tbody.querySelector(`tr[data-study-uid="${CSS.escape(focusedUid)}"]`)?.focus();
    } catch {
      // A failed refresh keeps the list shown; a 401 already sent the reader to the login.
    }
  }, 30000);
}
