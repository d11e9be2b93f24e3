#!/usr/bin/env bash
# The cost of the heads commitment (entry format v2): the load tool's recorder run with entry format 1 and 2,
# alternating in one script, decisions spread over N distinct subject ids so that a v2 run's subject refs and
# heads map grow to ~N keys. docs/performance.md, "Entry format v2: the cost of the heads commitment".
#
#   bench/heads-cost.sh [COUNT] [DISTINCT] [ROUNDS]   # default 1,200,000 decisions, 1,000,000 subjects, 1 round
#
# Each run is its own process (a fresh SQLite ledger in a temporary directory, deleted afterwards), --pipeline-only
# (no peers, no baselines). The figure to compare is "process CPU ... µs per decision"; the cost of the heads
# commitment is CPU(v2) - CPU(v1) as a share of CPU(v1). "restart" is a second recorder's start-up on the same ledger.
set -euo pipefail

count=${1:-1200000}
distinct=${2:-1000000}
rounds=${3:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
dll="$root/bench/DecisionLedger.LoadTest/bin/Release/net10.0/DecisionLedger.LoadTest.dll"
[ -f "$dll" ] || dotnet build -c Release "$root/bench/DecisionLedger.LoadTest/DecisionLedger.LoadTest.csproj" >&2

for round in $(seq 1 "$rounds"); do
  for format in 1 2; do
    echo "=== round $round, entry format $format, $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    dotnet "$dll" --pipeline-only --count "$count" --distinct-subjects "$distinct" --entry-format "$format" \
      | grep -E 'throughput|process CPU|batch size|store commits|restart|peak RSS|managed allocation|canonical bytes'
  done
done
echo "=== done $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
