"""Proof receipts, with and without the `witnessed` member (format.md section 3,
verification.md "Receipts with witnesses")."""
import base64

from . import jcs, merkle, signed_note
from .bundle import check_cosignatures

RECEIPT_MEMBERS = {"seq", "requestId", "leafHash", "checkpoint", "proof", "witnessed"}
WITNESSED_MEMBERS = {"cosignedCheckpoint", "proof", "consistency", "timestamps"}
INCLUSION_MEMBERS = ["leafIndex", "treeSize", "leafHash", "hashes"]


def _inclusion(proof, seq, leaf, root, size, problems, where):
    problems.ok(isinstance(proof, dict) and sorted(proof) == sorted(INCLUSION_MEMBERS), where, f"members {sorted(proof) if isinstance(proof, dict) else proof}")
    problems.ok(proof.get("leafIndex") == seq, where, f"leafIndex {proof.get('leafIndex')} is not the receipt's seq {seq}")
    problems.ok(proof.get("treeSize") == size, where, f"treeSize {proof.get('treeSize')} is not the checkpoint's {size}")
    problems.ok(signed_note.b64(proof["leafHash"]) == leaf, where, "leafHash is not the receipt's")
    hashes = [signed_note.b64(h) for h in proof.get("hashes", [])]
    problems.ok(merkle.verify_inclusion(seq, size, leaf, hashes, root), where, "inclusion proof does not lead to the signed root")


def check_receipt(line, key, problems, where, entry_bytes_by_seq=None, witness_keys=()):
    receipt = jcs.parse(line)
    problems.ok(set(receipt) <= RECEIPT_MEMBERS, where, f"members the doc does not list: {sorted(set(receipt) - RECEIPT_MEMBERS)}")
    seq, leaf = receipt["seq"], signed_note.b64(receipt["leafHash"])
    problems.ok(len(leaf) == 32, where, "leafHash is not 32 bytes")
    if entry_bytes_by_seq is not None and seq in entry_bytes_by_seq:
        entry = entry_bytes_by_seq[seq]
        problems.ok(merkle.leaf_hash(entry) == leaf, where, "leafHash is not SHA-256(0x00 ‖ the entry's canonical bytes)")
        problems.ok(jcs.parse(entry)["requestId"] == receipt["requestId"], where, "requestId is not the entry's")
    own = None
    if "checkpoint" in receipt:
        text = signed_note.open_note(receipt["checkpoint"], key)
        origin, size, root = signed_note.parse_checkpoint(text)
        own = (size, root)
        _inclusion(receipt["proof"], seq, leaf, root, size, problems, f"{where} proof")
    witnessed = receipt.get("witnessed")
    if witnessed is None:
        return receipt, 0
    at = f"{where} witnessed"
    problems.ok(set(witnessed) <= WITNESSED_MEMBERS and {"cosignedCheckpoint", "proof", "timestamps"} <= set(witnessed), at,
                f"members {sorted(witnessed)}")
    cosigned = witnessed["cosignedCheckpoint"]
    text = signed_note.open_note(cosigned, key)
    _, size, root = signed_note.parse_checkpoint(text)
    _inclusion(witnessed["proof"], seq, leaf, root, size, problems, f"{at}.proof")
    if own is not None:
        if own[0] == size:
            problems.ok(own[1] == root and "consistency" not in witnessed, at, "same size as the receipt's checkpoint but another root, or a needless consistency proof")
        else:
            c = witnessed.get("consistency")
            if problems.ok(isinstance(c, dict) and sorted(c) == ["from", "hashes", "to"], at, "a later checkpoint without {from,to,hashes} consistency"):
                problems.ok(c["from"] == own[0] and c["to"] == size, at, "consistency from/to are not the two sizes")
                hashes = [signed_note.b64(h) for h in c["hashes"]]
                problems.ok(merkle.verify_consistency(own[0], size, own[1], root, hashes), at, "consistency proof does not verify")
    timestamps = witnessed.get("timestamps")
    problems.ok(isinstance(timestamps, dict) and all(isinstance(t, str) for t in timestamps.values()), at, "timestamps is not an object of base64 strings")
    for name, token in (timestamps or {}).items():
        der = signed_note.b64(token)
        # The token's messageImprint is SHA-256 of the ledger's signed note without the cosignature lines:
        # without a CMS parser we check that the digest occurs in the DER, which the imprint's OCTET STRING makes it do.
        note_without_cosignatures = _ledger_note(cosigned, key)
        digest = merkle.sha256(note_without_cosignatures.encode("utf-8"))
        problems.ok(digest in der, f"{at}.timestamps.{name}", "the token does not hold SHA-256 of the checkpoint's signed note")
    valid = check_cosignatures(cosigned.encode("utf-8"), text, witness_keys, problems, f"{at}.cosignedCheckpoint")
    return receipt, valid


def _ledger_note(cosigned, key):
    """The signed note as the ledger signed it: the text, the blank line and the ledger's own signature lines."""
    text, signatures = signed_note.split_note(cosigned)
    lines = [f"\u2014 {name} {base64.b64encode(raw).decode()}\n" for name, raw in signatures if name == key.name and raw[:4] == key.key_id]
    return text + "\n" + "".join(lines)
