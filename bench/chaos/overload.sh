#!/usr/bin/env bash
# Campaign (c): overload. CLIENTS concurrent clients post single decisions as fast as they can for
# SECONDS seconds against one collector (default queue). Prints the answers by class (2xx, 503 with
# load shed, other 4xx/5xx, connection errors), the collector's peak RSS, and whether any decision
# answered 200 is missing afterwards; `verify` must pass.
#
#   bench/chaos/overload.sh [CLIENTS] [SECONDS]      default 200 clients for 20 s
# Exit 1 when an acknowledged decision is lost, a 5xx other than 503 was answered, or verify failed.
source "$(dirname "$0")/common.sh"

CLIENTS="${1:-200}"
DURATION="${2:-20}"
ledger="$WORK/overload"
new_ledger "$ledger" chaos.example/overload || exit 3
key="$(cat "$ledger.ingest.key")"
port=$(free_port)
start_serve "$ledger" "$port" "$WORK/serve.log" || exit 3
: > "$WORK/acked"

# The clients run as several processes (the GIL would make one process the bottleneck).
procs=$(( CLIENTS < 8 ? 1 : 8 ))
per=$(( (CLIENTS + procs - 1) / procs ))
pids=()
for p in $(seq 1 "$procs"); do
  python3 "$CHAOS_DIR/client.py" "http://127.0.0.1:$port" "$key" "o$p" --threads "$per" --duration "$DURATION" --timeout 60 --acked "$WORK/acked.$p" > "$WORK/counts.$p" &
  pids+=($!)
  CHAOS_PIDS+=($!)
done
peak=0
while kill -0 "${pids[0]}" 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVE_PID/status" 2>/dev/null || echo 0)
  [ "${rss:-0}" -gt "$peak" ] && peak=$rss
  sleep 0.5
done
for pid in "${pids[@]}"; do wait "$pid"; done
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SERVE_PID/status" 2>/dev/null)
stop_serve

counts=$(cat "$WORK"/counts.* | jq -s 'reduce .[] as $c ({}; . as $t | $c | to_entries | reduce .[] as $e ($t; .[$e.key] += $e.value))' -c)
cat "$WORK"/acked.* | sort -u > "$WORK/acked"
ledger_request_ids "$ledger" | sort > "$WORK/present"
lost=$(comm -23 "$WORK/acked" "$WORK/present" | wc -l)
verified=$(verify_exit "$ledger")
echo "overload: clients=$CLIENTS seconds=$DURATION answers=$counts acknowledged=$(wc -l < "$WORK/acked") lost=$lost verify_exit=$verified collector_peak_rss_kb=${hwm:-$peak}"
bad=$(jq '."5xx" + .other' <<<"$counts")
[ "$lost" -eq 0 ] && [ "$bad" -eq 0 ] && [ "$verified" -eq 0 ]
