#!/bin/sh
# Stands in for the person at the browser ($BROWSER): follows the authorize address to the
# simulated org's redirect, then delivers that redirect to the client's local listener, retrying
# while the client is not yet listening (a person takes a moment too).
set -u
log=${BROWSER_LOG:-/dev/null}
echo "browser: open $1" >>"$log"
location=$(curl -s --cacert "${SIM_CA_FILE:-/dev/null}" -o /dev/null -w '%{redirect_url}' "$1")
echo "browser: redirected to ${location%%\?*}" >>"$log"
(
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    sleep 1
    curl -s -L -m 10 -o /dev/null "$location" && break
  done
) &
