"""The shapes of entries, decisions and every event kind, as format.md section 1 ("Fields",
"Ledger events" and its subsections, "Entry format v2") states them. Each check returns a list
of messages naming the member; an empty list means the entry has the documented shape."""
import base64
import re

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
REF = re.compile(r"^[A-Za-z0-9_-]{21}[AQgw]$")
MAX_SEQ = 1 << 53
EVENT_KINDS = ("erasure", "archived", "archive-rewrite", "import", "replay", "input-retention", "archive-expiry", "format", "heads")


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _members(obj, where, required, optional=()):
    if not isinstance(obj, dict):
        return [f"{where}: not a JSON object"]
    found = []
    for name in obj:
        if name not in required and name not in optional:
            found.append(f"{where}.{name}: a member the doc does not list")
    for name in required:
        if name not in obj:
            found.append(f"{where}.{name}: required by the doc, missing")
    for name in obj:
        if obj[name] is None:
            found.append(f"{where}.{name}: null (absent optional members are omitted, never null)")
    return found


def _string(obj, name, where):
    return [] if name not in obj or isinstance(obj[name], str) else [f"{where}.{name}: not a string"]


def _count(obj, name, where, minimum=0):
    if name not in obj:
        return []
    value = obj[name]
    return [] if is_int(value) and value >= minimum else [f"{where}.{name}: {value!r} is not an integer >= {minimum}"]


