// The drift panel (GET /v1/drift): per watched model version, PSI over time per path with the threshold line,
// and the worst path's distribution in the newest window against the baseline. Charts are built with DOM calls.
import { h, s, card, notice, mount, time, num } from './dom.js';
import { getJson, query, explain } from './api.js';
import { colours } from './charts.js';
import { axisTicks } from './axis.js';

/** The drift page: one panel per watched model version, optionally only those of the picked model. */
export async function driftPage(main, params) {
  const model = params.get('model');
  const out = h('div', { id: 'drift' });
  mount(main, h('h1', { class: 'title' }, model ? `Drift — ${model}` : 'Drift'), out);
  mount(out, h('p', { class: 'muted' }, 'Reading the drift monitor…'));
  let body;
  try {
    body = await getJson(`/v1/drift${query({ model })}`);
  } catch (error) {
    mount(out, notice('error', explain(error)));
    return;
  }
  if (!body.enabled) {
    const off = notice('info', 'Drift monitoring is off: start the collector with --drift-config FILE naming the models to watch.');
    off.id = 'drift-off';
    mount(out, off);
    return;
  }
  if (!body.reports.length) {
    mount(out, notice('info', model ? `No watched version of ${model} has been computed yet.` : 'No drift has been computed yet; the monitor runs every minute.'));
    return;
  }
  mount(out, ...body.reports.map(panel));
}

/** One model version: PSI over time, the worst path's distribution, and the flagged windows. */
export function panel(report) {
  const { spec, rule, windows } = report;
  const name = `${spec.model} ${spec.version ?? '(all versions)'}`;
  const flagged = windows.filter(w => w.flagged);
  const newest = [...windows].reverse().find(w => w.worstPath);
  const section = h('section', { class: 'drift-panel', 'data-model': spec.model, 'data-version': spec.version ?? '*' },
    card(`PSI over time — ${name}`,
      h('p', { class: 'muted' }, `Baseline ${time(spec.baseline.from)} → ${time(spec.baseline.to)} (${num(report.baselineDecisions, 0)} decisions), windows of ${spec.window}; alert when PSI > ${num(rule.psiThreshold, 2)} with at least ${num(rule.minDecisions, 0)} decisions. Checkpoint of tree size ${num(report.checkpoint.treeSize, 0)}.`),
      windows.length ? psiChart(windows, spec.paths, rule.psiThreshold) : notice('info', 'No decision after the baseline yet.')),
    card(newest ? `Distribution of ${newest.worstPath}, baseline against ${time(newest.start)}` : 'Distribution of the worst path',
      newest ? distributionChart(report.baseline.find(b => b.path === newest.worstPath), newest.paths.find(p => p.path === newest.worstPath)) : notice('info', 'No window to compare yet.')),
    card('Windows over the threshold', flagged.length
      ? h('table', { class: 'results drift-flagged' },
        h('thead', {}, h('tr', {}, ['window start', 'decisions', 'worst path', 'PSI'].map(c => h('th', {}, c)))),
        h('tbody', {}, flagged.map(w => h('tr', {}, h('td', {}, time(w.start)), h('td', { class: 'num' }, num(w.decisions, 0)), h('td', {}, w.worstPath),
          h('td', { class: 'num' }, num(Math.max(...w.paths.map(p => p.psi ?? 0)), 4))))))
      : notice('info', 'No window went over the threshold.')));
  return section;
}

