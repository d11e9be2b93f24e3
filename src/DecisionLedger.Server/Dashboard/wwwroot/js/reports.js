import { h, card, facts, field, notice, mount, time, num } from './dom.js';
import { getJson, query, explain } from './api.js';
import { horizontalBars, stackedColumns, timelineChart } from './charts.js';
import { models } from './session.js';

/** The usage report (GET /v1/reports/usage) with charts. */
export async function usagePage(main, params) {
  const model = params.get('model') ?? await latestModel();
  const form = reportForm('usage', model, [
    ['version', 'Version', h('input', { name: 'version', id: 'r-version', value: params.get('version') ?? '' })],
    ['from', 'From (ISO 8601, UTC)', h('input', { name: 'from', id: 'r-from', placeholder: '2026-11-01T00:00:00Z', value: params.get('from') ?? '' })],
    ['to', 'To (ISO 8601, UTC)', h('input', { name: 'to', id: 'r-to', value: params.get('to') ?? '' })],
    ['bucket', 'Bucket', select('bucket', ['day', 'hour'], params.get('bucket') ?? 'day')],
  ]);
  const out = h('div', { id: 'report' });
  mount(main, card(model ? `Usage report — ${model}` : 'Usage report', form), out);
  if (!model) { mount(out, notice('info', 'The ledger holds no decision yet.')); return; }
  mount(out, h('p', { class: 'muted' }, 'Computing the report…'));
  let report;
  try {
    report = await getJson(`/v1/reports/usage${query({ model, version: params.get('version'), from: params.get('from'), to: params.get('to'), bucket: params.get('bucket') ?? 'day' })}`);
  } catch (error) {
    mount(out, notice('error', explain(error)));
    return;
  }
  const latency = report.latencyMs ?? {};
  mount(out,
    h('div', { class: 'stats' },
      stat('decisions', num(report.total, 0)), stat('failures', num(report.failures, 0)), stat('unique users', num(report.uniqueUsers, 0)),
      stat('versions', num(report.versions?.length ?? 0, 0)), stat('p95 latency', latency.count ? `${num(latency.p95, 1)} ms` : '—')),
    card(`Predictions over time per version — ${report.filters?.model ?? model}`, report.overTime?.length ? stackedColumns(report.overTime) : notice('info', 'No decision in this range.')),
    h('div', { class: 'columns-2' },
      card(`Outcome distribution (${report.outcomeField ?? 'output'})`, report.outcomes?.length
        ? horizontalBars(report.outcomes.map(o => ({ label: String(o.value), value: o.count })), { digits: 0, id: 'outcome-chart', label: 'outcome distribution', width: 480 })
        : notice('info', 'No outcome values.')),
      card('Latency (ms)', latency.count
        ? horizontalBars(['mean', 'p50', 'p95', 'p99', 'max'].map(k => ({ label: k, value: latency[k] ?? 0 })), { digits: 2, unit: ' ms', id: 'latency-chart', label: 'latency percentiles', width: 480 })
        : notice('info', 'No decision recorded a latency.'))),
    card('Versions used', h('table', { class: 'results', id: 'versions-table' },
      h('thead', {}, h('tr', {}, ['version', 'decisions', 'first', 'last'].map(c => h('th', {}, c)))),
      h('tbody', {}, (report.versions ?? []).map(v => h('tr', {}, h('td', {}, h('span', { class: 'tag' }, v.version)), h('td', { class: 'num' }, num(v.count, 0)), h('td', {}, time(v.first)), h('td', {}, time(v.last))))))),
    checkpointCard(report.checkpoint, report.first, report.last));
}

/** The version timeline (GET /v1/reports/version-timeline). */
export async function timelinePage(main, params) {
  const model = params.get('model') ?? await latestModel();
  const form = reportForm('timeline', model, [
    ['at', 'Which version served at (ISO 8601, UTC)?', h('input', { name: 'at', id: 'r-at', placeholder: '2026-03-15T12:00:00Z', value: params.get('at') ?? '' })],
  ]);
  const out = h('div', { id: 'report' });
  mount(main, card(model ? `Version timeline — ${model}` : 'Version timeline', form), out);
  if (!model) { mount(out, notice('info', 'The ledger holds no decision yet.')); return; }
  let report;
  try {
    report = await getJson(`/v1/reports/version-timeline${query({ model, at: params.get('at') })}`);
  } catch (error) {
    mount(out, notice('error', explain(error)));
    return;
  }
  const periods = report.periods ?? [];
  mount(out,
    report.at ? notice(report.versionAt ? 'ok' : 'warn', report.versionAt
      ? `At ${time(report.at)}, ${report.model} was served by version ${report.versionAt}.`
      : `No version of ${report.model} served at ${time(report.at)}.`) : null,
    card(`Periods — ${report.model}`, periods.length ? h('div', { id: 'timeline-chart' }, timelineChart(periods, { at: report.at })) : notice('info', 'No decision of this model.'),
      h('table', { class: 'results' },
        h('thead', {}, h('tr', {}, ['version', 'from', 'to', 'decisions', 'seqs'].map(c => h('th', {}, c)))),
        h('tbody', {}, periods.map(p => h('tr', {}, h('td', {}, h('span', { class: 'tag' }, p.version)), h('td', {}, time(p.from)), h('td', {}, time(p.to)), h('td', { class: 'num' }, num(p.count, 0)), h('td', { class: 'num' }, `${p.firstSeq}–${p.lastSeq}`)))))),
    card('Change points', (report.changes ?? []).length === 0 ? h('p', { class: 'muted' }, 'No version change.')
      : h('table', { class: 'results', id: 'changes-table' },
        h('thead', {}, h('tr', {}, ['at', 'seq', 'from', 'to'].map(c => h('th', {}, c)))),
        h('tbody', {}, report.changes.map(c => h('tr', {}, h('td', {}, time(c.at)), h('td', { class: 'num' }, c.seq), h('td', {}, c.fromVersion ?? '—'), h('td', {}, c.toVersion)))))),
    checkpointCard(report.checkpoint));
}

// The model comes from the menu's model picker; the form holds the report's other parameters.
function reportForm(page, model, inputs) {
  const form = h('form', { class: 'filters', id: `${page}-form` },
    h('div', { class: 'grid' }, inputs.map(([, label, input]) => field(label, input))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show report')));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (model) next.set('model', model);
    for (const [name, , input] of inputs) if (input.value.trim()) next.set(name, input.value.trim());
    location.hash = `#/${page}?${next}`;
  });
  return form;
}

function checkpointCard(checkpoint, first, last) {
  if (!checkpoint) return null;
  return card('Computed against the signed checkpoint', facts([
    ['origin', checkpoint.origin], ['tree size', num(checkpoint.treeSize, 0)], ['root hash', h('code', { class: 'hash' }, checkpoint.rootHash)],
    first ? ['first decision', time(first)] : null, last ? ['last decision', time(last)] : null,
  ]), h('details', {}, h('summary', {}, 'Signed note'), h('pre', { class: 'json' }, checkpoint.note ?? '')));
}

/** The most recently used model (the picker's first), or null when the ledger holds no decision. */
async function latestModel() {
  return (await models().catch(() => []))[0]?.name ?? null;
}

function select(name, options, value) {
  return h('select', { name, id: `r-${name}` }, options.map(o => h('option', { value: o, selected: o === value }, o)));
}

function stat(label, value) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label));
}
