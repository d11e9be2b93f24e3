#!/usr/bin/env bash
# Campaign (a): kill -9 trials. `dledger record` and `dledger serve` are killed with SIGKILL at a
# random moment while they write; afterwards every acknowledged decision (a receipt printed by
# record, a 200 from serve) must be in the ledger exactly once, and `dledger verify` must pass.
# With Redis and PostgreSQL reachable ($DLEDGER_TEST_REDIS, $DLEDGER_TEST_POSTGRES, as
# /tmp/dledger-test-env.sh sets them) the sequencer is killed the same way.
#
#   bench/chaos/kill9.sh [TRIALS]        TRIALS per target (default 10); CHAOS_BUDGET seconds in all (default 300)
# Prints one line per target and a total; exit 1 when anything acknowledged was lost or duplicated, or verify failed.
source "$(dirname "$0")/common.sh"

TRIALS="${1:-10}"
BUDGET="${CHAOS_BUDGET:-300}"
START=$SECONDS
status=0

# check_ledger NAME DIR ACKED TRIALS: compares the acknowledged ids with the ledger's and prints the line.
check_ledger() {
  local name="$1" dir="$2" acked="$3" trials="$4"
  ledger_request_ids "$dir" | sort > "$WORK/$name.present"
  sort -u "$acked" > "$WORK/$name.acked.sorted"
  local acked_count lost duplicated verified
  acked_count=$(wc -l < "$WORK/$name.acked.sorted")
  lost=$(comm -23 "$WORK/$name.acked.sorted" "$WORK/$name.present" | wc -l)
  duplicated=$(uniq -d "$WORK/$name.present" | wc -l)
  verified=$(verify_exit "$dir")
  echo "$name: trials=$trials acknowledged=$acked_count in_ledger=$(wc -l < "$WORK/$name.present") lost=$lost duplicated=$duplicated verify_exit=$verified"
  if [ "$lost" -ne 0 ] || [ "$duplicated" -ne 0 ] || [ "$verified" -ne 0 ]; then status=1; fi
}

# --- record -------------------------------------------------------------------------------------
ledger="$WORK/record"
new_ledger "$ledger" chaos.example/record || exit 3
: > "$WORK/record.acked"
done_trials=0
for t in $(seq 1 "$TRIALS"); do
  [ $((SECONDS - START)) -ge $((BUDGET / 3)) ] && break
  decisions "r$t" 100000 > "$WORK/in.ndjson"
  dotnet "$DLEDGER_DLL" record --ledger "$ledger" --json "$WORK/in.ndjson" > "$WORK/receipts.$t" 2>/dev/null &
  pid=$!
  CHAOS_PIDS+=("$pid")
  sleep "$(python3 -c 'import random; print(round(random.uniform(0.8, 4.0), 2))')"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  # Only whole lines are receipts: a line cut by the kill was never acknowledged.
  python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if line.endswith("\n"):
        try: print(json.loads(line)["requestId"])
        except Exception: pass' "$WORK/receipts.$t" >> "$WORK/record.acked"
  done_trials=$t
done
check_ledger record "$ledger" "$WORK/record.acked" "$done_trials"

# --- serve --------------------------------------------------------------------------------------
ledger="$WORK/serve"
new_ledger "$ledger" chaos.example/serve || exit 3
key="$(cat "$ledger.ingest.key")"
: > "$WORK/serve.acked"
done_trials=0
for t in $(seq 1 "$TRIALS"); do
  [ $((SECONDS - START)) -ge $((BUDGET * 2 / 3)) ] && break
  port=$(free_port)
  start_serve "$ledger" "$port" "$WORK/serve.$t.log" || { status=1; break; }
  python3 "$CHAOS_DIR/client.py" "http://127.0.0.1:$port" "$key" "s$t" --threads 4 --duration 30 --acked "$WORK/serve.acked" > /dev/null &
  client=$!
  CHAOS_PIDS+=("$client")
  sleep "$(python3 -c 'import random; print(round(random.uniform(0.5, 3.0), 2))')"
  kill -9 "$SERVE_PID" 2>/dev/null
  wait "$SERVE_PID" 2>/dev/null
  kill "$client" 2>/dev/null
  wait "$client" 2>/dev/null
  done_trials=$t
done
check_ledger serve "$ledger" "$WORK/serve.acked" "$done_trials"

# --- sequencer (Redis buffer + PostgreSQL election), when the services are there ----------------
[ -f /tmp/dledger-test-env.sh ] && source /tmp/dledger-test-env.sh
if [ -n "${DLEDGER_TEST_REDIS:-}" ] && [ -n "${DLEDGER_TEST_POSTGRES:-}" ]; then
  ledger="$WORK/sequencer"
  # An origin of its own: the stream and the election lock are per ledger, and the services are shared.
  new_ledger "$ledger" "chaos.example/sequencer-$$-$RANDOM" || exit 3
  key="$(cat "$ledger.ingest.key")"
  : > "$WORK/sequencer.acked"
  port=$(free_port)
  start_serve "$ledger" "$port" "$WORK/collector.log" --buffer redis --redis "$DLEDGER_TEST_REDIS" || exit 3
  collector=$SERVE_PID
  python3 "$CHAOS_DIR/client.py" "http://127.0.0.1:$port" "$key" q --threads 4 --duration 3600 --buffered --acked "$WORK/sequencer.acked" > /dev/null &
  client=$!
  CHAOS_PIDS+=("$client")
  done_trials=0
  for t in $(seq 1 "$TRIALS"); do
    [ $((SECONDS - START)) -ge $((BUDGET * 9 / 10)) ] && break
    dotnet "$DLEDGER_DLL" sequence --ledger "$ledger" --redis "$DLEDGER_TEST_REDIS" --election "$DLEDGER_TEST_POSTGRES" > "$WORK/sequencer.$t.log" 2>&1 &
    sequencer=$!
    CHAOS_PIDS+=("$sequencer")
    sleep "$(python3 -c 'import random; print(round(random.uniform(1.5, 5.0), 2))')"
    kill -9 "$sequencer" 2>/dev/null
    wait "$sequencer" 2>/dev/null
    done_trials=$t
  done
  kill "$client" 2>/dev/null; wait "$client" 2>/dev/null
  # A last sequencer drains what the killed ones left in the stream, then steps down on SIGTERM.
  dotnet "$DLEDGER_DLL" sequence --ledger "$ledger" --redis "$DLEDGER_TEST_REDIS" --election "$DLEDGER_TEST_POSTGRES" > "$WORK/sequencer.last.log" 2>&1 &
  sequencer=$!
  CHAOS_PIDS+=("$sequencer")
  for _ in $(seq 1 60); do
    sleep 2
    n=$(sqlite3 "$ledger/ledger.db" "SELECT COUNT(*) FROM entries" 2>/dev/null || echo 0)
    [ "$n" -ge "$(sort -u "$WORK/sequencer.acked" | wc -l)" ] && break
  done
  kill -TERM "$sequencer" 2>/dev/null; wait "$sequencer" 2>/dev/null
  SERVE_PID=$collector; stop_serve
  check_ledger sequencer "$ledger" "$WORK/sequencer.acked" "$done_trials"
else
  echo "sequencer: skipped (DLEDGER_TEST_REDIS / DLEDGER_TEST_POSTGRES not set; source /tmp/dledger-test-env.sh)"
fi

echo "kill9: elapsed=$((SECONDS - START))s status=$([ $status -eq 0 ] && echo ok || echo FAILED)"
exit $status
