#!/usr/bin/env bash
# Start-up of the installed dledger tool: the ReadyToRun package `dotnet tool install` picks on
# this machine against the plain-IL `dledger.any` package (what a platform without its own
# package gets), in one run, alternating, after one warm-up each. docs/performance.md,
# "Start-up of the dledger tool: ReadyToRun".
#
#   bench/startup.sh [RUNS]            # default 7 runs per subject and command
#   CONFIG=Debug bench/startup.sh 5    # pack the Debug build instead of Release
#
# Both subjects run as `dotnet <dir>/dledger.dll`, so the only difference is the R2R code; the
# installed launcher (`tools/dledger`) is timed too. Figures: median wall and median CPU (user +
# system) in ms, and R2R / plain.
set -euo pipefail

runs=${1:-7}
config=${CONFIG:-Release}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NUGET_PACKAGES="$work/packages"   # never a cached dledger of the same version
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid=linux-x64 ;; Linux-aarch64) rid=linux-arm64 ;;
  Darwin-arm64) rid=osx-arm64 ;; *) echo "no ReadyToRun package for $(uname -sm)" >&2; exit 1 ;;
esac
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)

echo "packing dledger $version ($config, $rid + any) ..." >&2
dotnet pack "$root/src/DecisionLedger.Cli/DecisionLedger.Cli.csproj" -c "$config" -o "$work/feed" \
  -p:DledgerToolRuntimeIdentifiers="$rid" -nologo -v:q >&2
dotnet tool install dledger --version "$version" --tool-path "$work/tools" --add-source "$work/feed" >&2
r2r_dll=$(find "$work/tools/.store" -name dledger.dll | head -1)
mkdir -p "$work/plain" && (cd "$work/plain" && unzip -q "$work/feed/dledger.any.$version.nupkg")
plain_dll="$work/plain/tools/net10.0/any/dledger.dll"
"$work/tools/dledger" demo --ledger "$work/ledger" > /dev/null

# one timed run: prints "wall_ms cpu_ms"
measure() {
  local TIMEFORMAT='%R %U %S' t
  t=$( { time "$@" > /dev/null 2>&1; } 2>&1 )
  awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' <<< "$t"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

declare -A subject=(
  [plain]="dotnet $plain_dll"
  [r2r]="dotnet $r2r_dll"
  [launcher]="$work/tools/dledger"
)
commands=("--version" "show --seq 0 --ledger $work/ledger")

printf '%-24s %-9s %10s %10s\n' command subject wall_ms cpu_ms
for cmd in "${commands[@]}"; do
  for s in plain r2r launcher; do ${subject[$s]} $cmd > /dev/null; done   # warm-up
  : > "$work/results"
  for ((i = 0; i < runs; i++)); do
    for s in plain r2r launcher; do echo "$s $(measure ${subject[$s]} $cmd)" >> "$work/results"; done
  done
  label=${cmd%% --ledger*}
  for s in plain r2r launcher; do
    wall=$(awk -v s=$s '$1 == s { print $2 }' "$work/results" | median)
    cpu=$(awk -v s=$s '$1 == s { print $3 }' "$work/results" | median)
    printf '%-24s %-9s %10s %10s\n' "$label" "$s" "$wall" "$cpu"
    eval "${s}_wall=$wall ${s}_cpu=$cpu"
  done
  awk -v pw="$plain_wall" -v pc="$plain_cpu" -v rw="$r2r_wall" -v rc="$r2r_cpu" -v l="$label" \
    'BEGIN { printf "%-24s R2R / plain: wall x%.2f, CPU x%.2f\n", l, rw / pw, rc / pc }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
