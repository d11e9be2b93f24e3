"""An evidence bundle (format.md sections 7 and 8): checkpoint, entries, inputs, proofs,
manifest, and the completeness proof (steps A-K)."""
import base64
import hashlib
import json
import os

from . import entries as shapes
from . import heads_map, jcs, merkle, signed_note
from .ledger_walk import walk


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        return []
    if not data.endswith(b"\n"):
        raise ValueError(f"{path}: the last line does not end in \\n")
    return [line[:-1] if line.endswith(b"\r") else line for line in data[:-1].split(b"\n")]


def check_entry_line(line, problems, at):
    """Step 4 for one line; returns the parsed entry or None."""
    try:
        entry = jcs.parse(line)
    except (ValueError, UnicodeDecodeError) as e:
        problems.add(at, f"malformed-entry: {e}")
        return None
    problems.ok(jcs.canonical_bytes(entry) == line, at, "malformed-entry: JCS(parse(line)) != line")
    if not isinstance(entry, dict):
        problems.add(at, "malformed-entry: not an object")
        return None
    found = shapes.event(entry) if "kind" in entry else shapes.decision(entry)
    for message in found:
        problems.add(at, message)
    return entry


def check_bundle(directory, key, problems, witness_keys=()):
    at = os.path.basename(os.path.normpath(directory))
    with open(os.path.join(directory, "checkpoint"), "rb") as f:
        checkpoint_note = f.read()
    text = signed_note.open_note(checkpoint_note, key)
    origin, size, root = signed_note.parse_checkpoint(text)
    problems.ok(origin == key.name, f"{at}/checkpoint", f"origin {origin} is not the key name {key.name}")
    with open(os.path.join(directory, "manifest.json"), "rb") as f:
        manifest = jcs.parse(f.read())
    problems.ok(manifest.get("treeSize") == size, f"{at}/manifest.json", "treeSize is not the checkpoint's")
    problems.ok(manifest.get("rootHash") == base64.b64encode(root).decode(), f"{at}/manifest.json", "rootHash is not the checkpoint's")
    problems.ok(manifest.get("full") == (manifest.get("filters") == {}), f"{at}/manifest.json", "full is not (filters == {})")
    documented = {"origin", "treeSize", "rootHash", "filters", "createdAt", "toolVersion", "entryCount", "full", "inputCount",
                  "inputsWithheld", "completeness", "cosignatures", "timestamps"}
    problems.ok(set(manifest) <= documented, f"{at}/manifest.json", f"members the doc does not list: {sorted(set(manifest) - documented)}")
    problems.ok(isinstance(manifest.get("createdAt"), str) and shapes.TIMESTAMP.match(manifest["createdAt"]) is not None,
                f"{at}/manifest.json", f"createdAt {manifest.get('createdAt')!r} is not UTC with six fraction digits")

    lines = read_lines(os.path.join(directory, "entries.jsonl"))
    parsed, leaves = [], []
    last_seq, request_ids = -1, set()
    for i, line in enumerate(lines):
        entry = check_entry_line(line, problems, f"{at}/entries.jsonl line {i + 1}")
        if entry is None:
            continue
        seq = entry.get("seq")
        problems.ok(isinstance(seq, int) and last_seq < seq < size, f"{at}/entries.jsonl line {i + 1}", f"seq {seq} not increasing or not below {size}")
        if manifest.get("full"):
            problems.ok(seq == i, f"{at}/entries.jsonl line {i + 1}", f"seq {seq} is not the line number {i}")
        problems.ok(entry.get("requestId") not in request_ids, f"{at}/entries.jsonl line {i + 1}", "duplicate-request-id")
        request_ids.add(entry.get("requestId"))
        last_seq = seq
        parsed.append(entry)
        leaves.append(merkle.leaf_hash(line))
    problems.ok(manifest.get("entryCount") == len(lines), f"{at}/manifest.json", f"entryCount {manifest.get('entryCount')} but {len(lines)} lines")

    if manifest.get("full"):
        problems.ok(len(lines) == size, at, f"{len(lines)} lines for tree size {size}")
        problems.ok(merkle.tree_hash(leaves) == root, at, "content-changed: MTH(entries) is not the checkpoint root")
        walk(parsed, problems, f"{at}/entries.jsonl")
    else:
        proofs = [jcs.parse(p) for p in read_lines(os.path.join(directory, "proofs.jsonl"))]
        problems.ok(len(proofs) == len(lines), f"{at}/proofs.jsonl", f"{len(proofs)} proofs for {len(lines)} entries")
        for i, (entry, leaf, proof) in enumerate(zip(parsed, leaves, proofs)):
            where = f"{at}/proofs.jsonl line {i + 1}"
            problems.ok(set(proof) == {"leafIndex", "treeSize", "leafHash", "hashes"}, where, f"members {sorted(proof)}")
            problems.ok(proof.get("leafIndex") == entry["seq"] and proof.get("treeSize") == size, where, "leafIndex/treeSize")
            problems.ok(proof.get("leafHash") == base64.b64encode(leaf).decode(), where, "leafHash is not SHA-256(0x00 ‖ line)")
            hashes = [signed_note.b64(h) for h in proof.get("hashes", [])]
            problems.ok(merkle.verify_inclusion(entry["seq"], size, leaf, hashes, root), where, "inclusion proof does not verify")
    check_inputs(directory, parsed, manifest, problems, at)
    check_completeness(directory, parsed, manifest, size, problems, at)
    check_cosigned(directory, checkpoint_note, text, key, witness_keys, manifest, problems, at)
    return parsed


