// The caption under a decision's attribution chart, derived from the method the entry records, its
// sign convention and its base value: what a bar's length is measured in, what a positive bar means
// for this decision's output, and whether the bars add up to anything.
import { num } from './dom.js';

/**
 * What each known method's attributions are. additive: base value + Σ attributions = the model's output
 * for the decision; units: what the values are measured in; about: how they are computed.
 */
const METHODS = [
  {
    names: ['feature-contribution', 'feature-contributions', 'featurecontribution', 'mlnet-feature-contribution'],
    label: 'ML.NET feature contributions (FeatureContributionCalculator)',
    units: 'raw score',
    towardClass: true,
    additive: false,
    about: 'For a tree ensemble (FastTree, LightGBM) a feature\u2019s contribution is the change in the raw score had the opposite branch been taken at the splits on that feature. They are not measured from a baseline and do not add up to the score.',
  },
  {
    names: ['shap', 'tree-shap', 'treeshap', 'kernel-shap', 'kernelshap', 'shapley', 'deep-shap', 'linear-shap'],
    label: 'SHAP values',
    units: 'model output',
    towardClass: false,
    additive: true,
    about: 'Shapley values are additive: the base value (the model\u2019s expected output) plus every attribution equals this decision\u2019s output.',
  },
  {
    names: ['integrated-gradients', 'integratedgradients', 'ig'],
    label: 'Integrated gradients',
    units: 'model output',
    towardClass: false,
    additive: true,
    about: 'The attributions add up to the output minus the output at the baseline input (the base value).',
  },
  {
    names: ['lime'],
    label: 'LIME weights',
    units: 'local surrogate model',
    towardClass: false,
    additive: false,
    about: 'Each value is the weight of the feature in a simple model fitted around this input; they approximate the model locally and need not add up to its output.',
  },
];

/** The method entry for a recorded method name, or null when the dashboard does not know it. */
export function describeMethod(method) {
  const key = String(method ?? '').trim().toLowerCase();
  return METHODS.find(m => m.names.includes(key)) ?? null;
}

/**
 * The caption for an entry's explanation and output: {sentences, positive, negative}, where positive and
 * negative name what the right and left of the axis mean for this decision.
 */
export function explainAttributions(explanation, output) {
  const known = describeMethod(explanation?.method);
  const values = Object.values(explanation?.attributions ?? {}).filter(v => typeof v === 'number');
  const sum = values.reduce((t, v) => t + v, 0);
  const base = typeof explanation?.baseValue === 'number' ? explanation.baseValue : null;
  const score = outputScore(output);
  const verdict = outputClass(output);
  const sentences = [];
  let positive, negative;

  if (!known) {
    sentences.push(`Method "${explanation?.method ?? '(none recorded)'}" is not one this dashboard knows, so the bars are shown as recorded: right of the axis is a positive value, left a negative one, in the recorder\u2019s own convention.`);
    positive = 'positive value';
    negative = 'negative value';
    if (base !== null) sentences.push(`Recorded base value ${num(base, 4)}; the attributions sum to ${num(sum, 4)}.`);
    return { sentences, positive, negative, method: explanation?.method ?? null };
  }

  const target = known.towardClass
    ? (verdict ? `the positive class "${verdict.name}"` : 'the positive class')
    : (score ? `a higher ${score.path}` : 'a higher model output');
  sentences.push(`${known.label}, in units of the ${known.units}${known.towardClass && score ? ` (${score.path} = ${num(score.value, 4)}${verdict ? `, ${verdict.name} = ${verdict.value}` : ''})` : ''}${known.towardClass ? ', not of the probability' : ''}.`);
  if (known.towardClass) {
    sentences.push(`A positive value pushed the raw score toward ${target}; a negative value pushed it away, toward ${verdict ? `not ${verdict.name}` : 'the negative class'}.`);
    positive = verdict ? `toward ${verdict.name}` : 'toward the positive class';
    negative = verdict ? `toward not ${verdict.name}` : 'toward the negative class';
  } else {
    sentences.push(`A positive value raised the output above the base value; a negative value lowered it.`);
    positive = 'raises the output';
    negative = 'lowers the output';
  }
  sentences.push(known.about);
  if (known.additive) {
    if (base === null) {
      sentences.push('No base value was recorded, so the sum cannot be checked against the output.');
    } else {
      const total = base + sum;
      sentences.push(`Here: base value ${num(base, 4)} + attributions ${num(sum, 4)} = ${num(total, 4)}${score ? `; ${score.path} is ${num(score.value, 4)}` : ''}.`);
    }
  } else if (base === null) {
    sentences.push('No base value was recorded, as none exists for this method.');
  } else {
    sentences.push(`A base value of ${num(base, 4)} was recorded; for this method the attributions are not measured from it.`);
  }
  return { sentences, positive, negative, method: explanation.method };
}

/** The output's numeric score, as {path, value}: output.score, output.rawScore, or the output itself. */
function outputScore(output) {
  if (typeof output === 'number') return { path: 'output', value: output };
  for (const name of ['score', 'rawScore', 'raw_score', 'logit', 'margin']) {
    if (typeof output?.[name] === 'number') return { path: `output.${name}`, value: output[name] };
  }
  return null;
}

/** The output's boolean verdict (e.g. {fraud: true}), as {name, value}: the class a positive contribution pushes toward. */
function outputClass(output) {
  if (!output || typeof output !== 'object' || Array.isArray(output)) return null;
  const entry = Object.entries(output).find(([, v]) => typeof v === 'boolean');
  return entry ? { name: entry[0], value: entry[1] } : null;
}
