#!/usr/bin/env bash
# `sfconnect audit` over 200,000 Login History rows at 100 ms round-trip time: its wall time
# and peak memory (GNU time). The simulated org serves the rows 2,000 a page, as Salesforce
# does; a retiring SOAP login on every row, one user. Usage: benches/audit_200k.sh [BINARY]
set -euo pipefail
bin=${1:-target/release/sfconnect}
work=$(mktemp -d)
trap 'kill "$sim" 2>/dev/null || true; rm -rf "$work"' EXIT
cat >"$work/scenario.toml" <<'TOML'
[[login_history]]
username = "integration@acme-demo.example"
login_type = "Other Apex API"
api_type = "SOAP Partner"
api_version = "50.0"
count = 200000
interval_minutes = 1
days_ago = 0
TOML
"$bin" sim --scenario "$work/scenario.toml" --rtt-ms 100 >"$work/sim.out" 2>&1 &
sim=$!
until url=$(grep -m1 '^login URL: ' "$work/sim.out" 2>/dev/null | cut -d' ' -f3) && [ -n "$url" ]; do
  sleep 0.2
done
export SFCONNECT_CONFIG_DIR="$work/config" SFCONNECT_STORE=file
SFCONNECT_PASSWORD=Demo-Pass-2026 SFCONNECT_SECURITY_TOKEN=DemoSecurityToken0123456 \
  "$bin" login bench --flow soap --login-url "$url" --username integration@acme-demo.example \
  >/dev/null 2>&1
/usr/bin/time -f 'wall %e s, peak memory %M KiB' "$bin" audit bench --json >"$work/audit.json" || true
grep -o '"rows_read":[0-9]*' "$work/audit.json"
