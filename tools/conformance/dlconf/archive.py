"""Archive files and their signed manifests (retention.md "The files"; format.md, the `archived`
and `archive-rewrite` events)."""
import base64
import datetime
import hashlib
import os
import re
import subprocess

from . import jcs, merkle, parquet, signed_note
from .ledger_walk import archived_digests

# retention.md "The files": the columns, their types and nullability.
COLUMNS = [
    ("seq", "INT64", False, False), ("request_id", "BYTE_ARRAY", False, True), ("timestamp", "INT64", False, False),
    ("model", "BYTE_ARRAY", True, True), ("version", "BYTE_ARRAY", True, True), ("subject", "BYTE_ARRAY", True, True),
    ("entry", "BYTE_ARRAY", False, False), ("input", "BYTE_ARRAY", True, False), ("salt", "BYTE_ARRAY", True, False),
]
MANIFEST_MEMBERS = ["checkpoint", "file", "firstSeq", "format", "lastSeq", "leavesRoot", "model", "month", "rows", "sha256"]
NAME = re.compile(r"^(?P<model>[A-Za-z0-9._%-]+)/(?P<month>\d{4}-\d{2})/(?P<first>\d{12})-(?P<last>\d{12})\.parquet$")


def escape_model(model):
    if not model:
        return "_none"
    out = "".join(chr(b) if (chr(b).isascii() and (chr(b).isalnum() or chr(b) in "._-")) else "%%%02X" % b for b in model.encode("utf-8"))
    return out.replace(".", "%2E") if out in (".", "..") else out


def check_archives(entries, key, problems, checkpoints):
    """entries: every parsed entry of the ledger; checkpoints: {size: root} of signed checkpoints known."""
    committed, rewrite_problems = archived_digests(entries)
    for message in rewrite_problems:
        problems.add("archive-rewrite", message)
    by_seq = {e["seq"]: e for e in entries}
    checked = 0
    for (destination, name), commit in sorted(committed.items()):
        if not destination.startswith("dir:"):
            problems.add(name, f"destination {destination}: only dir: destinations are checked here")
            continue
        path = os.path.join(destination[4:], name)
        where = f"archive {name}"
        if not problems.ok(os.path.exists(path) and os.path.exists(path + ".manifest"), where, "archive-missing"):
            continue
        try:
            checked += _check_file(path, name, commit, by_seq, key, problems, checkpoints, where)
        except (ValueError, KeyError, IndexError, subprocess.CalledProcessError) as e:
            problems.add(where, f"archive-mismatch or archive-manifest-forged: {e}")
    return checked


def _check_file(path, name, commit, by_seq, key, problems, checkpoints, where):
    with open(path, "rb") as f:
        data = f.read()
    problems.ok(hashlib.sha256(data).hexdigest() == commit["sha256"], where, "archive-mismatch: SHA-256 is not the committed digest")
    with open(path + ".manifest", "rb") as f:
        text = signed_note.open_note(f.read(), key)
    problems.ok(text.endswith("\n") and text.count("\n") == 1, f"{where}.manifest", "the signed text is not one line ending in \\n")
    manifest = jcs.parse(text[:-1])
    problems.ok(jcs.serialize(manifest) == text[:-1], f"{where}.manifest", "the text is not canonical JSON")
    problems.ok(sorted(manifest) == MANIFEST_MEMBERS, f"{where}.manifest", f"members {sorted(manifest)}")
    problems.ok(manifest.get("format") == "decisionledger-archive/1", f"{where}.manifest", "format")
    problems.ok(manifest.get("file") == name and manifest.get("sha256") == hashlib.sha256(data).hexdigest(), f"{where}.manifest", "file or sha256 differ")
    problems.ok(manifest.get("rows") == commit["rows"], f"{where}.manifest", "rows is not the committed row count")
    cp = manifest.get("checkpoint", {})
    problems.ok(sorted(cp) == ["root", "size"], f"{where}.manifest", "checkpoint is not {root,size}")
    if cp.get("size") in checkpoints:
        problems.ok(signed_note.b64(cp["root"]) == checkpoints[cp["size"]], f"{where}.manifest", "checkpoint root is not the signed root at that size")
    m = NAME.match(name)
    if problems.ok(m is not None, where, "path is not MODEL/YYYY-MM/FIRST12-LAST12.parquet"):
        problems.ok(int(m["first"]) == manifest.get("firstSeq") and int(m["last"]) == manifest.get("lastSeq"), where, "name's seqs are not the manifest's")
        problems.ok(m["month"] == manifest.get("month"), where, "name's month is not the manifest's")
        problems.ok(m["model"] == escape_model(manifest.get("model")), where, f"folder {m['model']} is not the escaped model {manifest.get('model')!r}")
    problems.ok(commit["firstSeq"] <= manifest.get("firstSeq", -1) <= manifest.get("lastSeq", -1) <= commit["lastSeq"], where,
                "the file's seq range is outside the archived event's")
    meta = parquet.footer(data)
    columns = parquet.schema(meta)
    for (cname, ctype, cnull, cstring), column in zip(COLUMNS, columns):
        problems.ok((column["name"], column["type"], column["nullable"]) == (cname, ctype, cnull), where,
                    f"column {column} is not ({cname}, {ctype}, nullable={cnull})")
        problems.ok(column["string"] == cstring, where, f"column {cname}: string (UTF8) annotation is {column['string']}, the doc says {'string' if cstring else 'bytes/int64'}")
    problems.ok(len(columns) == len(COLUMNS), where, f"{len(columns)} columns, the doc lists {len(COLUMNS)}")
    try:
        table = parquet.rows(data)
    except parquet.ZstdMissing as e:
        problems.notes.append(f"{where}: rows not read ({e}); digest, manifest and schema checked")
        return 1
    check_rows(table, manifest, by_seq, problems, where)
    return 1


