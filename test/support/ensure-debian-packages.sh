#!/usr/bin/env bash
# Tools some tests drive, from Debian's packages (never downloaded builds): Chromium for the SDK's
# browser test, HAProxy for the load-balancer test, redis-server for the outage test (its own Redis,
# restarted mid-traffic), Go for the webhook docs' Go snippet. Installs the missing ones when we can (root and
# apt-get); otherwise says how, and those tests will fail.
# Usage: ensure-debian-packages.sh <command or /absolute/file>=<package> ...
set -euo pipefail
missing=()
for pair in "$@"; do
  wanted="${pair%%=*}"
  if [[ "$wanted" == /* ]]; then
    [ -e "$wanted" ] || missing+=("${pair#*=}")
  else
    command -v "$wanted" >/dev/null 2>&1 || missing+=("${pair#*=}")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (Debian packages) for the tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "missing: ${missing[*]} — install them (sudo apt-get install ${missing[*]}) for the browser and load-balancer tests" >&2
fi
