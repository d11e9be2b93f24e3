"""The heads map of entry format 2 (format.md section 10): keys, leaf and node hashes, the root,
and map-proof verification."""
import hashlib
import struct

from .merkle import node_hash, sha256

EMPTY = bytes(32)


def key_hash(key):
    return sha256(key.encode("utf-8"))


def bit(h, i):
    return (h[i // 8] >> (7 - i % 8)) & 1


def leaf(kh, last, count):
    return sha256(b"\x00" + kh + struct.pack(">QQ", last, count))


def root(heads):
    """heads: {key: (last, count)} → the 32-byte map root."""
    items = [(key_hash(k), v) for k, v in heads.items()]
    return _hash(items, 0)


def _hash(items, depth):
    if not items:
        return EMPTY
    if len(items) == 1:
        kh, (last, count) = items[0]
        return leaf(kh, last, count)
    left = [x for x in items if bit(x[0], depth) == 0]
    right = [x for x in items if bit(x[0], depth) == 1]
    return node_hash(_hash(left, depth + 1), _hash(right, depth + 1))


def verify_proof(map_root, key, proof, b64):
    """Returns ("member", last, count), ("absent",) or None when the proof does not verify."""
    kh = key_hash(key)
    siblings = [b64(s) for s in proof["siblings"]]
    n = len(siblings)
    if n > 256 or any(len(s) != 32 for s in siblings):
        return None
    terminal = proof["terminal"]
    if terminal is None:
        h = EMPTY
    else:
        tkh = b64(terminal["keyHash"])
        last, count = terminal["last"], terminal["count"]
        if len(tkh) != 32 or last < 0 or count < 1:
            return None
        if tkh != kh and any(bit(tkh, i) != bit(kh, i) for i in range(n)):
            return None
        h = leaf(tkh, last, count)
    for i in range(n - 1, -1, -1):
        h = node_hash(h, siblings[i]) if bit(kh, i) == 0 else node_hash(siblings[i], h)
    if h != map_root:
        return None
    if terminal is not None and b64(terminal["keyHash"]) == kh:
        return ("member", terminal["last"], terminal["count"])
    return ("absent",)
