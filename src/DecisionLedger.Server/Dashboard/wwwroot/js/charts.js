// Inline SVG charts built with DOM calls, never by parsing markup: labels are text nodes, so ledger data cannot inject markup.
import { h, s, num, time } from './dom.js';
import { axisTicks } from './axis.js';

const PALETTE = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2', '#dc2626', '#4b5563'];

/** A colour per series name, stable for the order given. */
export function colours(names) {
  return new Map(names.map((name, i) => [name, PALETTE[i % PALETTE.length]]));
}

/**
 * Horizontal bars, one row per item {label, value}. With signed: true the axis is at zero and
 * negative values extend left (used for attributions). Rows keep the given order.
 */
export function horizontalBars(items, { signed = false, unit = '', digits = 3, id, label, width = 720 } = {}) {
  // width is the viewBox width: pick about the rendered width so text stays near 12px.
  const row = 26, labelWidth = Math.min(200, width * 0.28), valueWidth = 90, pad = 8;
  const height = Math.max(1, items.length) * row + pad * 2;
  const plot = width - labelWidth - valueWidth;
  const max = Math.max(1e-12, ...items.map(i => Math.abs(i.value)));
  const zero = signed && items.some(i => i.value < 0) ? labelWidth + plot / 2 : labelWidth;
  const scale = (signed && zero !== labelWidth ? plot / 2 : plot) / max;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart hbars', role: 'img', 'aria-label': label ?? 'bar chart', id });
  items.forEach((item, i) => {
    const y = pad + i * row;
    const length = Math.abs(item.value) * scale;
    const x = item.value < 0 ? zero - length : zero;
    const kind = !signed ? 'neutral' : item.value < 0 ? 'negative' : 'positive';
    svg.append(
      s('text', { x: labelWidth - 8, y: y + row / 2 + 4, 'text-anchor': 'end', class: 'label' }, truncate(item.label, Math.floor(labelWidth / 7))),
      s('rect', { x, y: y + 4, width: Math.max(1, length), height: row - 8, rx: 3, class: `bar ${kind}`, 'data-label': item.label, 'data-value': item.value },
        s('title', {}, `${item.label}: ${num(item.value, digits)}${unit}`)),
      s('text', { x: width - valueWidth + 8, y: y + row / 2 + 4, class: 'value' }, `${num(item.value, digits)}${unit}`));
  });
  svg.append(s('line', { x1: zero, x2: zero, y1: pad / 2, y2: height - pad / 2, class: 'axis' }));
  return svg;
}

/** Stacked columns over time: points [{bucketStart, version, count}], one colour per version, with a legend. */
export function stackedColumns(points, { label = 'predictions over time' } = {}) {
  const buckets = [...new Set(points.map(p => p.bucketStart))].sort();
  const series = [...new Set(points.map(p => p.version))];
  const colour = colours(series);
  const totals = buckets.map(b => points.filter(p => p.bucketStart === b).reduce((t, p) => t + p.count, 0));
  // Counts: whole-number ticks, and the bars scale to the top tick so the tallest meets a labelled line.
  const axis = axisTicks(Math.max(1, ...totals), { integer: true });
  const max = axis.top;
  const width = 1000, height = 300, left = 56, bottom = 40, top = 12, right = 12;
  const plotW = width - left - right, plotH = height - top - bottom;
  const step = plotW / Math.max(1, buckets.length);
  const barW = Math.max(2, Math.min(48, step * 0.7));
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart columns', role: 'img', 'aria-label': label });
  for (const tick of axis.ticks) {
    const y = top + plotH - (tick / max) * plotH;
    svg.append(s('line', { x1: left, x2: width - right, y1: y, y2: y, class: 'grid' }),
      s('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick y-tick' }, num(tick, axis.digits)));
  }
  buckets.forEach((bucket, i) => {
    let y = top + plotH;
    const x = left + i * step + (step - barW) / 2;
    for (const version of series) {
      const count = points.filter(p => p.bucketStart === bucket && p.version === version).reduce((t, p) => t + p.count, 0);
      if (!count) continue;
      const barH = (count / max) * plotH;
      y -= barH;
      svg.append(s('rect', { x, y, width: barW, height: barH, fill: colour.get(version), class: 'column' },
        s('title', {}, `${time(bucket)} · ${version}: ${num(count, 0)}`)));
    }
    if (i % Math.ceil(buckets.length / 8) === 0) {
      svg.append(s('text', { x: x + barW / 2, y: height - bottom + 16, 'text-anchor': 'middle', class: 'tick' }, shortTime(bucket)));
    }
  });
  svg.append(s('line', { x1: left, x2: width - right, y1: top + plotH, y2: top + plotH, class: 'axis' }));
  return h('figure', { class: 'chart-figure' }, svg, legend(series, colour));
}

/** Version periods on a time axis: periods [{version, from, to, count}]. */
export function timelineChart(periods, { at } = {}) {
  const start = Math.min(...periods.map(p => Date.parse(p.from)));
  const end = Math.max(...periods.map(p => Date.parse(p.to)), at ? Date.parse(at) : -Infinity);
  const span = Math.max(1, end - start);
  const versions = [...new Set(periods.map(p => p.version))];
  const colour = colours(versions);
  const width = 1000, row = 30, left = 120, right = 16, top = 10, axis = 30;
  const height = top + versions.length * row + axis;
  const plotW = width - left - right;
  const x = t => left + ((Date.parse(t) - start) / span) * plotW;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart timeline', role: 'img', 'aria-label': 'version timeline' });
  versions.forEach((version, i) => {
    const y = top + i * row;
    svg.append(s('text', { x: left - 8, y: y + row / 2 + 4, 'text-anchor': 'end', class: 'label' }, truncate(version, 16)));
    for (const p of periods.filter(q => q.version === version)) {
      svg.append(s('rect', { x: x(p.from), y: y + 5, width: Math.max(3, x(p.to) - x(p.from)), height: row - 10, rx: 3, fill: colour.get(version), class: 'period' },
        s('title', {}, `${version}: ${time(p.from)} → ${time(p.to)} (${num(p.count, 0)} decisions)`)));
    }
  });
  const axisY = top + versions.length * row + 4;
  svg.append(s('line', { x1: left, x2: width - right, y1: axisY, y2: axisY, class: 'axis' }));
  for (let i = 0; i <= 4; i++) {
    const t = new Date(start + (span * i) / 4).toISOString();
    svg.append(s('text', { x: left + (plotW * i) / 4, y: axisY + 18, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle', class: 'tick' }, shortTime(t)));
  }
  if (at && Number.isFinite(Date.parse(at))) {
    svg.append(s('line', { x1: x(at), x2: x(at), y1: top, y2: axisY, class: 'marker' }, s('title', {}, `at ${time(at)}`)));
  }
  return svg;
}

function legend(series, colour) {
  return h('figcaption', { class: 'legend' }, series.map(name => h('span', { class: 'legend-item' },
    s('svg', { viewBox: '0 0 10 10', width: 10, height: 10 }, s('rect', { width: 10, height: 10, fill: colour.get(name) })), name)));
}

function shortTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toISOString().slice(5, 16).replace('T', ' ');
}

function truncate(text, length) {
  const value = String(text);
  return value.length > length ? `${value.slice(0, length - 1)}…` : value;
}
