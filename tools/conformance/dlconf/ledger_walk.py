"""Section 8 step 7 over entries in seq order: version order, chain links, heads roots, and the
cross-event rules the doc states (archived ranges, archive-rewrite digests, input-retention)."""
import base64

from . import heads_map


def walk(entries, problems, where="entries"):
    """entries: parsed entries of a whole ledger (seq 0 …), in order."""
    heads = {}
    format_seq = None
    for entry in entries:
        seq = entry.get("seq")
        at = f"{where} seq {seq}"
        v = entry.get("v")
        if entry.get("kind") == "format":
            problems.ok(format_seq is None, at, "version-mismatch: a second format event")
            format_seq = seq
        expected_v = 2 if format_seq is not None else 1
        problems.ok(v == expected_v, at, f"version-mismatch: v {v}, but the format event {'at ' + str(format_seq) if format_seq is not None else 'has not happened'} says {expected_v}")
        if entry.get("kind") == "heads":
            body = entry.get("event", {})
            root = heads_map.root(heads)
            problems.ok(base64.b64encode(root).decode() == body.get("root"), at,
                        f"heads-mismatch: root {body.get('root')} is not the recomputed {base64.b64encode(root).decode()}")
            problems.ok(body.get("keys") == len(heads), at, f"heads-mismatch: keys {body.get('keys')} but the map has {len(heads)}")
        elif "kind" not in entry and v == 2:
            keys = ["m:" + entry["model"]["name"]]
            expected_model = heads.get(keys[0], (-1, 0))[0]
            problems.ok(entry["prev"]["model"] == expected_model, at, f"chain-broken: prev.model {entry['prev']['model']}, expected {expected_model}")
            if "subject" in entry:
                keys.append("s:" + entry["subject"]["ref"])
                expected_subject = heads.get(keys[1], (-1, 0))[0]
                problems.ok(entry["prev"]["subject"] == expected_subject, at, f"chain-broken: prev.subject {entry['prev']['subject']}, expected {expected_subject}")
            for key in keys:
                heads[key] = (seq, heads.get(key, (-1, 0))[1] + 1)
    return format_seq


def archived_digests(entries):
    """file key (destination, file) → (sha256 the ledger commits to, rows, archived event seq, firstSeq, lastSeq), after every
    archive-rewrite whose `previous` equals the digest it replaces (section 8, after the tamper kinds)."""
    committed = {}
    problems = []
    for entry in entries:
        kind, body = entry.get("kind"), entry.get("event", {})
        if kind == "archived":
            for f in body.get("files", []):
                committed[(body["destination"], f["file"])] = {"sha256": f["sha256"], "rows": f["rows"], "event": entry["seq"],
                                                               "firstSeq": body["firstSeq"], "lastSeq": body["lastSeq"]}
        elif kind == "archive-rewrite":
            for f in body.get("files", []):
                known = committed.get((body["destination"], f["file"]))
                if known is None or known["sha256"] != f["previous"]:
                    problems.append(f"archive-rewrite seq {entry['seq']}: file {f['file']} previous {f['previous']} is not the digest it replaces")
                    continue
                known["sha256"] = f["sha256"]
                known["rows"] = f["rows"]
    return committed, problems
