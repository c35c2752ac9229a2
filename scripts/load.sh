#!/usr/bin/env bash
# REST load on loopback: sanction checks with durable decisions, 64 connections,
# bounded in time (20 s per run, 3 runs), against a scratch database.
#   scripts/load.sh sqlite            # the embedded default
#   scripts/load.sh postgres URL      # e.g. postgres://postgres@127.0.0.1:5432/test (a scratch database is made)
# Needs wrk (apt-get install wrk) and a release build (cargo build --release).
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
bin=target/release/credence
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
[ -x "$bin" ] || cargo build --release
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
case "$backend" in
  sqlite) db="sqlite://$work/load.db" ;;
  postgres)
    admin="${2:?give the PostgreSQL URL}"
    name="credence_load_$$"
    psql "$admin" -qc "CREATE DATABASE $name"
    db="${admin%/*}/$name"
    trap 'psql "$admin" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"' EXIT ;;
  *) echo "usage: $0 sqlite | postgres URL" >&2; exit 2 ;;
esac
"$bin" migrate --database "$db" 2>/dev/null
provider=$("$bin" keys create --role provider --department 130400-court --database "$db" 2>/dev/null)
regulator=$("$bin" keys create --role regulator --department 130400-finance --database "$db" 2>/dev/null)
RUST_LOG=warn "$bin" serve --listen "127.0.0.1:$port" --database "$db" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; [ -n "${admin:-}" ] && psql "$admin" -qc "DROP DATABASE IF EXISTS ${name:-x} WITH (FORCE)"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$port/v1/records" -H "Authorization: Bearer $provider" -H 'Content-Type: application/json' \
  -d '{"records": [{"source_id": "load-1", "uscc": "91330100799655058B", "name": "阿里巴巴（中国）有限公司", "item": "NAT-02-DEBTOR", "decided_on": "2025-06-01", "reported_on": "2025-06-03", "document_no": "（2025）冀04执123号", "attributes": {"court": "邯郸市中级人民法院", "case_no": "（2025）冀04执123号", "listed_on": "2025-06-01"}}]}' >/dev/null
for run in 1 2 3; do
  echo "== run $run ($backend)"
  CREDENCE_KEY="$regulator" wrk -t2 -c64 -d20s --latency -s scripts/sanction.lua "http://127.0.0.1:$port/v1/sanction-checks" \
    | grep -E "Requests/sec|50%|99%|non-200|requests in"
done
"$bin" audit verify --database "$db" 2>/dev/null
