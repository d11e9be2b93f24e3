"""The example entry lines a doc page prints (lines that start with `{"event"` or are a whole
decision entry): each must be canonical and of the documented shape, and every event kind needs
one, so a reader who implements from the examples implements what the code writes."""
from . import entries, jcs

STARTS = ('{"event":', '{"actor":', '{"inputDigest":')


def check_page(path, problems):
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    kinds = set()
    for number, line in enumerate(lines, 1):
        if not line.decode("utf-8").startswith(STARTS):
            continue
        where = f"{path}:{number}"
        try:
            entry = jcs.parse(line)
        except ValueError as e:
            problems.add(where, f"an example entry line is not JSON: {e}")
            continue
        if not isinstance(entry, dict) or "seq" not in entry:
            continue
        problems.ok(jcs.canonical_bytes(entry) == line, where, "the example is not canonical (JCS)")
        for message in (entries.event(entry) if "kind" in entry else entries.decision(entry)):
            problems.add(where, message)
        kinds.add(entry.get("kind"))
    for kind in entries.EVENT_KINDS:
        problems.ok(kind in kinds, path, f"no complete example line of the '{kind}' event")
