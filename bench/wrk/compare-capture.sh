#!/usr/bin/env bash
# Throughput, latency and server CPU of the FraudDetection sample's POST /predict with automatic
# capture (DecisionLedger), against the same predictor without it (/predict-uncaptured) and the same
# predictor logging the same decision with Serilog (/predict-serilog: async wrapper, blockWhenFull,
# buffered file sink, CompactJsonFormatter), in one run, loopback only.
#   bench/wrk/compare-capture.sh [seconds per round (default 15)] [connections (default 16)] [rounds (default 2)]
# Environment: MODE=FailClosed|ProceedAndAlarm (default FailClosed), DURABILITY=Enqueued|Committed
# (default Enqueued) — both the sample's defaults —, PORT (default 5380), SKIP_BUILD=1 (use the built
# Release binaries), HALF_RATE=0 (skip the paced rounds at half the uncaptured maximum rate).
# Rounds alternate uncaptured/Serilog/captured (A B C A B C …) so drift on a shared machine hits all three.
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
  --urls "$URL" --Ledger "$WORK/ledger" --ModelPath "$WORK/model/fraud_detector.zip" --SerilogDecisionLog "$WORK/serilog/decisions.clef" \
  --OnLedgerFailure "$MODE" --CaptureDurability "$DURABILITY" --Logging:LogLevel:Default Warning >"$WORK/sample.log" 2>&1 &
APP=$!
# SIGTERM, not SIGINT: a background job of a non-interactive shell starts with SIGINT ignored.
trap 'kill -TERM $APP 2>/dev/null || true; wait $APP 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do curl -sf "$URL/model" >/dev/null && break; sleep 0.5; done
curl -sf "$URL/model"; echo

# Warm-up (10 s each): tiered JIT, the engine pool, the ledger's first checkpoints; 5 s was not enough on a busy machine.
for endpoint in /predict-uncaptured /predict-serilog /predict; do
  wrk -t1 -c"$CONNECTIONS" -d10s -s "$LUA" "$URL$endpoint" >/dev/null
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$APP/stat"; }   # the sample's user+system CPU, in clock ticks
TICK_US=$((1000000 / $(getconf CLK_TCK)))

run() { # endpoint [wrk options…] → "requests/s p99_ms server-CPU-µs-per-request" (appends wrk's full output to the log)
  local endpoint="$1" out before after; shift
  before="$(cpu_ticks)"
  out="$(wrk -t1 -d"${DURATION}s" --latency "$@" "$URL$endpoint")"
  after="$(cpu_ticks)"
  echo "== $endpoint $*" >>"$WORK/wrk.log"; echo "$out" >>"$WORK/wrk.log"
  local rps p99 requests cpu
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v*=1000 } print v }' <<<"$out")"
  requests="$(awk '/requests in/ {print $1}' <<<"$out")"
  cpu="$(awk -v t="$((after - before))" -v us="$TICK_US" -v n="$requests" 'BEGIN{printf "%.0f", t*us/n}')"
  echo "$rps $p99 $cpu"
}

ENDPOINTS=(/predict-uncaptured /predict-serilog /predict)
LABELS=("uncaptured" "Serilog (async, buffered)" "captured (DecisionLedger)")
declare -A RPS P99 CPU
add() { awk -v a="${1:-0}" -v b="$2" 'BEGIN{print a+b}'; }

# Saturation: as many requests as CONNECTIONS connections can push. Server CPU per request (µs) is
# the figure that survives a shared machine: requests/s and p99 move with whatever else runs.
echo "== at saturation ($CONNECTIONS connections)"
printf '%-28s %12s %10s %14s\n' endpoint 'requests/s' 'p99 ms' 'CPU µs/req'
for r in $(seq 1 "$ROUNDS"); do
  for i in 0 1 2; do
    read -r rps p99 cpu <<<"$(run "${ENDPOINTS[$i]}" -c"$CONNECTIONS" -s "$LUA")"
    printf '%-28s %12s %10s %14s\n' "${ENDPOINTS[$i]}" "$rps" "$p99" "$cpu"
    RPS[$i]="$(add "${RPS[$i]:-}" "$rps")"; P99[$i]="$(add "${P99[$i]:-}" "$p99")"; CPU[$i]="$(add "${CPU[$i]:-}" "$cpu")"
  done
done
for i in 0 1 2; do
  awk -v l="${LABELS[$i]}" -v r="${RPS[$i]}" -v p="${P99[$i]}" -v c="${CPU[$i]}" -v n="$ROUNDS" 'BEGIN { printf "mean of %d rounds: %-28s %8.0f req/s  p99 %6.2f ms  %5.0f CPU µs/req\n", n, l, r/n, p/n, c/n }'
