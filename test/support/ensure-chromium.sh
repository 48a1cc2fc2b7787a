#!/usr/bin/env bash
# The SDK's browser test drives Debian's Chromium (never a downloaded browser build).
# Installs it when missing and we can; otherwise says how, and the browser test will fail.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Chromium (Debian package) for the SDK browser test"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium is missing: install Debian's 'chromium' package (sudo apt-get install chromium) for the SDK browser test" >&2
fi
