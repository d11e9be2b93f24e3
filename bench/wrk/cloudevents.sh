#!/usr/bin/env bash
# KServe CloudEvents throughput of the collector (`dledger serve`) over loopback: wrk sends request and
# response halves to POST /v1/cloudevents; prints pairs/s and the collector's CPU time per pair.
#   bench/wrk/cloudevents.sh [seconds (default 20)] [connections (default 4)]
# Environment: PORT (default 5391), DLEDGER (a dledger binary to measure instead of this tree's Release build).
set -euo pipefail
DURATION="${1:-20}"
CONNECTIONS="${2:-4}"
PORT="${PORT:-5391}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d)"
URL="http://127.0.0.1:$PORT"
if [ -z "${DLEDGER:-}" ]; then
  DLEDGER="$ROOT/src/DecisionLedger.Cli/bin/Release/net10.0/dledger"
  dotnet build -c Release "$ROOT/src/DecisionLedger.Cli/DecisionLedger.Cli.csproj" -v q -nologo >/dev/null
fi

"$DLEDGER" --ledger "$WORK/ledger" init --origin bench.example/cloudevents >/dev/null
DLEDGER_KEY="$("$DLEDGER" --ledger "$WORK/ledger" keys create --role ingest --name wrk 2>/dev/null)"
export DLEDGER_KEY
"$DLEDGER" --ledger "$WORK/ledger" serve --urls "$URL" >"$WORK/serve.log" 2>&1 &
APP=$!
trap 'kill -TERM $APP 2>/dev/null || true; wait $APP 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.5; done

wrk -t1 -c"$CONNECTIONS" -d3s --timeout 30s -s "$ROOT/bench/wrk/cloudevents.lua" "$URL" >/dev/null
BEFORE="$(awk '{print $14 + $15}' "/proc/$APP/stat")"
OUT="$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s --latency -s "$ROOT/bench/wrk/cloudevents.lua" "$URL")"
AFTER="$(awk '{print $14 + $15}' "/proc/$APP/stat")"
echo "$OUT"
awk -v t="$((AFTER - BEFORE))" -v hz="$(getconf CLK_TCK)" '/requests in/ { n = $1 / 2 }
  END { cpu = t / hz; printf "collector CPU %.2f s for %d pairs: %.1f µs/pair (%.0f pairs per CPU-second)\n", cpu, n, cpu * 1e6 / n, n / cpu }' <<<"$OUT"

kill -TERM $APP; wait $APP || true
"$DLEDGER" --ledger "$WORK/ledger" verify
