// Axis ticks: distinct "nice" values (1, 2 or 5 times a power of ten) from 0 up to a top at or above the maximum.

/**
 * Ticks for an axis from 0 to max: {ticks, top, digits}. top is the last tick (≥ max), so a chart scales
 * to it and the highest bar meets a labelled line. With integer: true (counts) every tick is a whole
 * number, so a maximum of 1 gives 0, 1 rather than 0, 0.5, 1 printed as "0, 1, 1". digits is how many
 * fraction digits tell the ticks apart.
 */
export function axisTicks(max, { integer = false, count = 4 } = {}) {
  const value = Number.isFinite(max) && max > 0 ? max : 1;
  const raw = value / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map(m => m * magnitude).find(m => m >= raw * (1 - 1e-12)) ?? 10 * magnitude;
  if (integer) step = Math.max(1, Math.round(step));
  const digits = integer ? 0 : Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const steps = Math.ceil(value / step - 1e-9);
  const ticks = [];
  for (let i = 0; i <= steps; i++) ticks.push(Number((i * step).toFixed(digits)));
  return { ticks, top: ticks[ticks.length - 1], digits };
}
