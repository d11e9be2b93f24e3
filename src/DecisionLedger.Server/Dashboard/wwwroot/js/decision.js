import { h, card, facts, notice, mount, jsonBlock, time, num } from './dom.js';
import { getBytes, getJson, getText, explain } from './api.js';
import { horizontalBars } from './charts.js';
import { leafHash, fromBase64, toBase64, toHex, equal, verifyInclusion, parseCheckpoint, verifyNoteSignature } from './merkle.js';
import { explainAttributions } from './explanation.js';
import { caller, can } from './session.js';
import { replayCard } from './replay.js';

/** One decision: what was stored, the explanation as a chart, the redactions, and a proof checked in this browser. */
export async function decisionPage(main, requestId) {
  mount(main, h('p', { class: 'muted' }, 'Loading the decision…'));
  let bytes;
  try {
    bytes = await getBytes(`/v1/decisions/${encodeURIComponent(requestId)}`);
  } catch (error) {
    mount(main, h('p', {}, h('a', { href: '#/search' }, '← Search')), notice('error', explain(error)));
    return;
  }
  const entry = JSON.parse(new TextDecoder().decode(bytes));
  const proof = h('div', { id: 'proof-status' }, h('p', { class: 'muted' }, 'Checking the inclusion proof…'));
  const input = h('div', { id: 'input' }, h('p', { class: 'muted' }, 'Loading the stored input…'));
  mount(main,
    h('p', {}, h('a', { href: '#/search', class: 'back' }, '← Search')),
    h('h1', { class: 'title' }, 'Decision ', h('code', {}, entry.requestId)),
    h('div', { class: 'columns-2' },
      card('Summary', facts([
        ['seq', String(entry.seq)],
        ['time', time(entry.timestamp)],
        ['model', `${entry.model.name} ${entry.model.version}`],
        entry.model.pipelineVersion ? ['pipeline', entry.model.pipelineVersion] : null,
        entry.model.artifactDigest ? ['artifact', h('code', {}, entry.model.artifactDigest)] : null,
        ['user', entry.actor?.userId ?? '—'],
        ['tenant', entry.actor?.tenant ?? '—'],
        ['subject', entry.subject?.id ?? '—'],
        ['latency', entry.latencyMs === undefined ? '—' : `${num(entry.latencyMs, 2)} ms`],
        ['input digest', h('code', { class: 'hash' }, entry.inputDigest)],
      ])),
      card('Proof status', proof)),
    h('div', { class: 'columns-2' },
      card('Output', jsonBlock(entry.output)),
      card('Input as stored', input)),
    card('Explanation', explanation(entry.explanation, entry.output)),
    card('Redactions applied', redactions(entry.redactions)),
    entry.metadata === undefined ? null : card('Metadata', jsonBlock(entry.metadata)),
    replayCard(entry));
  await Promise.all([showInput(input, entry), showProof(proof, entry, bytes)]);
}

function explanation(value, output) {
  const attributions = Object.entries(value?.attributions ?? {});
  if (attributions.length === 0) return notice('info', 'This decision was recorded without an explanation.');
  const items = attributions.map(([label, v]) => ({ label, value: v })).sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  const caption = explainAttributions(value, output);
  return h('div', {},
    facts([['method', value.method ?? '—'], ['base value', value.baseValue === undefined ? 'none recorded' : num(value.baseValue, 4)]]),
    h('p', { class: 'muted', id: 'attribution-caption', 'data-method': caption.method ?? '' }, 'Sorted by magnitude. ', caption.sentences.join(' ')),
    horizontalBars(items, { signed: true, id: 'attribution-chart', label: 'feature attributions', digits: 4, width: 860 }),
    h('p', { class: 'axis-legend', id: 'attribution-sides' },
      h('span', { class: 'negative' }, `\u2190 ${caption.negative}`), h('span', { class: 'positive' }, `${caption.positive} \u2192`)));
}

function redactions(list) {
  if (!list || list.length === 0) return h('p', { class: 'muted', id: 'redactions' }, 'None: nothing was redacted before hashing.');
  return h('table', { class: 'results', id: 'redactions' },
    h('thead', {}, h('tr', {}, h('th', {}, 'path'), h('th', {}, 'rule'), h('th', {}, 'operator'))),
    h('tbody', {}, list.map(r => h('tr', {}, h('td', {}, h('code', {}, r.path)), h('td', {}, r.rule), h('td', {}, r.operator)))));
}

