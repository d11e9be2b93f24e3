#!/usr/bin/env bash
# `dledger record FILE` under runtime settings chosen by environment variable (no rebuild), and a
# ReadyToRun publish when R2R=1: wall and CPU (user + system) of the whole process from outside,
# the variants interleaved round by round so drift on a shared machine hits each alike.
#   bench/runtime-settings.sh [decisions (default 100000)] [rounds (default 2)]
# Environment: SKIP_BUILD=1, R2R=1 (also publish and time a ReadyToRun build: needs the
# Microsoft.NETCore.App.Crossgen2 and Runtime linux-x64 packs from the NuGet feed), R2R_DIR (reuse
# a ReadyToRun publish of src/DecisionLedger.Cli instead of publishing; implies R2R=1),
# VARIANTS (override the list; one "label=ENV…" per line, "-" for no extra environment).
set -euo pipefail
COUNT="${1:-100000}"
ROUNDS="${2:-2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
DLEDGER="$ROOT/src/DecisionLedger.Cli/bin/Release/net10.0/dledger"
LOAD="$ROOT/bench/DecisionLedger.LoadTest/bin/Release/net10.0/DecisionLedger.LoadTest"
if [ -z "${SKIP_BUILD:-}" ]; then
  dotnet build -c Release "$ROOT/src/DecisionLedger.Cli/DecisionLedger.Cli.csproj" -v q -nologo >/dev/null
  dotnet build -c Release "$ROOT/bench/DecisionLedger.LoadTest/DecisionLedger.LoadTest.csproj" -v q -nologo >/dev/null
fi
VARIANTS="${VARIANTS:-defaults=-
TieredPGO off=DOTNET_TieredPGO=0
no quick JIT for loops=DOTNET_TC_QuickJitForLoops=0
TieredCompilation off=DOTNET_TieredCompilation=0
server GC=DOTNET_gcServer=1
server GC, 1 heap affinitized off=DOTNET_gcServer=1 DOTNET_GCHeapAffinitizeMask=0
non-concurrent GC=DOTNET_gcConcurrent=0
gen0 64 MiB=DOTNET_GCgen0size=0x4000000}"
R2R_BIN="${R2R_DIR:-$WORK/r2r}/dledger"
if [ -n "${R2R_DIR:-}" ] || [ "${R2R:-0}" = "1" ]; then
  if [ -z "${R2R_DIR:-}" ]; then
    dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
      "$ROOT/src/DecisionLedger.Cli/DecisionLedger.Cli.csproj" -o "$WORK/r2r" -v q -nologo >/dev/null
  fi
  VARIANTS="$VARIANTS
ReadyToRun=R2R"
fi

"$LOAD" ndjson "$WORK/decisions.ndjson" "$COUNT"
echo "input: $COUNT decisions, $(($(stat -c %s "$WORK/decisions.ndjson") / COUNT)) bytes per line; load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A WALL CPU
mapfile -t LIST <<<"$VARIANTS"
printf '%-36s %8s %8s %12s %16s\n' variant 'wall s' 'CPU s' 'decisions/s' 'CPU µs/decision'
for r in $(seq 1 "$ROUNDS"); do
  for line in "${LIST[@]}"; do
    label="${line%%=*}"; environment="${line#*=}"; binary="$DLEDGER"
    [ "$environment" = "-" ] && environment=""
    if [ "$environment" = "R2R" ]; then environment=""; binary="$R2R_BIN"; fi
    rm -rf "$WORK/ledger"
    "$DLEDGER" --ledger "$WORK/ledger" init --origin bench.example/runtime >/dev/null
    /usr/bin/time -f '%e %U %S' -o "$WORK/time" env $environment "$binary" --ledger "$WORK/ledger" record "$WORK/decisions.ndjson" >/dev/null 2>"$WORK/err" \
      || { cat "$WORK/err" >&2; exit 1; }
    read -r wall user sys <"$WORK/time"
    awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v n="$COUNT" 'BEGIN { printf "%-36s %8.2f %8.2f %12.0f %16.1f\n", l, w, u+s, n/w, (u+s)*1e6/n }'
    WALL[$label]="$(awk -v a="${WALL[$label]:-0}" -v w="$wall" 'BEGIN{print a+w}')"
    CPU[$label]="$(awk -v a="${CPU[$label]:-0}" -v u="$user" -v s="$sys" 'BEGIN{print a+u+s}')"
  done
done
echo "mean of $ROUNDS rounds (ratios against defaults, same run):"
base_cpu="${CPU[defaults]:-}"; base_wall="${WALL[defaults]:-}"
for line in "${LIST[@]}"; do
  label="${line%%=*}"
  awk -v l="$label" -v w="${WALL[$label]}" -v c="${CPU[$label]}" -v bw="$base_wall" -v bc="$base_cpu" -v n="$COUNT" -v k="$ROUNDS" 'BEGIN {
    printf "  %-36s %10.0f decisions/s  %6.1f CPU µs/decision  wall x%.2f  CPU x%.2f\n", l, n*k/w, c*1e6/(n*k), w/bw, c/bc }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