done
awk -v u="${RPS[0]}" -v s="${RPS[1]}" -v c="${RPS[2]}" -v cu="${CPU[0]}" -v cs="${CPU[1]}" -v cc="${CPU[2]}" -v pu="${P99[0]}" -v ps="${P99[1]}" -v pc="${P99[2]}" -v n="$ROUNDS" -v mode="$MODE, $DURABILITY" 'BEGIN {
  printf "throughput ratio (%s): captured / uncaptured %.3f (goal >= 0.6); Serilog / uncaptured %.3f; captured / Serilog %.3f\n", mode, c/u, s/u, c/s
  printf "added CPU per request: captured %+.0f µs, Serilog %+.0f µs (goal: captured <= Serilog); captured / Serilog added CPU x%.2f\n", (cc-cu)/n, (cs-cu)/n, (cs-cu) == 0 ? 0 : (cc-cu)/(cs-cu)
  printf "p99 delta at saturation: captured %+.2f ms, Serilog %+.2f ms\n", (pc-pu)/n, (ps-pu)/n }'

# Half the uncaptured maximum rate: wrk2 (constant throughput) is not packaged here, so every
# connection pauses DELAY_MS before each request (predict-paced.lua); with DELAY_MS = 10 the
# offered rate is connections × 100/s minus each request's own latency, and the achieved rate is
# printed next to each p99. All three endpoints get the same offered rate.
if [ "${HALF_RATE:-1}" != "0" ]; then
  HALF="$(awk -v u="${RPS[0]}" -v n="$ROUNDS" 'BEGIN{printf "%.0f", u/n/2}')"
  PACED_CONNECTIONS="$(awk -v h="$HALF" 'BEGIN{c = int(h/100 + 0.5); print (c < 1 ? 1 : c)}')"
  export DELAY_MS=10 PREDICT_LUA="$LUA"
  # One 5 s calibration on the uncaptured endpoint: scale the connections so the achieved rate is ~half.
  read -r rps _ _ <<<"$(DURATION=5 run /predict-uncaptured -c"$PACED_CONNECTIONS" -s "$ROOT/bench/wrk/predict-paced.lua")"
  PACED_CONNECTIONS="$(awk -v c="$PACED_CONNECTIONS" -v h="$HALF" -v r="$rps" 'BEGIN{n = int(c * h / r + 0.5); print (n < 1 ? 1 : n)}')"
  echo "== at half the uncaptured maximum: target ~$HALF req/s ($PACED_CONNECTIONS connections, each pausing 10 ms before every request; calibration gave $rps req/s)"
  printf '%-28s %12s %10s %14s\n' endpoint 'requests/s' 'p99 ms' 'CPU µs/req'
  declare -A HRPS HP99 HCPU
  for r in $(seq 1 "$ROUNDS"); do
    for i in 0 1 2; do
      read -r rps p99 cpu <<<"$(run "${ENDPOINTS[$i]}" -c"$PACED_CONNECTIONS" -s "$ROOT/bench/wrk/predict-paced.lua")"
      printf '%-28s %12s %10s %14s\n' "${ENDPOINTS[$i]}" "$rps" "$p99" "$cpu"
      HRPS[$i]="$(add "${HRPS[$i]:-}" "$rps")"; HP99[$i]="$(add "${HP99[$i]:-}" "$p99")"; HCPU[$i]="$(add "${HCPU[$i]:-}" "$cpu")"
    done
  done
  for i in 0 1 2; do
    awk -v l="${LABELS[$i]}" -v r="${HRPS[$i]}" -v p="${HP99[$i]}" -v c="${HCPU[$i]}" -v n="$ROUNDS" 'BEGIN { printf "mean of %d rounds at half rate: %-28s %8.0f req/s  p99 %6.2f ms  %5.0f CPU µs/req\n", n, l, r/n, p/n, c/n }'
  done
  awk -v pu="${HP99[0]}" -v ps="${HP99[1]}" -v pc="${HP99[2]}" -v n="$ROUNDS" 'BEGIN {
    printf "p99 delta at half rate: captured %+.2f ms (goal <= +1 ms), Serilog %+.2f ms\n", (pc-pu)/n, (ps-pu)/n }'
fi
grep -h "non-2xx" "$WORK/wrk.log" | sort | uniq -c

kill -TERM $APP; wait $APP || true
echo "Serilog file: $(wc -l <"$WORK/serilog/decisions.clef") events, $(($(stat -c %s "$WORK/serilog/decisions.clef") / $(wc -l <"$WORK/serilog/decisions.clef"))) bytes per event"
"$ROOT/src/DecisionLedger.Cli/bin/Release/net10.0/dledger" verify --ledger "$WORK/ledger"
