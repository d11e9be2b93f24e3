import { h, card, facts, notice, mount, time, num } from './dom.js';
import { getJson, explain } from './api.js';

/** Verification status: the newest checkpoint with its signature checked, and the last background verification run. */
export async function verificationPage(main) {
  mount(main, h('p', { class: 'muted' }, 'Loading…'));
  let status;
  try {
    status = await getJson('/v1/verification');
  } catch (error) {
    mount(main, notice('error', explain(error)));
    return;
  }
  const checkpoint = status.checkpoint;
  const run = status.lastRun;
  const verdict = !run
    ? notice('info', status.running ? 'The first verification is running…' : 'No verification has run yet.')
    : run.passed
      ? notice('ok', h('strong', {}, 'Ledger verified. '), `${num(run.entriesVerified, 0)} entries and ${num(run.checkpointsVerified, 0)} checkpoints checked (${run.mode}) at ${time(run.finishedAt)}; tree size ${num(run.treeSize, 0)}.`)
      : notice('error', h('strong', {}, 'Verification failed. '), run.finding ? `seq ${run.finding.seq}: ${run.finding.kind}: ${run.finding.detail}` : run.error ?? 'unknown problem');
  verdict.id = 'verification-verdict';
  mount(main,
    h('h1', { class: 'title' }, 'Verification status'),
    verdict,
    h('div', { class: 'columns-2' },
      card('Latest checkpoint', checkpoint ? [
        facts([
          ['origin', status.origin], ['tree size', num(checkpoint.treeSize, 0)], ['ledger size now', num(status.ledgerSize, 0)],
          ['root hash', h('code', { class: 'hash' }, checkpoint.rootHash)], ['signed at', time(checkpoint.createdAt)],
          ['signature', checkpoint.signatureValid ? 'valid (checked with the ledger\u2019s key)' : `INVALID: ${checkpoint.signatureProblem ?? ''}`],
          ['verifier key', h('code', { class: 'hash' }, status.verifierKey)],
        ]),
        h('details', {}, h('summary', {}, 'Signed note'), h('pre', { class: 'json' }, checkpoint.note)),
      ] : notice('info', 'No checkpoint signed yet.')),
      card('Last verification run', run ? facts([
        ['mode', run.mode === 'incremental' ? `incremental, from tree size ${num(run.fromTreeSize, 0)}` : 'full'],
        ['started', time(run.startedAt)], ['finished', time(run.finishedAt)],
        ['entries verified', num(run.entriesVerified, 0)], ['checkpoints verified', num(run.checkpointsVerified, 0)],
        ['inputs verified', num(run.inputsVerified, 0)], ['inputs not checked', num(run.inputsNotChecked, 0)],
        ['recomputed root', run.rootHash ? h('code', { class: 'hash' }, run.rootHash) : '—'], ['took', `${num(run.elapsedMs, 1)} ms`],
        ['next run', status.intervalSeconds > 0 ? `every ${num(status.intervalSeconds / 60, 1)} min` : 'only at start'],
      ]) : h('p', { class: 'muted' }, 'Not run yet.'))),
    ...(status.witnessing ? [witnessingCard(status.witnessing)] : []));
}

/** The witnesses of the policy: last cosigned size, failures, split views, and whether the newest checkpoint is published. */
function witnessingCard(witnessing) {
  const fromStore = !witnessing.publishing && witnessing.source === 'store';
  const size = s => s === null || s === undefined ? '—' : num(s, 0);
  const verdict = witnessing.latestPublished
    ? notice('ok', h('strong', {}, 'Published. '), `The newest checkpoint (tree size ${size(witnessing.latestSize)}) has the quorum of cosignatures: ${witnessing.quorum}.`)
    : notice('warn', h('strong', {}, 'Not published yet. '), `The newest checkpoint (tree size ${size(witnessing.latestSize)}) does not have ${witnessing.quorum} cosignatures yet; newest published: ${witnessing.publishedSize === null || witnessing.publishedSize === undefined ? 'none' : num(witnessing.publishedSize, 0)}.`);
  verdict.id = 'witnessing-verdict';
  const published = witnessing.publishing || fromStore
    ? verdict
    : notice('info', 'This process does not publish checkpoints (the sequencer does); cosigned checkpoints are still served.');
  if (!witnessing.publishing && !fromStore) published.id = 'witnessing-verdict';
  const parts = [published];
  if (fromStore) {
    const source = notice('info', h('strong', {}, 'Read from the ledger\'s store. '), witnessing.note || 'The sequencer asks the witnesses; failures and split views are in its logs and metrics.');
    source.id = 'witnessing-source';
    parts.push(source);
  }
  const sequencerOnly = () => h('td', { class: 'muted', title: 'Counted by the sequencer that publishes (its /metrics and logs)' }, 'sequencer');
  const rows = witnessing.witnesses.map(w => h('tr', { class: w.splitViews > 0 ? 'split-view' : '' },
    h('td', {}, w.name), h('td', {}, w.cosignedSize === undefined ? '—' : num(w.cosignedSize, 0)),
    fromStore ? sequencerOnly() : h('td', {}, w.failures === undefined ? '—' : num(w.failures, 0)),
    fromStore ? sequencerOnly() : h('td', {}, w.splitViews > 0 ? h('strong', {}, `${num(w.splitViews, 0)} SPLIT VIEW`) : '0'),
    fromStore ? h('td', {}, w.lastCosignedAt ? `last cosignature stored ${time(w.lastCosignedAt)}` : '—') : h('td', {}, w.lastError ? `${w.lastError} (${time(w.lastErrorAt)})` : '—'),
    h('td', {}, h('code', { class: 'hash' }, w.url))));
  return card('Witnesses', ...parts,
    h('table', { class: 'results', id: 'witnesses' },
      h('thead', {}, h('tr', {}, ...['witness', 'cosigned size', 'failures', 'split views', fromStore ? 'last cosignature' : 'last error', 'URL'].map(t => h('th', {}, t)))),
      h('tbody', {}, ...rows)));
}