def common(entry):
    found = []
    if not is_int(entry.get("seq")) or not 0 <= entry["seq"] <= MAX_SEQ:
        found.append("seq: not an integer in 0 … 2^53")
    if not isinstance(entry.get("requestId"), str) or not entry["requestId"]:
        found.append("requestId: not a non-empty string")
    if not isinstance(entry.get("timestamp"), str) or not TIMESTAMP.match(entry["timestamp"]):
        found.append(f"timestamp: {entry.get('timestamp')!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
    if entry.get("v") not in (1, 2) or not is_int(entry.get("v")):
        found.append(f"v: {entry.get('v')!r} is not 1 or 2")
    return found


def decision(entry):
    """A decision entry, v1 or v2 (section 1 "Fields" and "Entry format v2")."""
    v2 = entry.get("v") == 2
    required = ["v", "seq", "requestId", "timestamp", "model", "output", "inputDigest", "redactions"] + (["prev"] if v2 else [])
    found = _members(entry, "entry", required, ["actor", "subject", "explanation", "latencyMs", "metadata"])
    found += common(entry)
    if not isinstance(entry.get("inputDigest"), str) or not HEX64.match(entry["inputDigest"]):
        found.append("inputDigest: not 64 lowercase hex characters")
    model = entry.get("model")
    found += _members(model, "model", ["name", "version"], ["pipelineVersion", "artifactDigest", "parameters"])
    if isinstance(model, dict):
        for name in ("name", "version", "pipelineVersion", "artifactDigest"):
            found += _string(model, name, "model")
    redactions = entry.get("redactions")
    if not isinstance(redactions, list):
        found.append("redactions: not an array")
    else:
        for i, r in enumerate(redactions):
            found += _members(r, f"redactions[{i}]", ["operator", "path", "rule"])
            if isinstance(r, dict):
                for name in ("operator", "path", "rule"):
                    found += _string(r, name, f"redactions[{i}]")
    if "actor" in entry:
        found += _members(entry["actor"], "actor", [], ["userId", "tenant"])
        if isinstance(entry["actor"], dict):
            found += _string(entry["actor"], "userId", "actor") + _string(entry["actor"], "tenant", "actor")
    if "subject" in entry:
        if v2:
            found += _members(entry["subject"], "subject", ["ref"])
            if isinstance(entry["subject"], dict) and not (isinstance(entry["subject"].get("ref"), str) and REF.match(entry["subject"]["ref"])):
                found.append(f"subject.ref: {entry['subject'].get('ref')!r} is not 22 base64url characters ending in one of A Q g w")
        else:
            found += _members(entry["subject"], "subject", [], ["id"])
            if isinstance(entry["subject"], dict):
                found += _string(entry["subject"], "id", "subject")
    if "explanation" in entry:
        e = entry["explanation"]
        found += _members(e, "explanation", [], ["method", "baseValue", "attributions"])
        if isinstance(e, dict):
            found += _string(e, "method", "explanation")
            if "baseValue" in e and not is_number(e["baseValue"]):
                found.append("explanation.baseValue: not a number")
            a = e.get("attributions", {})
            if not isinstance(a, dict) or not all(is_number(x) for x in a.values()):
                found.append("explanation.attributions: not an object of feature name → number")
    if "latencyMs" in entry and not is_number(entry["latencyMs"]):
        found.append("latencyMs: not a number")
    if v2:
        prev = entry.get("prev")
        found += _members(prev, "prev", ["model", "subject"])
        if isinstance(prev, dict):
            seq = entry.get("seq", 0)
            for name in ("model", "subject"):
                link = prev.get(name)
                if not is_int(link) or not -1 <= link <= seq - 1:
                    found.append(f"prev.{name}: {link!r} is not an integer from -1 to seq - 1")
            if "subject" not in entry and prev.get("subject") != -1:
                found.append("prev.subject: must be -1 for an entry without a subject")
    elif "prev" in entry:
        found.append("prev: a v1 entry has no prev")
    return found


def _files(files, where, members):
    found = []
    if not isinstance(files, list):
        return [f"{where}: not an array"]
    for i, f in enumerate(files):
        at = f"{where}[{i}]"
        found += _members(f, at, members)
        if not isinstance(f, dict):
            continue
        found += _string(f, "file", at) + _count(f, "rows", at)
        for name in ("sha256", "previous"):
            if name in members and not (isinstance(f.get(name), str) and HEX64.match(f[name])):
                found.append(f"{at}.{name}: not 64 lowercase hex characters")
    return found


def event(entry):
    """An event entry: the common members, then the `event` body of its kind."""
    found = _members(entry, "entry", ["event", "kind", "requestId", "seq", "timestamp", "v"]) + common(entry)
    kind, body, v = entry.get("kind"), entry.get("event"), entry.get("v")
    if kind not in EVENT_KINDS:
        return found + [f"kind: {kind!r} is not a kind the doc describes"]
    if not isinstance(body, dict):
        return found + ["event: not an object"]
    at = f"event ({kind})"
    if kind == "erasure":
        subject = "subjectRef" if v == 2 else "subjectId"
        found += _members(body, at, ["decisionsErased", "reason", "requestedBy", subject])
        found += _count(body, "decisionsErased", at)
        for name in ("reason", "requestedBy", subject):
            found += _string(body, name, at)
        if v == 2 and not (isinstance(body.get("subjectRef"), str) and REF.match(body["subjectRef"])):
            found.append(f"{at}.subjectRef: not a subject ref")
    elif kind == "format":
        found += _members(body, at, ["version"])
        if body.get("version") != 2 or v != 2:
            found.append(f"{at}: the format event is {{\"version\": 2}} with v 2")
    elif kind == "heads":
        found += _members(body, at, ["keys", "root"]) + _count(body, "keys", at)
        try:
            if len(base64.b64decode(body.get("root", ""), validate=True)) != 32:
                raise ValueError
        except ValueError:
            found.append(f"{at}.root: not standard base64 of 32 bytes")
        if v != 2:
            found.append(f"{at}: a heads event is v 2")
    elif kind == "archived":
        found += _members(body, at, ["decisions", "destination", "files", "firstSeq", "lastSeq"])
        found += _count(body, "decisions", at) + _string(body, "destination", at)
        found += _count(body, "firstSeq", at) + _count(body, "lastSeq", at)
        found += _files(body.get("files"), f"{at}.files", ["file", "rows", "sha256"])
        if isinstance(body.get("files"), list) and all(isinstance(f, dict) and is_int(f.get("rows")) for f in body["files"]):
            if sum(f["rows"] for f in body["files"]) != body.get("decisions"):
                found.append(f"{at}.decisions: not the sum of the files' rows")
        if is_int(body.get("firstSeq")) and is_int(body.get("lastSeq")) and body["firstSeq"] > body["lastSeq"]:
            found.append(f"{at}: firstSeq > lastSeq")
    elif kind == "archive-rewrite":
        # The doc: reason "erasure" carries erasureSeq, reason "input-retention" carries retentionSeq.
        by_reason = {"erasure": "erasureSeq", "input-retention": "retentionSeq"}
        seq_member = by_reason.get(body.get("reason"))
        if seq_member is None:
            found.append(f"{at}.reason: {body.get('reason')!r}, the doc lists only \"erasure\" and \"input-retention\"")
            seq_member = "erasureSeq"
        found += _members(body, at, ["destination", seq_member, "files", "reason"])
        found += _string(body, "destination", at) + _count(body, seq_member, at)
        found += _files(body.get("files"), f"{at}.files", ["file", "previous", "rows", "sha256"])
    elif kind == "import":
        counts = ["read", "imported", "duplicates", "bad", "unpaired"]
        found += _members(body, at, ["format", "source", "runId"] + counts)
        for name in ("format", "source", "runId"):
            found += _string(body, name, at)
        for name in counts:
            found += _count(body, name, at)
        if body.get("format") not in ("sagemaker-capture", "kserve-cloudevents", "audit-table"):
            found.append(f"{at}.format: {body.get('format')!r} is not one the doc lists")
        if all(is_int(body.get(n)) for n in counts):
            if body["read"] != body["imported"] + body["duplicates"] + body["bad"]:
                found.append(f"{at}: read != imported + duplicates + bad")
            if body["unpaired"] > body["imported"]:
                found.append(f"{at}: unpaired > imported")
    elif kind == "replay":
        found += _members(body, at, ["differed", "differedSeqs", "matched", "notReplayable", "parameters"])
        for name in ("differed", "matched", "notReplayable"):
            found += _count(body, name, at)
        seqs = body.get("differedSeqs")
        if not isinstance(seqs, list) or not all(is_int(s) and s >= 0 for s in seqs) or seqs != sorted(set(seqs)):
            found.append(f"{at}.differedSeqs: not ascending distinct seqs")
        elif len(seqs) != body.get("differed"):
            found.append(f"{at}.differedSeqs: {len(seqs)} seqs for differed = {body.get('differed')}")
        params = body.get("parameters")
        if not isinstance(params, dict) or not all(isinstance(x, str) for x in params.values()):
            found.append(f"{at}.parameters: not an object of string → string")
    elif kind == "archive-expiry":
        found += _members(body, at, ["cutoffs", "decisions", "files"]) + _count(body, "decisions", at)
        found += _files(body.get("files"), f"{at}.files", ["destination", "file", "firstSeq", "lastSeq", "rows", "sha256"])
        files = body.get("files")
        if isinstance(files, list):
            if not files:
                found.append(f"{at}.files: the doc asks for at least one file")
            for i, f in enumerate(files):
                if isinstance(f, dict):
                    found += _string(f, "destination", f"{at}.files[{i}]")
                    found += _count(f, "firstSeq", f"{at}.files[{i}]") + _count(f, "lastSeq", f"{at}.files[{i}]")
            if all(isinstance(f, dict) and is_int(f.get("rows")) for f in files) and sum(f["rows"] for f in files) != body.get("decisions"):
                found.append(f"{at}.decisions: not the sum of the files' rows")
        found += _cutoffs(body.get("cutoffs"), at)
    elif kind == "input-retention":
        found += _members(body, at, ["cutoffs", "decisions", "throughSeq"])
        found += _count(body, "decisions", at) + _count(body, "throughSeq", at)
        found += _cutoffs(body.get("cutoffs"), at)
    return found


def _cutoffs(cutoffs, at):
    """The `cutoffs` array of `input-retention` and `archive-expiry`: the default rule first, then one per model by name."""
    found = []
    if not isinstance(cutoffs, list) or not cutoffs:
        return [f"{at}.cutoffs: not a non-empty array"]
    models = []
    for i, c in enumerate(cutoffs):
        found += _members(c, f"{at}.cutoffs[{i}]", [], ["before", "model"])
        if isinstance(c, dict):
            if "before" in c and not (isinstance(c["before"], str) and TIMESTAMP.match(c["before"])):
                found.append(f"{at}.cutoffs[{i}].before: not YYYY-MM-DDTHH:MM:SS.ffffffZ")
            found += _string(c, "model", f"{at}.cutoffs[{i}]")
            models.append(c.get("model"))
    if None in models and models.index(None) != 0:
        found.append(f"{at}.cutoffs: the default rule (no model) is not first")
    named = [m for m in models if m is not None]
    if named != sorted(named, key=lambda s: s.encode("utf-16-be", errors="surrogatepass")) or len(set(named)) != len(named):
        found.append(f"{at}.cutoffs: the per-model rules are not one per model in name order")
    return found
