#!/usr/bin/env bash
# The cost of the heads commitment (entry format v2), measured with the load tool's recorder run in three variants,
# alternated, with decisions spread over N distinct subject ids so that a v2 run's subject refs and heads map grow to
# ~N keys. docs/performance.md, "Entry format v2: the cost of the heads commitment".
#
#   bench/heads-cost.sh [COUNT] [DISTINCT] [ROUNDS] [FIRST]  # default 1,200,000 decisions, 1,000,000 subjects, 1 round
#                                                            # numbered from FIRST (default 1: FIRST 2 starts reversed)
#
# Variants (each its own process, a fresh SQLite ledger in a temporary directory deleted afterwards, --pipeline-only):
#   v1        --entry-format 1
#   v2-off    --entry-format 2 --no-heads-commitment: v2 entries and the subject-ref mapping, but no heads map, every
#             prev link -1 and no heads entries (a benchmark-only switch; such a ledger does not verify)
#   v2        --entry-format 2: the product
# Odd rounds run v1, v2-off, v2; even rounds the reverse, so a drift in the machine's load does not favour one.
# The figure compared is "process CPU ... µs per decision" (user + system of the load-tool process, not wall time).
# The heads commitment's share is (CPU(v2) − CPU(v2-off)) / CPU(v2); the summary also gives it against CPU(v1).
set -euo pipefail

count=${1:-1200000}
distinct=${2:-1000000}
rounds=${3:-1}
first=${4:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
dll="$root/bench/DecisionLedger.LoadTest/bin/Release/net10.0/DecisionLedger.LoadTest.dll"
[ -f "$dll" ] || dotnet build -c Release "$root/bench/DecisionLedger.LoadTest/DecisionLedger.LoadTest.csproj" >&2

declare -A args=([v1]="--entry-format 1" [v2-off]="--entry-format 2 --no-heads-commitment" [v2]="--entry-format 2")
summary=""
for round in $(seq "$first" $((first + rounds - 1))); do
  order="v1 v2-off v2"
  if (( round % 2 == 0 )); then order="v2 v2-off v1"; fi
  declare -A cpu=()
  for variant in $order; do
    echo "=== round $round, $variant, $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    # shellcheck disable=SC2086
    out=$(dotnet "$dll" --pipeline-only --count "$count" --distinct-subjects "$distinct" ${args[$variant]})
    grep -E 'throughput|process CPU|batch size|store commits|restart|peak RSS|managed allocation|canonical bytes' <<<"$out"
    cpu[$variant]=$(sed -nE 's/.*process CPU .*: ([0-9.]+) µs per decision.*/\1/p' <<<"$out")
  done
  summary+=$(awk -v r="$round" -v v1="${cpu[v1]}" -v off="${cpu[v2-off]}" -v v2="${cpu[v2]}" 'BEGIN {
    printf "round %s: CPU per decision v1 %.1f, v2-off %.1f, v2 %.1f µs; heads commitment %.1f µs = %.1f%% of v2, %.1f%% of v1; v2 over v1 +%.1f%%\n",
      r, v1, off, v2, v2 - off, 100 * (v2 - off) / v2, 100 * (v2 - off) / v1, 100 * (v2 - v1) / v1 }')$'\n'
done
echo "=== done $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s' "$summary"
