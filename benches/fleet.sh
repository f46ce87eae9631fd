#!/usr/bin/env bash
# `sfconnect status --notify` over a fleet of N saved connections against the simulated org, at
# 0 ms and at 100 ms round-trip time: wall time and peak memory (GNU time), a few runs each.
# Every connection is a SOAP login of the demo user on one org, in the encrypted file store.
# Usage: benches/fleet.sh [BINARY] [N…]   (default: target/release/sfconnect 10 100 400 500)
set -euo pipefail
bin=$(realpath "${1:-target/release/sfconnect}")
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 100 400 500)
runs=${RUNS:-3}
work=$(mktemp -d)
sim=
trap '[ -n "$sim" ] && kill "$sim" 2>/dev/null; rm -rf "$work"' EXIT

# A free port for the login host, kept across restarts so the saved login URL stays right.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_sim() {
  [ -n "$sim" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null || true
  "$bin" sim --port "$port" --rtt-ms "$1" >"$work/sim.out" 2>&1 &
  sim=$!
  until grep -q '^login URL: ' "$work/sim.out" 2>/dev/null; do sleep 0.1; done
}

export SFCONNECT_STORE=file SFCONNECT_PASSWORD=Demo-Pass-2026 SFCONNECT_SECURITY_TOKEN=DemoSecurityToken0123456
printf '%-6s %-7s %-22s %s\n' N RTT "wall (s), each run" "peak memory (MiB), most"
for n in "${sizes[@]}"; do
  export SFCONNECT_CONFIG_DIR="$work/fleet-$n"
  start_sim 0
  # Saved the way an admin would, eight at a time.
  seq 1 "$n" | xargs -P 8 -I{} "$bin" login "c{}" --flow soap --login-url "http://127.0.0.1:$port" \
    --username integration@acme-demo.example --json >/dev/null 2>>"$work/login.log" ||
    { cat "$work/login.log"; exit 1; }
  for rtt in 0 100; do
    start_sim "$rtt"
    walls=() peak=0
    for _ in $(seq 1 "$runs"); do
      /usr/bin/time -f '%e %M' -o "$work/time" "$bin" status --notify >/dev/null 2>&1 || true
      read -r wall kib <"$work/time"
      walls+=("$wall")
      [ "$kib" -gt "$peak" ] && peak=$kib
    done
    # A figure counts only when every connection passed.
    healthy=$("$bin" status --summary --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["healthy"])')
    [ "$healthy" = "$n" ] || { echo "only $healthy of $n connections passed" >&2; exit 1; }
    printf '%-6s %-7s %-22s %s\n' "$n" "${rtt} ms" "${walls[*]}" "$((peak / 1024))"
  done
done
