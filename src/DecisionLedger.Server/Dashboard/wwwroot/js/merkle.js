// RFC 6962 / RFC 9162 hashing and proof checks with WebCrypto (docs/format.md, sections 3-6).

async function sha256(...parts) {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const data = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) { data.set(part, offset); offset += part.length; }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

/** SHA-256(0x00 ‖ canonical bytes). */
export const leafHash = bytes => sha256(Uint8Array.of(0), bytes);

/** SHA-256(0x01 ‖ left ‖ right). */
export const nodeHash = (left, right) => sha256(Uint8Array.of(1), left, right);

export function fromBase64(text) {
  return Uint8Array.from(atob(text), c => c.charCodeAt(0));
}

export function toBase64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

export function toHex(bytes) {
  return [...bytes].map(b => b.toString(16).padStart(2, '0')).join('');
}

export function equal(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** verifyInclusion exactly as RFC 9162 section 2.1.3.2 states it; resolves to true or false. */
export async function verifyInclusion(leafIndex, treeSize, leaf, hashes, root) {
  if (leafIndex >= treeSize) return false;
  let fn = leafIndex, sn = treeSize - 1, r = leaf;
  for (const p of hashes) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** Parses a checkpoint note: {origin, size, rootHash (bytes), body, signatures: [{name, keyId, signature}]}. */
export function parseCheckpoint(note) {
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('checkpoint: the note has no blank line before its signatures.');
  const body = note.slice(0, split + 1);
  const lines = body.split('\n');
  if (lines.length < 4) throw new Error('checkpoint: the body needs origin, size and root hash lines.');
  const signatures = note.slice(split + 2).split('\n').filter(l => l).map(line => {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!match) throw new Error(`checkpoint: '${line}' is not a signature line.`);
    const blob = fromBase64(match[2]);
    return { name: match[1], keyId: blob.slice(0, 4), signature: blob.slice(4) };
  });
  return { origin: lines[0], size: Number(lines[1]), rootHash: fromBase64(lines[2]), body, signatures };
}

/**
 * Checks the note's Ed25519 signature with the verifier key "name+hex8(keyID)+base64(0x01 ‖ key)".
 * Resolves to true/false, or null when this browser's WebCrypto has no Ed25519.
 */
export async function verifyNoteSignature(parsed, verifierKey) {
  // The name cannot contain '+', but the base64 key can: split at the first two only (as NoteVerifier.Parse does).
  const first = verifierKey.indexOf('+');
  const second = verifierKey.indexOf('+', first + 1);
  if (first < 0 || second < 0) return false;
  const name = verifierKey.slice(0, first);
  const keyIdHex = verifierKey.slice(first + 1, second);
  const keyBase64 = verifierKey.slice(second + 1);
  const typed = fromBase64(keyBase64);
  const signature = parsed.signatures.find(sig => sig.name === name && toHex(sig.keyId) === keyIdHex);
  if (!signature || typed[0] !== 1) return false;
  let key;
  try {
    key = await crypto.subtle.importKey('raw', typed.slice(1), { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return null;
  }
  return crypto.subtle.verify({ name: 'Ed25519' }, key, signature.signature, new TextEncoder().encode(parsed.body));
}