async function showInput(target, entry) {
  let body;
  try {
    body = await getJson(`/v1/decisions/${encodeURIComponent(entry.requestId)}/input`);
  } catch (error) {
    mount(target, notice('error', explain(error)));
    return;
  }
  if (body.state === 'erased') {
    mount(target, notice('info', 'The input was erased (the data subject asked to be forgotten); only its digest remains in the entry.'));
    return;
  }
  if (body.state === 'encrypted') {
    mount(target, notice('info', 'The input is encrypted at rest under its subject\u2019s key; the collector does not show it.'));
    return;
  }
  const raw = new TextEncoder().encode(body.input);
  const digest = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', concat(fromBase64(body.salt), raw))));
  const matches = digest === entry.inputDigest;
  mount(target,
    matches
      ? notice('ok', 'SHA-256(salt ‖ input) matches the entry\u2019s inputDigest: this is the input the ledger committed to.')
      : notice('error', `SHA-256(salt ‖ input) is ${digest}, not the entry\u2019s inputDigest: the stored input was altered.`),
    jsonBlock(JSON.parse(body.input)));
}

async function showProof(target, entry, bytes) {
  const leaf = await leafHash(bytes);
  const rows = [['leaf hash (computed here)', h('code', { class: 'hash' }, toBase64(leaf))]];
  const who = await caller().catch(() => null);
  if (who && !can(who, 'audit')) {
    mount(target, facts(rows), notice('info', `Checkpoints and proofs need the audit permission, which your key\u2019s role (${who.role}) does not have: an auditor or admin key checks this entry\u2019s inclusion proof here.`));
    return;
  }
  let note, status;
  try {
    note = await getText('/v1/checkpoint');
    status = await getJson('/v1/verification');
  } catch (error) {
    mount(target, facts(rows), notice('warn', `Proof not checked: ${explain(error)}`));
    return;
  }
  const checkpoint = parseCheckpoint(note);
  rows.push(['checkpoint', `${checkpoint.origin}, tree size ${checkpoint.size}`], ['root hash', h('code', { class: 'hash' }, toBase64(checkpoint.rootHash))]);
  const signature = await verifyNoteSignature(checkpoint, status.verifierKey);
  rows.push(['checkpoint signature', signature === null
    ? `not checked here (no Ed25519 in this browser); the collector says ${status.checkpoint?.signatureValid ? 'valid' : 'INVALID'}`
    : signature ? 'valid (Ed25519, checked in this browser)' : 'INVALID']);
  if (entry.seq >= checkpoint.size) {
    mount(target, facts(rows), notice('warn', `seq ${entry.seq} is not yet covered by the latest checkpoint (size ${checkpoint.size}); reload after the next checkpoint.`));
    return;
  }
  let proof;
  try {
    proof = await getJson(`/v1/proof/inclusion?seq=${entry.seq}&treeSize=${checkpoint.size}`);
  } catch (error) {
    mount(target, facts(rows), notice('error', explain(error)));
    return;
  }
  const hashes = proof.hashes.map(fromBase64);
  const sameLeaf = equal(fromBase64(proof.leafHash), leaf);
  const included = sameLeaf && await verifyInclusion(proof.leafIndex, proof.treeSize, leaf, hashes, checkpoint.rootHash);
  rows.push(['proof', `${hashes.length} hashes, leaf index ${proof.leafIndex}`]);
  const verdict = included && signature !== false
    ? notice('ok', h('strong', {}, 'Verified in this browser: '), `the entry\u2019s bytes hash to a leaf that the inclusion proof ties to the root of the signed checkpoint of size ${checkpoint.size}.`)
    : notice('error', h('strong', {}, 'Not verified: '), !sameLeaf ? 'the server\u2019s leaf hash differs from the hash of the bytes it served.' : !included ? 'the proof does not lead to the checkpoint\u2019s root.' : 'the checkpoint\u2019s signature does not verify.');
  verdict.id = 'proof-verdict';
  verdict.dataset.verified = String(included && signature !== false);
  verdict.dataset.signature = signature === null ? 'unchecked' : String(signature);
  mount(target, verdict, facts(rows));
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
