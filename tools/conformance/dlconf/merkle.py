"""RFC 6962 / RFC 9162 hashes, tree and proofs, as format.md sections 3-5 state them."""
import hashlib


def sha256(data):
    return hashlib.sha256(data).digest()


def leaf_hash(entry_bytes):
    return sha256(b"\x00" + entry_bytes)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def tree_hash(leaves):
    """MTH over leaf hashes (section 4); iterative so a large ledger does not recurse deeply."""
    if not leaves:
        return sha256(b"")
    level = list(leaves)
    # Pairing left to right and carrying an odd last node up equals the RFC's split at the largest power of two.
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def verify_inclusion(leaf_index, tree_size, leaf, hashes, root):
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in hashes:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_root, second_root, hashes):
    if first < 1 or first > second:
        return False
    if first == second:
        return not hashes and first_root == second_root
    if not hashes:
        return False
    if first & (first - 1) == 0:
        hashes = [first_root] + list(hashes)
    fn, sn = first - 1, second - 1
    while fn % 2 == 1:
        fn >>= 1
        sn >>= 1
    fr = sr = hashes[0]
    for c in hashes[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0
