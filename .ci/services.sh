#!/usr/bin/env bash
# Installs and starts the real servers the test suite uses, on loopback, and exports where they are.
# Source it (`. .ci/services.sh`) so the DLEDGER_TEST_* variables reach `dotnet test`; CI does.
# Idempotent: a second run finds everything installed and running.
#
#   DLEDGER_TEST_POSTGRES        owner connection string (CREATEDB, CREATEROLE; tests make their own databases)
#   DLEDGER_TEST_PG_BINDIR       PostgreSQL's server binaries (initdb, pg_ctl) for tests that run a private cluster
#   DLEDGER_TEST_REDIS           host:port of a Redis with appendonly yes, appendfsync always
#   DLEDGER_TEST_REDIS_SERVER    redis-server binary, for tests that run (and kill) their own Redis
#   DLEDGER_TEST_CHROMIUM        Debian's chromium, for the dashboard's browser test
#   DLEDGER_TEST_S3_ENDPOINT     http://127.0.0.1:4568 of s3rver (npm, pinned in .ci/s3rver), a real S3-protocol server
#                                for the S3 archive destination; its keys: DLEDGER_TEST_S3_ACCESS_KEY/_SECRET_KEY
#
# Also installs Go with golang.org/x/mod (Debian's golang-go, golang-golang-x-mod-dev): the tlog-tiles interop test
# builds tests/interop/tlog-follow offline (GO111MODULE=off GOPATH=/usr/share/gocode) and follows a real collector with it.

_dl_need=()
command -v pg_ctlcluster >/dev/null || _dl_need+=(postgresql)
command -v redis-server >/dev/null || _dl_need+=(redis-server)
command -v chromium >/dev/null || _dl_need+=(chromium)
command -v node >/dev/null || _dl_need+=(nodejs npm)
command -v go >/dev/null || _dl_need+=(golang-go)
[ -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ] || _dl_need+=(golang-golang-x-mod-dev)
# jq and sqlite3: docs/model-risk.md's commands use them, and ModelRiskWalkthroughTests runs those commands.
command -v jq >/dev/null || _dl_need+=(jq)
command -v sqlite3 >/dev/null || _dl_need+=(sqlite3)
if [ ${#_dl_need[@]} -gt 0 ]; then
  echo "services: installing ${_dl_need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq "${_dl_need[@]}" >&2
fi

# PostgreSQL: Debian's cluster, started without systemd.
_dl_pgver=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)
if [ -n "$_dl_pgver" ]; then
  pg_lsclusters -h 2>/dev/null | grep -q . || pg_createcluster "$_dl_pgver" main >&2
  _dl_cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  pg_lsclusters -h | awk 'NR==1 {print $4}' | grep -q online || pg_ctlcluster $_dl_cluster start >&2
  _dl_port=$(pg_lsclusters -h | awk 'NR==1 {print $3}')
  for _ in $(seq 1 30); do runuser -u postgres -- psql -p "$_dl_port" -Atqc 'select 1' >/dev/null 2>&1 && break; sleep 1; done
  runuser -u postgres -- psql -p "$_dl_port" -v ON_ERROR_STOP=1 -qc "
    DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dledger_owner') THEN
        CREATE ROLE dledger_owner LOGIN CREATEDB CREATEROLE PASSWORD 'dledger_owner';
      END IF;
    END \$\$;" >&2
  export DLEDGER_TEST_POSTGRES="Host=127.0.0.1;Port=$_dl_port;Username=dledger_owner;Password=dledger_owner;Database=postgres"
  export DLEDGER_TEST_PG_BINDIR="/usr/lib/postgresql/$_dl_pgver/bin"
fi

# Redis: every write fsynced before it is acknowledged (appendfsync always): a 202 from a
# collector means the decision is on disk in Redis, not only in its memory.
if command -v redis-server >/dev/null; then
  _dl_redis_dir=/var/lib/dledger-test-redis
  mkdir -p "$_dl_redis_dir"
  if ! redis-cli -p 6390 ping >/dev/null 2>&1; then
    redis-server --port 6390 --bind 127.0.0.1 --dir "$_dl_redis_dir" --appendonly yes --appendfsync always \
      --save '' --daemonize yes --logfile "$_dl_redis_dir/redis.log" >&2
    for _ in $(seq 1 30); do redis-cli -p 6390 ping >/dev/null 2>&1 && break; sleep 0.2; done
  fi
  export DLEDGER_TEST_REDIS="127.0.0.1:6390"
  export DLEDGER_TEST_REDIS_SERVER="$(command -v redis-server)"
fi

command -v chromium >/dev/null && export DLEDGER_TEST_CHROMIUM="$(command -v chromium)"

# S3: s3rver from npm (versions locked by .ci/s3rver/package-lock.json), installed outside the work tree in a
# cache directory keyed by the lock file, so a fresh clone reuses it; started on loopback with its data on disk.
_dl_s3_src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/s3rver"
if command -v npm >/dev/null && [ -f "$_dl_s3_src/package-lock.json" ]; then
  _dl_s3_dir="${DLEDGER_TEST_CACHE:-/var/cache/dledger-test}/s3rver-$(sha256sum "$_dl_s3_src/package-lock.json" | cut -c1-12)"
  if [ ! -x "$_dl_s3_dir/node_modules/.bin/s3rver" ]; then
    echo "services: installing s3rver into $_dl_s3_dir" >&2
    mkdir -p "$_dl_s3_dir" && cp "$_dl_s3_src/package.json" "$_dl_s3_src/package-lock.json" "$_dl_s3_dir/"
    (cd "$_dl_s3_dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
  _dl_s3_data=/var/lib/dledger-test-s3
  mkdir -p "$_dl_s3_data"
  if ! (exec 3<>/dev/tcp/127.0.0.1/4568) 2>/dev/null; then
    nohup "$_dl_s3_dir/node_modules/.bin/s3rver" -d "$_dl_s3_data" -a 127.0.0.1 -p 4568 --silent \
      >"$_dl_s3_data/s3rver.log" 2>&1 </dev/null &
    disown 2>/dev/null || true
    for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/4568) 2>/dev/null && break; sleep 0.2; done
  fi
  export DLEDGER_TEST_S3_ENDPOINT="http://127.0.0.1:4568"
  export DLEDGER_TEST_S3_ACCESS_KEY="S3RVER" DLEDGER_TEST_S3_SECRET_KEY="S3RVER"
fi
unset _dl_need _dl_pgver _dl_cluster _dl_port _dl_redis_dir _dl_s3_src _dl_s3_dir _dl_s3_data
