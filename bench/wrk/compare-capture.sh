#!/usr/bin/env bash
# Throughput and latency of the FraudDetection sample's POST /predict with automatic capture
# against the same predictor without it (/predict-uncaptured), in one run, loopback only.
#   bench/wrk/compare-capture.sh [seconds per round (default 15)] [connections (default 16)] [rounds (default 2)]
# Environment: MODE=FailClosed|ProceedAndAlarm (default FailClosed), DURABILITY=Enqueued|Committed
# (default Enqueued) — both the sample's defaults —, PORT (default 5380), SKIP_BUILD=1 (use the built Release binaries).
# Rounds alternate uncaptured/captured (A B A B …) so drift on a shared machine hits both sides.
set -euo pipefail
DURATION="${1:-15}"
CONNECTIONS="${2:-16}"
ROUNDS="${3:-2}"
MODE="${MODE:-FailClosed}"
DURABILITY="${DURABILITY:-Enqueued}"
PORT="${PORT:-5380}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LUA="$ROOT/bench/wrk/predict.lua"
WORK="$(mktemp -d)"
URL="http://127.0.0.1:$PORT"

if [ -z "${SKIP_BUILD:-}" ]; then   # SKIP_BUILD=1 reuses the Release binaries already built (a busy machine takes minutes for a no-op build)
  dotnet build -c Release "$ROOT/samples/FraudDetection/FraudDetection.csproj" -v q -nologo >/dev/null
  dotnet build -c Release "$ROOT/src/DecisionLedger.Cli/DecisionLedger.Cli.csproj" -v q -nologo >/dev/null   # for the final verify
fi
"$ROOT/samples/FraudDetection/bin/Release/net10.0/FraudDetection" \
  --urls "$URL" --Ledger "$WORK/ledger" --ModelPath "$WORK/model/fraud_detector.zip" \
  --OnLedgerFailure "$MODE" --CaptureDurability "$DURABILITY" --Logging:LogLevel:Default Warning >"$WORK/sample.log" 2>&1 &
APP=$!
# SIGTERM, not SIGINT: a background job of a non-interactive shell starts with SIGINT ignored.
trap 'kill -TERM $APP 2>/dev/null || true; wait $APP 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do curl -sf "$URL/model" >/dev/null && break; sleep 0.5; done
curl -sf "$URL/model"; echo

# Warm-up (10 s each): tiered JIT, the engine pool, the ledger's first checkpoints; 5 s was not enough on a busy machine.
wrk -t1 -c"$CONNECTIONS" -d10s -s "$LUA" "$URL/predict-uncaptured" >/dev/null
wrk -t1 -c"$CONNECTIONS" -d10s -s "$LUA" "$URL/predict" >/dev/null

cpu_ticks() { awk '{print $14 + $15}' "/proc/$APP/stat"; }   # the sample's user+system CPU, in clock ticks
TICK_US=$((1000000 / $(getconf CLK_TCK)))

run() { # endpoint → "requests/s p99_ms server-CPU-µs-per-request" (appends wrk's full output to the log)
  local out before after
  before="$(cpu_ticks)"
  out="$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA" "$URL$1")"
  after="$(cpu_ticks)"
  echo "== $1" >>"$WORK/wrk.log"; echo "$out" >>"$WORK/wrk.log"
  local rps p99 requests cpu
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v*=1000 } print v }' <<<"$out")"
  requests="$(awk '/requests in/ {print $1}' <<<"$out")"
  cpu="$(awk -v t="$((after - before))" -v us="$TICK_US" -v n="$requests" 'BEGIN{printf "%.0f", t*us/n}')"
  echo "$rps $p99 $cpu"
}

# Server CPU per request (µs) is the figure that survives a shared machine: requests/s and
# p99 move with whatever else runs, the CPU each request costs the server much less.
printf '%-22s %12s %10s %14s\n' endpoint 'requests/s' 'p99 ms' 'CPU µs/req'
sum_u=0; sum_c=0; p99_u=0; p99_c=0; cpu_u=0; cpu_c=0
for r in $(seq 1 "$ROUNDS"); do
  read -r rps p99 cpu <<<"$(run /predict-uncaptured)"; printf '%-22s %12s %10s %14s\n' "/predict-uncaptured" "$rps" "$p99" "$cpu"
  sum_u=$(awk -v a="$sum_u" -v b="$rps" 'BEGIN{print a+b}'); p99_u=$(awk -v a="$p99_u" -v b="$p99" 'BEGIN{print a+b}'); cpu_u=$((cpu_u + cpu))
  read -r rps p99 cpu <<<"$(run /predict)"; printf '%-22s %12s %10s %14s\n' "/predict (captured)" "$rps" "$p99" "$cpu"
  sum_c=$(awk -v a="$sum_c" -v b="$rps" 'BEGIN{print a+b}'); p99_c=$(awk -v a="$p99_c" -v b="$p99" 'BEGIN{print a+b}'); cpu_c=$((cpu_c + cpu))
done
awk -v u="$sum_u" -v c="$sum_c" -v pu="$p99_u" -v pc="$p99_c" -v n="$ROUNDS" -v mode="$MODE, $DURABILITY" -v cu="$cpu_u" -v cc="$cpu_c" 'BEGIN {
  printf "mean of %d rounds (%s): uncaptured %.0f req/s p99 %.2f ms %.0f CPU µs/req; captured %.0f req/s p99 %.2f ms %.0f CPU µs/req\n", n, mode, u/n, pu/n, cu/n, c/n, pc/n, cc/n
  printf "throughput ratio %.3f (goal >= 0.95); p99 delta %+.2f ms (goal <= +1 ms); CPU per request x%.2f\n", c/u, (pc-pu)/n, cc/cu }'
grep -h "non-2xx" "$WORK/wrk.log" | sort | uniq -c

kill -TERM $APP; wait $APP || true
"$ROOT/src/DecisionLedger.Cli/bin/Release/net10.0/dledger" verify --ledger "$WORK/ledger"
