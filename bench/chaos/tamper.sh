#!/usr/bin/env bash
# Campaign (d): the tamper matrix. Records a fresh 300-entry ledger (four `record` runs, so four
# signed checkpoints; past 256 entries the first Merkle tile is complete, so the store holds the
# original leaves of the range tampered with and a row slipped in is named exactly), then, each
# on its own copy, applies one tamper that database (or bundle) write access allows without the
# signing key, runs `dledger verify`, and compares the exit code and the first finding's kind and
# seq with what the issue asks for. Prints one line per tamper and the
# caught/missed totals; exit 1 when any tamper is missed.
#
#   bench/chaos/tamper.sh            (about a minute; CHAOS_PAGES random page corruptions, default 10)
# "caught" = exit 1 with the expected kind at the expected seq ("-" = any kind/seq); an edit that
# is not tampering (kind "pass": CRLF line endings in a bundle change no byte that is hashed) must
# verify with exit 0.
source "$(dirname "$0")/common.sh"

PAGES="${CHAOS_PAGES:-10}"
SEQ=17
origin=chaos.example/tamper
base="$WORK/base"
new_ledger "$base" "$origin" || exit 3
for run in 0 1 2 3; do
  decisions "t$run" 75 | dl record --ledger "$base" >/dev/null 2>&1 || { echo "record failed" >&2; exit 3; }
done
size=$(sqlite3 "$base/ledger.db" "SELECT COUNT(*) FROM entries")
older=$(sqlite3 "$base/ledger.db" "SELECT MAX(tree_size) FROM checkpoints WHERE tree_size < (SELECT MAX(tree_size) FROM checkpoints)")
dl checkpoint --ledger "$base" > "$WORK/trusted.note"
key="$(dl key --ledger "$base")"
dl export --ledger "$base" --out "$WORK/bundle" >/dev/null || { echo "export failed" >&2; exit 3; }
baseline=$(verify_exit "$base")
echo "tamper: ledger of $size entries, checkpoints at $(sqlite3 "$base/ledger.db" "SELECT group_concat(tree_size, ',') FROM (SELECT DISTINCT tree_size FROM checkpoints ORDER BY tree_size)"), untampered verify exit $baseline"

caught=0
missed=0
# report NAME EXPECTED_KIND EXPECTED_SEQ EXIT JSON
report() {
  local name="$1" kind="$2" seq="$3" code="$4" json="$5" got_kind got_seq verdict
  got_kind=$(jq -r '.firstFinding.kind // "none"' <<<"$json" 2>/dev/null || echo none)
  got_seq=$(jq -r '.firstFinding.seq // "-"' <<<"$json" 2>/dev/null || echo -)
  if [ "$kind" = pass ]; then
    if [ "$code" -eq 0 ]; then verdict=caught; caught=$((caught + 1)); else verdict=MISSED; missed=$((missed + 1)); fi
  elif [ "$code" -eq 1 ] && { [ "$kind" = - ] || [ "$got_kind" = "$kind" ]; } && { [ "$seq" = - ] || [ "$got_seq" = "$seq" ]; }; then
    verdict=caught; caught=$((caught + 1))
  else
    verdict=MISSED; missed=$((missed + 1))
  fi
  printf '%-7s %-28s expected exit 1 %-24s seq %-4s got exit %s %-24s seq %s\n' "$verdict" "$name" "$kind" "$seq" "$code" "$got_kind" "$got_seq"
}

# ledger_case NAME OPERATION SEQ EXPECTED_KIND EXPECTED_SEQ [verify args...]
ledger_case() {
  local name="$1" op="$2" at="$3" kind="$4" seq="$5"; shift 5
  local copy="$WORK/case"
  rm -rf "$copy"; cp -a "$base" "$copy"
  python3 "$CHAOS_DIR/tamper_db.py" "$copy" "$op" "$at" || { echo "tamper $name could not be applied" >&2; missed=$((missed + 1)); return; }
  local json code
  json=$(dl verify --ledger "$copy" --json "$@" 2>/dev/null); code=$?
  report "$name" "$kind" "$seq" "$code" "$json"
}

# bundle_case NAME EXPECTED_KIND EXPECTED_SEQ COMMAND...: COMMAND edits $copy (a copy of the full bundle).
bundle_case() {
  local name="$1" kind="$2" seq="$3"; shift 3
  copy="$WORK/bundle-case"
  rm -rf "$copy"; cp -a "$WORK/bundle" "$copy"
  "$@"
  local json code
  json=$(dl verify --bundle "$copy" --key "$key" --json 2>/dev/null); code=$?
  report "$name" "$kind" "$seq" "$code" "$json"
}

last=$((size - 1))
ledger_case edit-entry-bytes      edit-entry        $SEQ content-changed   $SEQ
for column in request_id ts model version user_id tenant subject_id kind; do
  ledger_case "column-$column"    "column:$column"  $SEQ index-mismatch    $SEQ
done
ledger_case column-ts-absurd      column:ts-absurd  $SEQ index-mismatch    $SEQ
for column in model user_id subject_key ts kind; do
  ledger_case "index-$column"     "index:$column"   $SEQ index-mismatch    $SEQ
done
ledger_case index-row-deleted     index-delete      $SEQ index-mismatch    $SEQ
ledger_case index-row-stray       index-stray       1000000 index-mismatch 1000000
ledger_case delete-row            delete-row        $SEQ entry-deleted     $SEQ
ledger_case insert-row-mid-log    insert-row        $SEQ entry-inserted    $SEQ
ledger_case forged-after-checkpoint forge-tail      "$size" entry-uncovered "$size"
ledger_case rollback-trusted      "rollback:$older" 0  ledger-rolled-back "$older" --trusted-file "$WORK/trusted.note"
ledger_case delete-input          delete-input      $SEQ input-missing     $SEQ
for seed in $(seq 1 "$PAGES"); do
  ledger_case "corrupt-page-$seed" "corrupt-page:$seed" 0 - -
done

crlf() { sed -i 's/$/\r/' "$copy/entries.jsonl"; }
truncate_last() { head -n -1 "$copy/entries.jsonl" > "$copy/e" && mv "$copy/e" "$copy/entries.jsonl"; }
manifest_count() { jq -c '.entryCount -= 1' "$copy/manifest.json" > "$copy/m" && mv "$copy/m" "$copy/manifest.json"; }
manifest_root() { jq -c --arg r "$(head -c 32 /dev/zero | base64)" '.rootHash = $r' "$copy/manifest.json" > "$copy/m" && mv "$copy/m" "$copy/manifest.json"; }
delete_inputs() { rm "$copy/inputs.jsonl"; }
empty_inputs() { : > "$copy/inputs.jsonl"; }
bundle_case bundle-crlf             pass              -       crlf
bundle_case bundle-truncated        tail-truncated    "$last" truncate_last
bundle_case bundle-manifest-count   manifest-mismatch -       manifest_count
bundle_case bundle-manifest-root    manifest-mismatch -       manifest_root
bundle_case bundle-inputs-deleted   input-missing     0       delete_inputs
bundle_case bundle-inputs-emptied   input-missing     0       empty_inputs

echo "tamper: caught=$caught missed=$missed of $((caught + missed))"
[ "$missed" -eq 0 ]
