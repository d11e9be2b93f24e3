#!/usr/bin/env python3
"""Checks DecisionLedger artefacts against docs/format.md and docs/retention.md, independently of
the .NET code (Python 3 stdlib + `cryptography`; archive rows also need the `zstd` program).

    python3 tools/conformance/check.py --key "$(dledger key --ledger L)" \
        --bundle FULL_EXPORT [--bundle FILTERED_EXPORT]… [--archives] \
        [--receipts FILE]… [--cosigned-checkpoint FILE]… [--witness-key VKEY]… [--doc docs/format.md]

--archives checks every archive file the `archived` events of the first (full) bundle list.
Exit 0 when every check passes, 1 when one fails (each failure is printed), 2 on bad usage.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dlconf import archive, bundle, doc_examples, jcs, receipts, signed_note  # noqa: E402
from dlconf.problems import Problems  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--key", required=True, help="the ledger's verifier key string (dledger key)")
    parser.add_argument("--bundle", action="append", default=[], help="an evidence bundle directory (dledger export)")
    parser.add_argument("--archives", action="store_true", help="check the archive files the full bundle's archived events list")
    parser.add_argument("--receipts", action="append", default=[], help="a file of receipts, one per line")
    parser.add_argument("--cosigned-checkpoint", action="append", default=[], help="a cosigned checkpoint (tlog-cosignature): each --witness-key must have a valid cosignature in it")
    parser.add_argument("--witness-key", action="append", default=[], help="a witness's verifier key (type 0x04)")
    parser.add_argument("--doc", action="append", default=[], help="a doc page whose example entry lines must be canonical and of the documented shape, one example per event kind")
    parser.add_argument("--require-kinds", default="", help="comma-separated event kinds that must occur in the full bundle")
    args = parser.parse_args(argv)

    problems = Problems()
    for page in args.doc:
        doc_examples.check_page(page, problems)
    key = signed_note.VerifierKey(args.key)
    witnesses = [signed_note.VerifierKey(w, signed_note.COSIGNATURE_V1) for w in args.witness_key]
    full_entries, entry_bytes = None, {}
    checkpoints = {}
    for directory in args.bundle:
        try:
            parsed = bundle.check_bundle(directory, key, problems, witnesses)
        except (ValueError, KeyError, OSError) as e:
            problems.add(directory, f"unreadable: {e!r}")
            continue
        with open(os.path.join(directory, "checkpoint"), "rb") as f:
            _, size, root = signed_note.parse_checkpoint(signed_note.open_note(f.read(), key))
        checkpoints[size] = root
        if full_entries is None and all(e["seq"] == i for i, e in enumerate(parsed)) and parsed and len(parsed) == size:
            full_entries = parsed
            for line in bundle.read_lines(os.path.join(directory, "entries.jsonl")):
                entry_bytes[jcs.parse(line)["seq"]] = line
    kinds = {}
    for e in full_entries or []:
        if "kind" in e:
            kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    for kind in filter(None, args.require_kinds.split(",")):
        problems.ok(kind in kinds, "full bundle", f"no '{kind}' event (found {sorted(kinds)})")
    archives = 0
    if args.archives:
        if full_entries is None:
            problems.add("--archives", "needs a full bundle (dledger export --out DIR without filters)")
        else:
            archives = archive.check_archives(full_entries, key, problems, checkpoints)
            problems.ok(archives > 0, "--archives", "no archive file was checked")
    for path in args.cosigned_checkpoint:
        with open(path, "rb") as f:
            cosigned = f.read()
        try:
            text = signed_note.open_note(cosigned, key)
            signed_note.parse_checkpoint(text)
            for witness in witnesses:
                valid = bundle.check_cosignatures(cosigned, text, [witness], problems, path)
                problems.ok(valid >= 1, path, f"no valid cosignature/v1 by {witness.name}")
        except ValueError as e:
            problems.add(path, f"unreadable: {e}")
    receipt_count = witnessed = 0
    for path in args.receipts:
        with open(path, "rb") as f:
            for i, line in enumerate(f.read().splitlines()):
                try:
                    receipt, valid = receipts.check_receipt(line, key, problems, f"{path} line {i + 1}", entry_bytes or None, witnesses)
                except (ValueError, KeyError) as e:
                    problems.add(f"{path} line {i + 1}", f"unreadable: {e!r}")
                    continue
                receipt_count += 1
                witnessed += "witnessed" in receipt
    print(f"events: {', '.join(f'{k} {n}' for k, n in sorted(kinds.items())) or 'none'}")
    print(f"bundles: {len(args.bundle)}, archive files: {archives}, receipts: {receipt_count} ({witnessed} witnessed)")
    for note in problems.notes:
        print("note: " + note)
    if problems.items:
        print(f"FAILED  {len(problems.items)} of {problems.checks} checks")
        for item in problems.items:
            print("  " + item)
        return 1
    print(f"PASSED  {problems.checks} checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
