// Replay (issue 17): the "Replay" card on a decision's page, and the replay report page
// #/replay?requestId=ID[&endpoint=URL][&map=output.x=$.y]…, which runs POST /v1/replays and shows what it found.
import { h, card, facts, field, notice, mount, num } from './dom.js';
import { getKey, explain, ApiError } from './api.js';
import { caller, can } from './session.js';

/** The Replay card of a decision's page; empty for a key without the audit permission (the route would refuse it). */
export function replayCard(entry) {
  const slot = h('div', { id: 'replay-slot' });
  caller().then(who => {
    if (!can(who, 'audit')) return;
    const endpoint = h('input', { id: 'replay-endpoint', name: 'endpoint', placeholder: 'the model\u2019s URL, e.g. scoring:8000/predict' });
    const form = h('form', {
      id: 'replay-form',
      onsubmit: event => {
        event.preventDefault();
        const target = endpoint.value.trim();
        location.hash = `#/replay?requestId=${encodeURIComponent(entry.requestId)}${target ? `&endpoint=${encodeURIComponent(target)}` : ''}`;
      },
    },
    field('Model endpoint', endpoint, 'Leave blank to load the recorded artifact from the collector\u2019s artifact store (dledger serve --replay-artifacts).'),
    h('button', { type: 'submit', class: 'primary', id: 'replay-button' }, 'Replay'));
    mount(slot, card('Replay', h('p', { class: 'muted' }, 'Re-score this decision\u2019s stored input with the model and compare the new output with the recorded one. The run is recorded in the ledger as a replay event.'), form));
  }).catch(() => {});
  return slot;
}

/** The replay report: runs the replay the parameters name and shows matched, differed and not replayable decisions. */
export async function replayPage(main, params) {
  const requestId = params.get('requestId');
  const back = h('p', {}, h('a', { href: requestId ? `#/decision/${encodeURIComponent(requestId)}` : '#/search', class: 'back' }, requestId ? '\u2190 Decision' : '\u2190 Search'));
  if (!requestId) {
    mount(main, back, notice('info', 'Open a decision and press Replay to replay it.'));
    return;
  }
  const out = h('div', { id: 'replay-report' }, h('p', { class: 'muted' }, 'Replaying…'));
  mount(main, back, h('h1', { class: 'title' }, 'Replay of decision ', h('code', {}, requestId)), out);
  const body = { requestId };
  if (params.get('endpoint')) body.endpoint = params.get('endpoint');
  else body.artifacts = true;
  const rules = params.getAll('map').map(rule => rule.split('=')).filter(parts => parts.length >= 2);
  if (rules.length) body.map = Object.fromEntries(rules.map(([path, ...source]) => [path, source.join('=')]));
  let report;
  try {
    report = await post('/v1/replays', body);
  } catch (error) {
    const box = notice('error', explain(error));
    box.id = 'replay-error';
    mount(out, box);
    return;
  }
  mount(out,
    h('div', { class: 'stats', id: 'replay-counts' },
      stat('matched', num(report.matched, 0), 'matched'), stat('differed', num(report.differed, 0), 'differed'),
      stat('not replayable', num(report.notReplayable, 0), 'notReplayable'),
      stat('replay event', report.eventSeq === null ? '—' : `seq ${report.eventSeq}`, 'eventSeq')),
    card('Results', h('table', { class: 'results', id: 'replay-results' },
      h('thead', {}, h('tr', {}, ['seq', 'model', 'outcome', 'what replay found'].map(c => h('th', {}, c)))),
      h('tbody', {}, report.results.map(result => h('tr', { 'data-outcome': result.outcome },
        h('td', { class: 'num' }, String(result.seq)),
        h('td', {}, `${result.model} `, h('span', { class: 'tag' }, result.version)),
        h('td', {}, h('span', { class: 'tag outcome' }, result.outcome)),
        h('td', {}, finding(result))))))),
    card('Parameters', facts(Object.entries(report.parameters))));
}

function finding(result) {
  if (result.outcome === 'not-replayable') return [h('strong', {}, result.reason), ': ', result.detail ?? ''];
  const warning = result.detail ? h('p', { class: 'muted' }, `Warning: ${result.detail}`) : null;
  if (result.differences.length === 0) return [h('span', {}, 'The replayed output equals the recorded one.'), warning];
  return [h('table', { class: 'results replay-differences' },
    h('thead', {}, h('tr', {}, ['field', 'recorded', 'replayed', 'delta'].map(c => h('th', {}, c)))),
    h('tbody', {}, result.differences.map(d => h('tr', {},
      h('td', {}, h('code', {}, d.path)),
      h('td', {}, d.recorded === undefined ? '(absent)' : JSON.stringify(d.recorded)),
      h('td', {}, d.replayed === undefined ? '(absent)' : JSON.stringify(d.replayed)),
      h('td', { class: 'num' }, d.delta === undefined ? '—' : num(d.delta, 6)))))), warning];
}

function stat(label, value, id) {
  return h('div', { class: 'stat', id: `replay-${id}` }, h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label));
}

// POST with the key; the API module only reads, and a replay is the one write an auditor makes.
async function post(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'X-Api-Key': getKey(), 'Content-Type': 'application/json' }, body: JSON.stringify(body), cache: 'no-store' });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      if (problem && problem.detail) detail = problem.detail;
    } catch { /* not problem details */ }
    throw new ApiError(response.status, detail, path);
  }
  return response.json();
}