def check_inputs(directory, parsed, manifest, problems, at):
    path = os.path.join(directory, "inputs.jsonl")
    rows = [jcs.parse(r) for r in read_lines(path)] if os.path.exists(path) else []
    by_seq = {e["seq"]: e for e in parsed}
    last = -1
    for i, row in enumerate(rows):
        where = f"{at}/inputs.jsonl line {i + 1}"
        problems.ok(set(row) == {"seq", "salt", "input"}, where, f"members {sorted(row)}")
        entry = by_seq.get(row.get("seq"))
        if not problems.ok(entry is not None and row["seq"] > last, where, "seq not an exported entry or not increasing"):
            continue
        last = row["seq"]
        salt = signed_note.b64(row["salt"])
        problems.ok(len(salt) == 16, where, "salt is not 16 bytes")
        digest = hashlib.sha256(salt + jcs.canonical_bytes(row["input"])).hexdigest()
        problems.ok(digest == entry.get("inputDigest"), where, "input-altered: SHA-256(salt ‖ JCS(input)) != inputDigest")
    decisions = [e for e in parsed if "kind" not in e]
    problems.ok(manifest.get("inputCount") == len(rows), f"{at}/manifest.json", "inputCount is not the number of input rows")
    problems.ok(manifest.get("inputsWithheld") == len(decisions) - len(rows), f"{at}/manifest.json",
                f"inputsWithheld {manifest.get('inputsWithheld')} but {len(decisions) - len(rows)} decisions have no input row")