/** One line per path of PSI against window start, and a dashed line at the threshold. */
export function psiChart(windows, paths, threshold) {
  const width = 1000, height = 300, left = 56, right = 12, top = 12, bottom = 40;
  const plotW = width - left - right, plotH = height - top - bottom;
  const values = windows.flatMap(w => w.paths.map(p => p.psi ?? 0));
  const axis = axisTicks(Math.max(threshold * 1.25, ...values));
  const x = i => left + (windows.length === 1 ? plotW / 2 : (i / (windows.length - 1)) * plotW);
  const y = v => top + plotH - (v / axis.top) * plotH;
  const colour = colours(paths);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart drift-psi', id: 'drift-psi-chart', role: 'img', 'aria-label': 'PSI over time' });
  for (const tick of axis.ticks) {
    svg.append(s('line', { x1: left, x2: width - right, y1: y(tick), y2: y(tick), class: 'grid' }),
      s('text', { x: left - 6, y: y(tick) + 4, 'text-anchor': 'end', class: 'tick y-tick' }, num(tick, axis.digits)));
  }
  svg.append(s('line', { x1: left, x2: width - right, y1: y(threshold), y2: y(threshold), class: 'threshold', id: 'drift-threshold', 'stroke-dasharray': '6 4', 'data-value': threshold },
    s('title', {}, `threshold ${num(threshold, 2)}`)));
  for (const path of paths) {
    const points = windows.map((w, i) => [i, w.paths.find(p => p.path === path)?.psi]).filter(([, v]) => v !== null && v !== undefined);
    if (!points.length) continue;
    svg.append(s('polyline', { points: points.map(([i, v]) => `${x(i)},${y(v)}`).join(' '), fill: 'none', stroke: colour.get(path), 'stroke-width': 2, class: 'psi-line', 'data-path': path }));
    for (const [i, v] of points) {
      svg.append(s('circle', { cx: x(i), cy: y(v), r: 3, fill: colour.get(path), class: v > threshold ? 'psi-point over' : 'psi-point', 'data-path': path, 'data-start': windows[i].start, 'data-psi': v },
        s('title', {}, `${path} · ${time(windows[i].start)}: PSI ${num(v, 4)}`)));
    }
  }
  windows.forEach((w, i) => {
    if (i % Math.ceil(windows.length / 8) === 0) {
      svg.append(s('text', { x: x(i), y: height - bottom + 16, 'text-anchor': 'middle', class: 'tick' }, new Date(w.start).toISOString().slice(5, 16).replace('T', ' ')));
    }
  });
  svg.append(s('line', { x1: left, x2: width - right, y1: top + plotH, y2: top + plotH, class: 'axis' }));
  return h('figure', { class: 'chart-figure' }, svg, legend(paths, colour, threshold));
}

/** Paired bars per bin: the baseline's share and the window's share of the path's values. */
export function distributionChart(baseline, current) {
  if (!baseline || !current) return notice('info', 'The path has no bins.');
  const share = (counts, total) => counts.map(c => (total ? c / total : 0));
  const base = share(baseline.counts, baseline.counts.reduce((a, b) => a + b, 0));
  const now = share(current.counts, current.counts.reduce((a, b) => a + b, 0));
  const row = 30, labelWidth = 200, width = 1000, pad = 8, valueWidth = 120;
  const plot = width - labelWidth - valueWidth;
  const max = Math.max(1e-12, ...base, ...now);
  const height = baseline.bins.length * row + pad * 2;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart drift-distribution', id: 'drift-worst-chart', role: 'img', 'aria-label': `distribution of ${baseline.path}` });
  baseline.bins.forEach((bin, i) => {
    const yTop = pad + i * row;
    svg.append(
      s('text', { x: labelWidth - 8, y: yTop + row / 2 + 4, 'text-anchor': 'end', class: 'label' }, bin),
      s('rect', { x: labelWidth, y: yTop + 3, width: Math.max(1, (base[i] / max) * plot), height: (row - 8) / 2, class: 'bar baseline', 'data-bin': bin, 'data-share': base[i] },
        s('title', {}, `${bin}: baseline ${num(base[i] * 100, 1)}%`)),
      s('rect', { x: labelWidth, y: yTop + 3 + (row - 8) / 2, width: Math.max(1, (now[i] / max) * plot), height: (row - 8) / 2, class: 'bar current', 'data-bin': bin, 'data-share': now[i] },
        s('title', {}, `${bin}: window ${num(now[i] * 100, 1)}%`)),
      s('text', { x: width - valueWidth + 8, y: yTop + row / 2 + 4, class: 'value' }, `${num(base[i] * 100, 1)}% → ${num(now[i] * 100, 1)}%`));
  });
  return h('figure', { class: 'chart-figure' }, svg,
    h('figcaption', { class: 'legend' }, h('span', { class: 'legend-item baseline' }, 'baseline'), h('span', { class: 'legend-item current' }, `window (PSI ${num(current.psi ?? 0, 4)}, KS ${num(current.ks ?? 0, 4)})`)));
}

function legend(paths, colour, threshold) {
  return h('figcaption', { class: 'legend' },
    paths.map(name => h('span', { class: 'legend-item' },
      s('svg', { viewBox: '0 0 10 10', width: 10, height: 10 }, s('rect', { width: 10, height: 10, fill: colour.get(name) })), name)),
    h('span', { class: 'legend-item' }, `- - threshold ${num(threshold, 2)}`));
}
