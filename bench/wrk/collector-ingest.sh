#!/usr/bin/env bash
# NDJSON ingest throughput of the collector (`dledger serve`) over loopback: wrk posts batches of
# BATCH decisions to POST /v1/decisions; every answer is a 200 only once the batch is durable.
#   bench/wrk/collector-ingest.sh [seconds (default 20)] [connections (default 4)]
# Environment: BATCH (default 1000), PORT (default 5390), WARMUP seconds (default 10: tiered JIT
# keeps compiling for seconds, and on a busy machine a 3 s warm-up left ~20% of the measured CPU in the JIT),
# SKIP_BUILD=1 (use the built Release binary), DLEDGER (the dledger binary to serve with, e.g. a
# ReadyToRun publish), SERVE_ENV (extra environment for the collector only, e.g. "DOTNET_gcServer=0").
set -euo pipefail
DURATION="${1:-20}"
CONNECTIONS="${2:-4}"
export BATCH="${BATCH:-1000}"
PORT="${PORT:-5390}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d)"
URL="http://127.0.0.1:$PORT"
DLEDGER="${DLEDGER:-$ROOT/src/DecisionLedger.Cli/bin/Release/net10.0/dledger}"

if [ -z "${SKIP_BUILD:-}" ]; then
  dotnet build -c Release "$ROOT/src/DecisionLedger.Cli/DecisionLedger.Cli.csproj" -v q -nologo >/dev/null
fi
"$DLEDGER" --ledger "$WORK/ledger" init --origin bench.example/ingest >/dev/null
DLEDGER_KEY="$("$DLEDGER" --ledger "$WORK/ledger" keys create --role ingest --name wrk)"
export DLEDGER_KEY
env ${SERVE_ENV:-} "$DLEDGER" --ledger "$WORK/ledger" serve --urls "$URL" >"$WORK/serve.log" 2>&1 &
APP=$!
# SIGTERM, not SIGINT: a background job of a non-interactive shell starts with SIGINT ignored.
trap 'kill -TERM $APP 2>/dev/null || true; wait $APP 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.5; done

# A short warm-up (JIT, first checkpoint), then the measured run with the collector's CPU time around it.
wrk -t1 -c"$CONNECTIONS" -d"${WARMUP:-10}s" --timeout 30s -s "$ROOT/bench/wrk/ndjson-batch.lua" "$URL" >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
BEFORE="$(awk '{print $14 + $15}' "/proc/$APP/stat")"
OUT="$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s --latency -s "$ROOT/bench/wrk/ndjson-batch.lua" "$URL")"
AFTER="$(awk '{print $14 + $15}' "/proc/$APP/stat")"
echo "$OUT"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# CPU per decision: what the rate would be with two idle cores, had CPU been the only limit.
awk -v t="$((AFTER - BEFORE))" -v hz="$(getconf CLK_TCK)" -v batch="$BATCH" '/requests in/ { n = $1 * batch }
  END { cpu = t / hz; printf "collector CPU %.2f s for %d decisions: %.1f µs/decision (%.0f decisions per CPU-second)\n", cpu, n, cpu * 1e6 / n, n / cpu }' <<<"$OUT"

kill -TERM $APP; wait $APP || true
"$DLEDGER" --ledger "$WORK/ledger" verify