def check_completeness(directory, parsed, manifest, size, problems, at):
    path = os.path.join(directory, "completeness.json")
    if not os.path.exists(path):
        problems.ok("completeness" not in manifest, at, "manifest names completeness but completeness.json is absent")
        return
    with open(path, "rb") as f:
        raw = f.read()
    proof = jcs.parse(raw)
    where = f"{at}/completeness.json"
    # Section 7: indented JSON, two spaces, members in the documented order, ending in \n.
    problems.ok(raw.endswith(b"\n") and b'\n  "key"' in raw, where, "not two-space indented JSON ending in \\n")
    problems.ok(list(proof) == ["key", "treeSize", "upper", "lower", "chain"], where, f"members {list(proof)} not in the documented order")
    problems.ok(manifest.get("completeness") == proof.get("key"), where, "key is not the manifest's completeness")
    problems.ok(proof.get("treeSize") == size and proof["upper"]["headsSeq"] == size - 1, where, "heads-missing: not against the heads entry at N - 1")
    key = proof["key"]
    subject_path = os.path.join(directory, "subject.json")
    if os.path.exists(subject_path):
        with open(subject_path, "rb") as f:
            subject = jcs.parse(f.read())
        problems.ok(set(subject) == {"id", "ref"}, f"{at}/subject.json", f"members {sorted(subject)}")
        problems.ok(key == "s:" + subject["ref"], where, "key is not s:<subject.json ref>")
        problems.ok(manifest["filters"].get("subjectId") == subject["id"], where, "subjectId filter is not subject.json id")
    else:
        problems.ok(key == "m:" + manifest["filters"].get("modelName", ""), where, "key is not m:<modelName filter>")
    by_seq = {e["seq"]: e for e in parsed}
    links = {}
    for e in parsed:
        if "kind" in e or e.get("v") != 2:
            continue
        if key.startswith("s:") and e.get("subject", {}).get("ref") == key[2:]:
            links[e["seq"]] = e["prev"]["subject"]
        if key.startswith("m:") and e["model"]["name"] == key[2:]:
            links[e["seq"]] = e["prev"]["model"]
    bounds = {}
    for name in ("upper", "lower"):
        bound = proof[name]
        if bound is None:
            continue
        problems.ok(list(bound) == ["headsSeq", "head", "proof"], where, f"{name}: members {list(bound)}")
        heads_entry = by_seq.get(bound["headsSeq"])
        if not problems.ok(heads_entry is not None and heads_entry.get("kind") == "heads", where, f"heads-missing: {name}.headsSeq {bound['headsSeq']}"):
            return
        map_root = signed_note.b64(heads_entry["event"]["root"])
        result = heads_map.verify_proof(map_root, key, bound["proof"], signed_note.b64)
        head = bound["head"]
        expected = ("absent",) if head is None else ("member", head["last"], head["count"])
        problems.ok(result == expected, where, f"heads-mismatch: {name} map proof gives {result}, the bound states {expected}")
        bounds[name] = (-1, 0) if head is None else (head["last"], head["count"])
    upper = bounds.get("upper", (-1, 0))
    lower = bounds.get("lower", (-1, 0))
    stop, s, visited = lower[0], upper[0], []
    while s > stop:
        if not problems.ok(s < proof["upper"]["headsSeq"] and s in links, where, f"walk: chain-broken or entry-deleted at {s}"):
            return
        visited.append(s)
        if not problems.ok(links[s] < s, where, f"chain-broken: forward link at {s}"):
            return
        s = links[s]
    problems.ok(s == stop, where, f"chain-broken: the walk stepped past {stop}")
    problems.ok(len(visited) == upper[1] - lower[1], where, f"chain-broken: visited {len(visited)}, expected {upper[1] - lower[1]}")
    problems.ok(all(q in visited for q in links if stop < q < proof["upper"]["headsSeq"]), where, "chain-broken: a chain entry the links skip")
    problems.ok(proof["chain"] == visited, where, f"manifest-mismatch: chain {proof['chain']} is not the walked {visited}")


def check_cosigned(directory, checkpoint_note, text, key, witness_keys, manifest, problems, at):
    path = os.path.join(directory, "cosigned-checkpoint")
    if not os.path.exists(path):
        problems.ok("cosignatures" not in manifest, at, "manifest counts cosignatures but there is no cosigned-checkpoint")
        return
    with open(path, "rb") as f:
        cosigned = f.read()
    problems.ok(cosigned.startswith(checkpoint_note), f"{at}/cosigned-checkpoint", "does not start with the bytes of checkpoint")
    extra = cosigned[len(checkpoint_note):].decode("utf-8").splitlines()
    problems.ok(manifest.get("cosignatures") == len(extra), f"{at}/manifest.json", f"cosignatures {manifest.get('cosignatures')} but {len(extra)} lines")
    check_cosignatures(cosigned, text, witness_keys, problems, f"{at}/cosigned-checkpoint")


def check_cosignatures(cosigned, text, witness_keys, problems, where):
    """Every line by a known witness must be a valid cosignature/v1 over exactly `text`."""
    body, signatures = signed_note.split_note(cosigned)
    problems.ok(body == text, where, "text differs from the ledger's checkpoint")
    valid = 0
    for witness in witness_keys:
        for name, raw in signatures:
            if name == witness.name and raw[:4] == witness.key_id:
                ok = signed_note.verify_cosignature(text, raw, witness) is not None
                problems.ok(ok, where, f"cosignature by {name} does not verify")
                valid += ok
    return valid
