#!/usr/bin/env bash
# The cost of archiving (issue 16): a COUNT-decision SQLite ledger of realistic decisions (two models over the
# twelve months of 2025, inputs, outputs, attributions) recorded in process, archived to the S3 server of
# .ci/services.sh with `dledger archive --compact`, then `verify` across live store and archive, `show`,
# `subject-report`, `export` and `query --include-archive`. It runs the CI test
# ArchiveAtScaleTests (tests/DecisionLedger.Archiving.S3.Tests) in Release and prints its profile: wall and CPU
# time of every phase, CPU per entry, archive throughput, compression ratio, live store size before and after.
# docs/performance.md, "Archives at 1M decisions: cost of archive, verify and read-back".
#
#   bench/archive-cost.sh [COUNT] [CONFIGURATION]   # default 1,000,000 decisions, Release
#
# Needs the S3 server: `source .ci/services.sh` (or /tmp/dledger-test-env.sh) first. The CPU of each dledger
# command is its own process's; the S3 server's (node) CPU over the whole run is printed last.
set -euo pipefail

count=${1:-1000000}
configuration=${2:-Release}
root=$(cd "$(dirname "$0")/.." && pwd)
project="$root/tests/DecisionLedger.Archiving.S3.Tests/DecisionLedger.Archiving.S3.Tests.csproj"
[ -n "${DLEDGER_TEST_S3_ENDPOINT:-}" ] || { echo "DLEDGER_TEST_S3_ENDPOINT is not set: source .ci/services.sh first" >&2; exit 2; }

dotnet build -c "$configuration" "$project" >&2
report=$(mktemp)
trap 'rm -f "$report"' EXIT

# The S3 server's CPU (utime + stime of the process listening on the endpoint's port), before and after.
port=${DLEDGER_TEST_S3_ENDPOINT##*:}
s3_pid=$(ss -Htlnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 || true)
s3_cpu() { [ -n "$s3_pid" ] && [ -r "/proc/$s3_pid/stat" ] && awk '{print $14 + $15}' "/proc/$s3_pid/stat" || echo 0; }
before=$(s3_cpu)

echo "=== $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg), $count decisions, $configuration" >&2
DLEDGER_ARCHIVE_SCALE_COUNT=$count DLEDGER_ARCHIVE_SCALE_REPORT=$report \
  dotnet test "$project" -c "$configuration" --no-build --filter "FullyQualifiedName~ArchiveAtScaleTests" >&2 || status=$?
cat "$report"
after=$(s3_cpu)
echo "S3 server (s3rver, pid ${s3_pid:-unknown}): $(( (after - before) / 100 )).$(printf '%02d' $(( (after - before) % 100 ))) s CPU over the run"
echo "=== done $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit "${status:-0}"
