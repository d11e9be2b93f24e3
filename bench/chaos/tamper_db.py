#!/usr/bin/env python3
"""Applies one tamper to a closed SQLite ledger (ledger.db in DIR) as an attacker with write access
to the database but not the signing key would: drop the append-only triggers, then edit.

    tamper_db.py DIR OPERATION SEQ
OPERATION: edit-entry | column:<name> | index:<name> | index-delete | index-stray | delete-row |
           insert-row | forge-tail | rollback:<size> | delete-input | corrupt-page:<seed>"""
import hashlib, json, os, random, sqlite3, sys

directory, operation, seq = sys.argv[1], sys.argv[2], int(sys.argv[3])
path = os.path.join(directory, "ledger.db")


def connect():
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=DELETE")  # fold the WAL in, so the file alone is the ledger
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
        db.execute(f'DROP TRIGGER "{name}"')
    return db


def leaf(body):
    return hashlib.sha256(b"\x00" + body).digest()


def rewrite(body, **members):
    """The entry with some top-level members changed, still canonical (RFC 8785: sorted names, no spaces)."""
    entry = json.loads(body)
    entry.update(members)
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


if operation.startswith("corrupt-page:"):
    # A torn or bit-rotted page of the log itself: one of the entries table's pages (or of the inputs,
    # checkpoints or tiles tables) that holds rows gets 64 random bytes inside its cell content, which
    # SQLite keeps at the end of the page. Only bytes that hold data are hit: corrupting an empty
    # page, or the unused middle of a page, would change nothing that verify could see.
    db = connect()
    rng = random.Random(int(operation.split(":")[1]))
    pages = db.execute("SELECT pageno, pgsize - unused - 8 - 2 * ncell FROM dbstat WHERE name IN ('entries','inputs','checkpoints','tiles') AND pagetype='leaf' AND ncell > 0 ORDER BY pageno").fetchall()
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    page, content = rng.choice(pages)
    back = rng.randrange(64, max(content, 65))
    with open(path, "r+b") as f:
        f.seek(page * page_size - back)
        f.write(bytes(rng.randrange(256) for _ in range(64)))
    sys.exit(0)

db = connect()
db.execute("BEGIN")
if operation == "edit-entry":
    (body,) = db.execute("SELECT body FROM entries WHERE seq=?", (seq,)).fetchone()
    edited = body.replace(b'"legit"', b'"fraud"') if b'"legit"' in body else body.replace(b'"fraud"', b'"legit"')
    db.execute("UPDATE entries SET body=? WHERE seq=?", (edited, seq))
elif operation.startswith("column:"):
    column = operation.split(":")[1]
    value = {"request_id": "forged-request-id", "ts": 9223372036854775807 if seq < 0 else None, "kind": "erasure"}.get(column, "forged")
    if column == "ts":
        db.execute("UPDATE entries SET ts = ts + 86400000000 WHERE seq=?", (seq,))
    elif column == "ts-absurd":
        db.execute("UPDATE entries SET ts = 9223372036854775807 WHERE seq=?", (seq,))
    else:
        db.execute(f"UPDATE entries SET {column}=? WHERE seq=?", (value, seq))
elif operation.startswith("index:") or operation == "index-delete":
    # The decision index (entry_index), derived from the entries and covered by no hash.
    if db.execute("SELECT count(*) FROM entry_index WHERE seq=?", (seq,)).fetchone()[0] == 0:
        sys.exit(f"entry_index has no row for seq {seq}: the indexer has not reached it")
    if operation == "index-delete":
        db.execute("DELETE FROM entry_index WHERE seq=?", (seq,))
    else:
        column = operation.split(":")[1]
        value = {"subject_key": "subject_key + 1", "ts": "ts + 1000000", "kind": "'erasure'"}.get(column, "'forged'")
        db.execute(f"UPDATE entry_index SET {column} = {value} WHERE seq=?", (seq,))
elif operation == "index-stray":
    # An index row filed under SEQ, where no entry is.
    db.execute("INSERT INTO entry_index(seq, model, version, user_id, tenant, subject_key, fingerprint_key, ts, kind) "
               "SELECT ?, model, version, user_id, tenant, subject_key, fingerprint_key, ts, kind FROM entry_index WHERE seq = 0", (seq,))
elif operation == "delete-row":
    db.execute("DELETE FROM entries WHERE seq=?", (seq,))
elif operation == "insert-row":
    # Every row from SEQ on moves one position down; a forged row takes SEQ.
    db.execute("UPDATE entries SET seq = seq + 1000000 WHERE seq >= ?", (seq,))
    db.execute("UPDATE entries SET seq = seq - 1000000 + 1 WHERE seq >= 1000000")
    db.execute("UPDATE inputs SET seq = seq + 1000000 WHERE seq >= ?", (seq,))
    db.execute("UPDATE inputs SET seq = seq - 1000000 + 1 WHERE seq >= 1000000")
    row = db.execute("SELECT request_id, ts, model, version, user_id, tenant, subject_id, fingerprint, fingerprint_key, kind, body FROM entries WHERE seq=?", (seq - 1,)).fetchone()
    body = rewrite(row[10], seq=seq, requestId="inserted-mid-log")
    db.execute("INSERT INTO entries(seq, request_id, ts, model, version, user_id, tenant, subject_id, fingerprint, fingerprint_key, kind, leaf_hash, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
               (seq, "inserted-mid-log", *row[1:10], leaf(body), body))
elif operation == "forge-tail":
    # A well-formed entry with a correct leaf hash appended after the last one (SEQ is its seq).
    row = db.execute("SELECT request_id, ts, model, version, user_id, tenant, subject_id, fingerprint, fingerprint_key, kind, body FROM entries WHERE seq=?", (seq - 1,)).fetchone()
    body = rewrite(row[10], seq=seq, requestId="forged-after-checkpoint")
    db.execute("INSERT INTO entries(seq, request_id, ts, model, version, user_id, tenant, subject_id, fingerprint, fingerprint_key, kind, leaf_hash, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
               (seq, "forged-after-checkpoint", *row[1:10], leaf(body), body))
    salt_input = db.execute("SELECT salt, input FROM inputs WHERE seq=?", (seq - 1,)).fetchone()
    if salt_input:
        db.execute("INSERT INTO inputs(seq, salt, input) VALUES (?,?,?)", (seq, *salt_input))
elif operation.startswith("rollback:"):
    # Back to an older checkpoint: drop the newer checkpoints and every entry after the older one.
    size = int(operation.split(":")[1])
    db.execute("DELETE FROM checkpoints WHERE tree_size > ?", (size,))
    db.execute("DELETE FROM entries WHERE seq >= ?", (size,))
    db.execute("DELETE FROM inputs WHERE seq >= ?", (size,))
    for table in ("entry_index",):
        db.execute(f"DELETE FROM {table} WHERE seq >= ?", (size,))
    db.execute("UPDATE index_state SET watermark = MIN(watermark, ?)", (size,))
elif operation == "delete-input":
    db.execute("DELETE FROM inputs WHERE seq=?", (seq,))
else:
    sys.exit(f"unknown operation {operation}")
db.execute("COMMIT")
db.execute("PRAGMA journal_mode=WAL")
db.close()
