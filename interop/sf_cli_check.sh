#!/usr/bin/env bash
# The Salesforce CLI (`sf`, from interop/node_modules) against `sfconnect sim`: each way to log
# in (browser, JWT bearer, an access token from `sfconnect token`, the sfdx URL from
# `sfconnect export --format sfdx-url` over https), then `org display`, `data query` and
# `org list limits` on each. Usage: interop/sf_cli_check.sh path-to-sfconnect
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
scratch=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT
export PATH="$here/node_modules/.bin:$PATH"
export HOME="$scratch/home" SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true
export SF_USE_GENERIC_UNIX_KEYCHAIN=true SF_SKIP_NEW_VERSION_CHECK=true
export SFCONNECT_CONFIG_DIR="$scratch/sfconnect" SFCONNECT_STORE=file
mkdir -p "$HOME"
passes=0
failures=0
ok() { passes=$((passes + 1)); echo "sf: $1: ok"; }
failed() { failures=$((failures + 1)); echo "sf: $1: FAILED"; sed 's/^/    /' "$scratch/out" | tail -n 20; }
# run NAME COMMAND...: the command must succeed; its output is kept for the next check.
run() {
  local name=$1
  shift
  if timeout 120 "$@" >"$scratch/out" 2>&1; then ok "$name"; else failed "$name"; fi
}

# start_sim NAME ARGS...: a simulated org; its fields as NAME_login etc.
start_sim() {
  local name=$1
  shift
  "$bin" sim --port 0 "$@" >"$scratch/$name.txt" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    grep -q '^my domain URL:' "$scratch/$name.txt" 2>/dev/null && break
    sleep 0.1
  done
}
field() { sed -n "s/^$2: //p" "$scratch/$1.txt" | head -n 1; }

# Then: the org answers the CLI as a connected org.
use_org() {
  local alias=$1
  run "$alias: org display" sf org display --target-org "$alias" --json
  grep -q '"connectedStatus": "Connected"' "$scratch/out" || failed "$alias: org display says Connected"
  run "$alias: data query" sf data query --query "SELECT Id, Username, Profile.Name FROM User" --target-org "$alias" --json
  grep -q "$(field plain username)" "$scratch/out" || failed "$alias: data query finds the integration user"
  run "$alias: org list limits" sf org list limits --target-org "$alias" --json
  grep -q '"name": "DailyApiRequests"' "$scratch/out" || failed "$alias: org list limits lists DailyApiRequests"
}

echo "sf: $(sf --version 2>&1 | head -n 1)"
start_sim plain
login=$(field plain 'login URL')
key=$(field plain 'consumer key')

# An access token from sfconnect token.
printf '%s\n%s\n' "$(field plain password)" "$(field plain 'security token')" >"$scratch/secrets"
run "sfconnect login (soap)" "$bin" login soap --flow soap --login-url "$login" \
  --username "$(field plain username)" --password-stdin --security-token-stdin <"$scratch/secrets"
export SF_ACCESS_TOKEN
SF_ACCESS_TOKEN=$("$bin" token soap)
run "org login access-token (token from sfconnect token)" \
  sf org login access-token --instance-url "$(field plain 'my domain URL')" --no-prompt --alias token
unset SF_ACCESS_TOKEN
use_org token

# JWT bearer with the key pair sfconnect made, its certificate uploaded to the app.
run "sfconnect login --generate-key" "$bin" login jwt --flow jwt --generate-key
curl -s -X POST --data-urlencode "consumer_key=$key" \
  --data-urlencode "certificate@$SFCONNECT_CONFIG_DIR/keys/jwt.crt" "$login/__sim/apps/certificate" >/dev/null
run "org login jwt" sf org login jwt --username "$(field plain username)" \
  --jwt-key-file "$SFCONNECT_CONFIG_DIR/keys/jwt.key" --client-id "$key" --instance-url "$login" --alias jwt
use_org jwt

# The browser login, with the CLI's own app, PKCE and no consumer secret.
start_sim cli --scenario "$here/platform-cli.toml"
export BROWSER="$here/browser.sh"
run "org login web (PlatformCLI, PKCE)" sf org login web --instance-url "$(field cli 'login URL')" --alias web
unset BROWSER
use_org web

# The sfdx URL sfconnect exports, over https (the CLI's import insists on it).
start_sim tls --tls --ca-file "$scratch/ca.pem"
export SSL_CERT_FILE="$scratch/ca.pem" NODE_EXTRA_CA_CERTS="$scratch/ca.pem" SIM_CA_FILE="$scratch/ca.pem"
tls_login=$(field tls 'login URL')
mkfifo "$scratch/paste"
SFCONNECT_CLIENT_SECRET=$(field tls 'consumer secret') timeout 60 "$bin" login web --flow web --no-browser \
  --client-id "$(field tls 'consumer key')" --login-url "$tls_login" <"$scratch/paste" 2>"$scratch/web.err" &
web_pid=$!
exec 3>"$scratch/paste"
for _ in $(seq 1 100); do
  url=$(grep -o 'https://[^ ]*/services/oauth2/authorize?[^ ]*' "$scratch/web.err" | head -n 1)
  [ -n "$url" ] && break
  sleep 0.1
done
curl -s --cacert "$scratch/ca.pem" -o /dev/null -w '%{redirect_url}\n' "$url" >&3
exec 3>&-
if wait "$web_pid" >/dev/null; then ok "sfconnect login --flow web over https"; else cp "$scratch/web.err" "$scratch/out"; failed "sfconnect login --flow web over https"; fi
"$bin" export web --format sfdx-url >"$scratch/sfdx-url"
run "org login sfdx-url (from sfconnect export)" sf org login sfdx-url --sfdx-url-file "$scratch/sfdx-url" --alias url
use_org url

echo "sf: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
