#!/usr/bin/env bash
# Campaign (b): the hostile-input corpus (invalid UTF-8 in member names, values and requestId, NUL,
# lone surrogates, bidi overrides, noncharacters, deep nesting, huge numbers, duplicate keys,
# `x\n` x 1M NDJSON, ...) posted to a collector while a well-behaved client records decisions
# beside it. Prints each case's status, the counts by status class, and whether the good client
# lost anything; then `verify` and `export` + `verify --bundle` must pass.
#
#   bench/chaos/hostile.sh          (bounded: the corpus runs once; the good client stops with it)
# Exit 1 when a hostile case got a 2xx or 5xx (or a mixed batch lost its good line), the good client lost a decision, or a verify failed.
source "$(dirname "$0")/common.sh"

ledger="$WORK/hostile"
new_ledger "$ledger" chaos.example/hostile || exit 3
key="$(cat "$ledger.ingest.key")"
port=$(free_port)
start_serve "$ledger" "$port" "$WORK/serve.log" || exit 3
: > "$WORK/good.acked"
python3 "$CHAOS_DIR/client.py" "http://127.0.0.1:$port" "$key" good --threads 2 --duration 600 --acked "$WORK/good.acked" > "$WORK/good.counts" &
good=$!
CHAOS_PIDS+=("$good")
sleep 1
python3 "$CHAOS_DIR/hostile.py" "http://127.0.0.1:$port" "$key" | tee "$WORK/hostile.out"
sleep 1
kill "$good" 2>/dev/null; wait "$good" 2>/dev/null
peak=$(awk '/VmHWM/ {print $2}' "/proc/$SERVE_PID/status" 2>/dev/null)
stop_serve

sort -u "$WORK/good.acked" > "$WORK/good.sorted"
ledger_request_ids "$ledger" | sort > "$WORK/present"
lost=$(comm -23 "$WORK/good.sorted" "$WORK/present" | wc -l)
verified=$(verify_exit "$ledger")
dl export --ledger "$ledger" --out "$WORK/bundle" >/dev/null 2>&1
dl verify --bundle "$WORK/bundle" --key "$(dl key --ledger "$ledger")" >/dev/null 2>&1; bundle=$?
summary=$(tail -n 1 "$WORK/hostile.out")
echo "hostile: $summary good_acknowledged=$(wc -l < "$WORK/good.sorted") good_lost=$lost verify_exit=$verified bundle_verify_exit=$bundle collector_peak_rss_kb=${peak:-?}"
findings=$(jq '(.findings // 0) + .errors' <<<"$summary")
[ "$findings" -eq 0 ] && [ "$lost" -eq 0 ] && [ "$verified" -eq 0 ] && [ "$bundle" -eq 0 ]
