// The model picker in the menu: lists the ledger's models (GET /v1/models) and writes the chosen one into
// the page's model parameter. Search filters by it ("All models" searches every model); the usage report
// and the version timeline are per model, so they default to the most recently used model.
import { h, mount } from './dom.js';
import { models } from './session.js';

const PER_MODEL = new Set(['search', 'usage', 'timeline', 'drift']);
const REPORTS = new Set(['usage', 'timeline']);
const ALL = '';

const wrap = document.getElementById('model-pick');
const picker = document.getElementById('model-picker');
let current = null;

picker.addEventListener('change', () => {
  if (!current) return;
  const next = new URLSearchParams(current.params);
  if (picker.value === ALL) next.delete('model');
  else next.set('model', picker.value);
  if (current.page === 'search') next.set('run', '1');
  // A new model makes the old version filter meaningless.
  next.delete('version');
  location.hash = `#/${current.page}?${next}`;
});

/** Shows the picker on the per-model pages, set to the page's model; keeps the menu links on that model. */
export async function showModelPicker(page, params) {
  const list = await models().catch(() => []);
  const selected = params.get('model') ?? (REPORTS.has(page) ? list[0]?.name ?? ALL : ALL);
  current = { page, params: params.toString() };
  for (const link of document.querySelectorAll('#nav a[data-page]')) {
    link.href = PER_MODEL.has(link.dataset.page) && selected ? `#/${link.dataset.page}?model=${encodeURIComponent(selected)}` : `#/${link.dataset.page}`;
  }
  if (!PER_MODEL.has(page) || list.length === 0) {
    wrap.hidden = true;
    return;
  }
  const names = list.map(m => m.name);
  // A model typed into the URL but not in the ledger stays selectable, so the page can say it has no decision.
  if (selected && !names.includes(selected)) names.push(selected);
  mount(picker,
    h('option', { value: ALL, disabled: REPORTS.has(page) }, REPORTS.has(page) ? 'Choose a model' : 'All models'),
    names.map(name => {
      const model = list.find(m => m.name === name);
      return h('option', { value: name }, model ? `${name} (${model.decisions.toLocaleString('en-US')})` : name);
    }));
  picker.value = selected;
  wrap.hidden = false;
}

/** Hides the picker (the login page). */
export function hideModelPicker() { wrap.hidden = true; }
