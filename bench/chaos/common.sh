#!/usr/bin/env bash
# Shared by the chaos campaigns: locate dledger, make a scratch directory, start and stop a
# collector on loopback, and write decisions. Sourced, not run.
set -uo pipefail

CHAOS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$CHAOS_DIR/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# dledger: $DLEDGER_DLL, else the Release build, else the Debug build, else build Release once.
if [ -z "${DLEDGER_DLL:-}" ]; then
  for c in Release Debug; do
    candidate="$REPO/src/DecisionLedger.Cli/bin/$c/net10.0/dledger.dll"
    if [ -f "$candidate" ]; then DLEDGER_DLL="$candidate"; break; fi
  done
fi
if [ -z "${DLEDGER_DLL:-}" ]; then
  echo "building dledger (Release) once..." >&2
  dotnet build -c Release "$REPO/src/DecisionLedger.Cli/DecisionLedger.Cli.csproj" >/dev/null || { echo "build failed" >&2; exit 3; }
  DLEDGER_DLL="$REPO/src/DecisionLedger.Cli/bin/Release/net10.0/dledger.dll"
fi
export DLEDGER_DLL

dl() { dotnet "$DLEDGER_DLL" "$@"; }

# A scratch directory removed on exit, and the processes this campaign started (killed on exit, by pid).
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dledger-chaos.XXXXXX")"
CHAOS_PIDS=()
chaos_cleanup() {
  for pid in "${CHAOS_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  done
  wait 2>/dev/null
  [ "${CHAOS_KEEP:-0}" = 1 ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap chaos_cleanup EXIT

# A free loopback TCP port.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# new_ledger DIR ORIGIN: an empty ledger, and an ingest key in DIR.ingest.key.
new_ledger() {
  dl init --ledger "$1" --origin "$2" >/dev/null || return 1
  dl keys create --ledger "$1" --role ingest --name chaos --json | jq -r .key > "$1.ingest.key"
}

# start_serve DIR PORT LOG [extra args]: starts a collector; sets SERVE_PID; waits until /healthz answers.
start_serve() {
  local dir="$1" port="$2" log="$3"; shift 3
  dotnet "$DLEDGER_DLL" serve --ledger "$dir" --urls "http://127.0.0.1:$port" "$@" >"$log" 2>&1 &
  SERVE_PID=$!
  CHAOS_PIDS+=("$SERVE_PID")
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || { echo "serve exited; log:" >&2; tail -5 "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "serve did not answer /healthz within 30 s" >&2
  return 1
}

# stop_serve: SIGTERM and wait (a graceful stop drains and signs a final checkpoint).
stop_serve() {
  kill -TERM "$SERVE_PID" 2>/dev/null
  wait "$SERVE_PID" 2>/dev/null
  return 0
}

# decisions PREFIX COUNT: COUNT NDJSON decisions with request ids PREFIX-0 .. PREFIX-(COUNT-1).
decisions() {
  python3 - "$1" "$2" <<'PY'
import json, sys
prefix, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    print(json.dumps({"requestId": f"{prefix}-{i}", "model": {"name": "fraud_detector", "version": "3.2.1"},
                      "input": {"amount": i, "country": "DE"}, "output": {"label": "fraud" if i % 7 == 0 else "legit", "score": (i % 100) / 100},
                      "actor": {"userId": f"analyst_{i % 3}", "tenant": "emea"}, "subject": {"id": f"customer-{i % 50}"}}, separators=(",", ":")))
PY
}

# ledger_request_ids DIR: every request id in the ledger, one per line (from a full export of the latest checkpoint).
ledger_request_ids() {
  local out="$WORK/export.$RANDOM"
  dl checkpoint --new --ledger "$1" >/dev/null 2>&1
  dl export --ledger "$1" --out "$out" >/dev/null 2>&1 || { echo "export failed" >&2; return 1; }
  jq -r .requestId "$out/entries.jsonl"
  rm -rf "$out"
}

# verify_exit DIR: the exit code of `dledger verify`.
verify_exit() { dl verify --ledger "$1" >/dev/null 2>&1; echo $?; }