def check_rows(table, manifest, by_seq, problems, where):
    problems.ok(len(table) == manifest.get("rows"), where, f"{len(table)} rows, manifest says {manifest.get('rows')}")
    leaves, last = [], -1
    for row in table:
        at = f"{where} row seq {row['seq']}"
        problems.ok(row["seq"] > last, at, "rows not sorted by seq")
        last = row["seq"]
        entry_bytes = row["entry"]
        entry = jcs.parse(entry_bytes)
        problems.ok(jcs.canonical_bytes(entry) == entry_bytes, at, "entry is not canonical")
        problems.ok("kind" not in entry, at, "an event entry in an archive file (one row per decision entry)")
        problems.ok(entry["seq"] == row["seq"], at, "seq column is not the entry's seq")
        live = by_seq.get(row["seq"])
        if live is not None:
            problems.ok(jcs.canonical_bytes(live) == entry_bytes, at, "entry bytes differ from the exported entry at that seq")
        leaves.append(merkle.leaf_hash(entry_bytes))
        problems.ok(row["request_id"] == entry["requestId"].encode(), at, "request_id column")
        ts = datetime.datetime.strptime(entry["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        micros = (ts - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)) // datetime.timedelta(microseconds=1)
        problems.ok(row["timestamp"] == micros, at, f"timestamp column {row['timestamp']} is not {micros} µs since the epoch")
        problems.ok(row["model"] == entry["model"]["name"].encode(), at, "model column")
        problems.ok(row["version"] == entry["model"]["version"].encode(), at, "version column")
        subject = entry.get("subject", {})
        expected_subject = subject.get("ref") if entry["v"] == 2 else subject.get("id")
        problems.ok(row["subject"] == (expected_subject.encode() if expected_subject else None), at, f"subject column {row['subject']!r}, expected {expected_subject!r}")
        problems.ok(entry["model"]["name"] == manifest.get("model"), at, "entry's model is not the manifest's")
        problems.ok(entry["timestamp"][:7] == manifest.get("month"), at, "entry's month is not the manifest's")
        problems.ok((row["input"] is None) == (row["salt"] is None), at, "input and salt: one null, the other not")
        if row["input"] is not None:
            try:
                stored = jcs.parse(row["input"])
            except (ValueError, UnicodeDecodeError):
                continue  # an encrypted input; the doc says it is stored encrypted, not checkable offline
            digest = hashlib.sha256(row["salt"] + jcs.canonical_bytes(stored)).hexdigest()
            problems.ok(digest == entry["inputDigest"], at, "input-altered: SHA-256(salt ‖ JCS(input)) != inputDigest")
    problems.ok(base64.b64encode(merkle.tree_hash(leaves)).decode() == manifest.get("leavesRoot"), where, "leavesRoot is not MTH over the rows' leaves")
