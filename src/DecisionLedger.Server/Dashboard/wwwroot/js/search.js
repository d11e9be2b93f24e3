import { h, card, field, notice, mount, time, num } from './dom.js';
import { getJson, query, explain } from './api.js';

// The model is chosen with the menu's model picker (model-picker.js); it stays in the URL as ?model=.
const FILTERS = [
  ['version', 'Version', 'e.g. 3.2.1'],
  ['user', 'User', 'e.g. analyst_jane'],
  ['subject', 'Subject', 'e.g. customer-1842'],
  ['requestId', 'Request id', ''],
  ['fingerprint', 'Input fingerprint', '64 hex characters'],
];

/** Search with filters and keyset "next page"; the filters live in the URL hash so a search can be shared. */
export function searchPage(main, params) {
  const inputs = Object.fromEntries(FILTERS.map(([name, , placeholder]) =>
    [name, h('input', { name, id: `f-${name}`, placeholder, value: params.get(name) ?? '' })]));
  inputs.from = h('input', { name: 'from', id: 'f-from', type: 'datetime-local', step: 1, value: localValue(params.get('from')) });
  inputs.to = h('input', { name: 'to', id: 'f-to', type: 'datetime-local', step: 1, value: localValue(params.get('to')) });
  const where = h('textarea', { name: 'where', id: 'f-where', rows: 2, placeholder: 'output.label = "fraud"\noutput.score >= 0.9' }, params.getAll('where').join('\n'));
  const allowScan = h('input', { type: 'checkbox', name: 'allowScan', id: 'f-allow-scan', checked: params.get('allowScan') === 'true' });
  const results = h('div', { id: 'results' });
  const form = h('form', { id: 'search-form', class: 'filters' },
    h('div', { class: 'grid' },
      FILTERS.map(([name, label]) => field(label, inputs[name])),
      field('From (UTC)', inputs.from), field('To (UTC)', inputs.to)),
    field('Where (one expression per line, combined with AND)', where),
    h('label', { class: 'check' }, allowScan, ' Allow a full scan (where expressions without an indexed filter on a large ledger)'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'search' }, 'Search'),
      h('button', { type: 'reset', id: 'clear' }, 'Clear')));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (params.get('model')) next.set('model', params.get('model'));
    for (const [name] of FILTERS) if (inputs[name].value.trim()) next.set(name, inputs[name].value.trim());
    for (const name of ['from', 'to']) if (inputs[name].value) next.set(name, isoValue(inputs[name].value));
    for (const line of where.value.split('\n')) if (line.trim()) next.append('where', line.trim());
    if (allowScan.checked) next.set('allowScan', 'true');
    next.set('run', '1');
    location.hash = `#/search?${next}`;
  });
  form.addEventListener('reset', () => setTimeout(() => { location.hash = `#/search?${new URLSearchParams(params.get('model') ? { model: params.get('model'), run: '1' } : { run: '1' })}`; }));
  const title = params.get('model') ? `Search decisions of ${params.get('model')}` : 'Search decisions (all models)';
  mount(main, card(title, form), results);
  // The picker's model alone (a menu link) searches at once; other filters wait for Search.
  if (params.has('run') || [...params.keys()].every(name => name === 'model')) load(results, params, null, 1);
}

async function load(results, params, cursor, page) {
  const request = { model: params.get('model') };
  for (const [name] of FILTERS) request[name] = params.get(name);
  request.from = params.get('from');
  request.to = params.get('to');
  request.where = params.getAll('where');
  request.allowScan = params.get('allowScan');
  request.limit = 25;
  // The cursor is opaque when the server sends a string; the older numeric cursor is a beforeSeq.
  if (typeof cursor === 'number') request.beforeSeq = cursor;
  else if (cursor) request.cursor = cursor;
  const status = h('p', { class: 'muted' }, 'Searching…');
  mount(results, status);
  let body;
  try {
    body = await getJson(`/v1/decisions${query(request)}`);
  } catch (error) {
    mount(results, notice('error', explain(error)));
    return;
  }
  const rows = body.entries.map(entry => h('tr', {},
    h('td', { class: 'num' }, entry.seq),
    h('td', {}, time(entry.timestamp)),
    h('td', {}, h('a', { href: `#/decision/${encodeURIComponent(entry.requestId)}`, class: 'request-link' }, entry.requestId)),
    h('td', {}, `${entry.model?.name ?? ''} `, h('span', { class: 'tag' }, entry.model?.version ?? '')),
    h('td', {}, entry.actor?.userId ?? '—'),
    h('td', {}, entry.subject?.id ?? '—'),
    h('td', {}, summarize(entry.output)),
    h('td', { class: 'num' }, entry.latencyMs === undefined ? '—' : `${num(entry.latencyMs, 1)} ms`)));
  const table = body.entries.length === 0
    ? notice('info', 'No decision matches these filters.')
    : h('table', { class: 'results', id: 'results-table' },
      h('thead', {}, h('tr', {}, ['seq', 'time', 'request id', 'model', 'user', 'subject', 'output', 'latency'].map(c => h('th', {}, c)))),
      h('tbody', {}, rows));
  const next = body.nextCursor === null || body.nextCursor === undefined ? null
    : h('button', { type: 'button', id: 'next-page', onclick: () => load(results, params, body.nextCursor, page + 1) }, 'Next page →');
  mount(results, card(`Results — page ${page}`, table, h('div', { class: 'actions' }, next ?? h('span', { class: 'muted' }, 'Last page.'))));
}

function summarize(output) {
  if (output && typeof output === 'object' && !Array.isArray(output)) {
    return Object.entries(output).slice(0, 3).map(([k, v]) => `${k}: ${typeof v === 'number' ? num(v, 3) : JSON.stringify(v)}`).join(', ');
  }
  return JSON.stringify(output);
}

// datetime-local has no zone: the dashboard treats it as UTC, as the API and the ledger do.
function localValue(iso) { return iso ? iso.replace(/Z$/, '').slice(0, 19) : ''; }
function isoValue(local) { return `${local.length === 16 ? `${local}:00` : local}Z`; }
