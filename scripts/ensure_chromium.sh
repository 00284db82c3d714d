#!/usr/bin/env bash
# Browser tests (and, later, PDF charts) use Debian's Chromium, never a browser a tool downloads itself.
set -uo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium package for the browser tests..."
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/tmp/sui-assess-chromium.log 2>&1 \
     || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >>/tmp/sui-assess-chromium.log 2>&1; }; then
    echo "Chromium installed: $(chromium --version 2>/dev/null)"
    exit 0
  fi
  echo "Could not install chromium (see /tmp/sui-assess-chromium.log)." >&2
fi
echo "************************************************************************" >&2
echo "* Chromium is not installed, so the browser tests will be SKIPPED.      *" >&2
echo "* Install it with:  sudo apt-get install chromium                       *" >&2
echo "************************************************************************" >&2
exit 0
