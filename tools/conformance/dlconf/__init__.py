"""An independent checker of DecisionLedger artefacts, written from docs/format.md and
docs/retention.md alone (stdlib + `cryptography`), so a disagreement between the docs and the
code shows up as a failed check rather than as two readings of one implementation."""
