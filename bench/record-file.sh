#!/usr/bin/env bash
# `dledger record FILE` (NDJSON in, receipts out) against a raw batched SQLite insert of the same
# lines, both timed from outside (/usr/bin/time: wall, user and system CPU of the whole process,
# start-up and file reading included), alternating in one run so drift on a shared machine hits both.
#   bench/record-file.sh [decisions (default 400000)] [rounds (default 1)]
# Environment: SKIP_BUILD=1 (reuse the Release binaries), DLEDGER (the dledger binary to time, e.g. a
# ReadyToRun publish), DLEDGER_ENV (extra environment for dledger only, e.g. "DOTNET_gcServer=1 DOTNET_TieredPGO=0").
# The raw insert: one prepared INSERT per line into a table with only a primary key, WAL,
# synchronous=FULL, one transaction per 8,192 rows: the same durability as the ledger, nothing else.
set -euo pipefail
COUNT="${1:-400000}"
ROUNDS="${2:-1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
DLEDGER="${DLEDGER:-$ROOT/src/DecisionLedger.Cli/bin/Release/net10.0/dledger}"
LOAD="$ROOT/bench/DecisionLedger.LoadTest/bin/Release/net10.0/DecisionLedger.LoadTest"

if [ -z "${SKIP_BUILD:-}" ]; then
  dotnet build -c Release "$ROOT/src/DecisionLedger.Cli/DecisionLedger.Cli.csproj" -v q -nologo >/dev/null
  dotnet build -c Release "$ROOT/bench/DecisionLedger.LoadTest/DecisionLedger.LoadTest.csproj" -v q -nologo >/dev/null
fi

"$LOAD" ndjson "$WORK/decisions.ndjson" "$COUNT"
echo "input: $COUNT decisions, $(($(stat -c %s "$WORK/decisions.ndjson") / COUNT)) bytes per line; load average $(cut -d' ' -f1-3 /proc/loadavg)"

timed() { # label command… → "wall user sys" in seconds (the command's stdout goes to a file)
  /usr/bin/time -f '%e %U %S' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
  cat "$WORK/time"
}

printf '%-34s %10s %10s %12s %16s\n' run 'wall s' 'CPU s' 'decisions/s' 'CPU µs/decision'
sum_l=0; sum_r=0; cpu_l=0; cpu_r=0
for r in $(seq 1 "$ROUNDS"); do
  rm -rf "$WORK/ledger" "$WORK/raw.db"*
  "$DLEDGER" --ledger "$WORK/ledger" init --origin bench.example/record >/dev/null
  read -r wall user sys <<<"$(timed env ${DLEDGER_ENV:-} "$DLEDGER" --ledger "$WORK/ledger" record "$WORK/decisions.ndjson")"
  receipts="$(wc -l <"$WORK/out")"
  [ "$receipts" -eq "$COUNT" ] || { echo "dledger record printed $receipts receipts for $COUNT lines" >&2; exit 1; }
  awk -v w="$wall" -v u="$user" -v s="$sys" -v n="$COUNT" 'BEGIN { printf "%-34s %10.2f %10.2f %12.0f %16.1f\n", "dledger record FILE", w, u+s, n/w, (u+s)*1e6/n }'
  sum_l=$(awk -v a="$sum_l" -v w="$wall" 'BEGIN{print a+w}'); cpu_l=$(awk -v a="$cpu_l" -v u="$user" -v s="$sys" 'BEGIN{print a+u+s}')

  read -r wall user sys <<<"$(timed "$LOAD" raw-insert "$WORK/decisions.ndjson" "$WORK/raw.db")"
  awk -v w="$wall" -v u="$user" -v s="$sys" -v n="$COUNT" 'BEGIN { printf "%-34s %10.2f %10.2f %12.0f %16.1f\n", "raw batched SQLite insert", w, u+s, n/w, (u+s)*1e6/n }'
  sum_r=$(awk -v a="$sum_r" -v w="$wall" 'BEGIN{print a+w}'); cpu_r=$(awk -v a="$cpu_r" -v u="$user" -v s="$sys" 'BEGIN{print a+u+s}')
done
awk -v l="$sum_l" -v r="$sum_r" -v cl="$cpu_l" -v cr="$cpu_r" -v n="$COUNT" -v k="$ROUNDS" 'BEGIN {
  printf "mean of %d rounds: dledger record %.0f decisions/s, %.1f CPU µs/decision; raw insert %.0f rows/s, %.1f CPU µs/row\n", k, n*k/l, cl*1e6/(n*k), n*k/r, cr*1e6/(n*k)
  printf "dledger record / raw batched insert = %.2fx (throughput, wall clock); CPU per decision x%.2f\n", r/l, cl/cr }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$DLEDGER" --ledger "$WORK/ledger" verify | tail -2
