#!/usr/bin/env bash
# Debian packages the service and its tests need outside Python: Chromium (browser tests and PDF charts;
# Debian's, never a browser a tool downloads itself), HarfBuzz's subsetter (WeasyPrint embeds fonts with it),
# poppler-utils (the PDF tests read reports with pdftotext) and the report fonts.
set -uo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so" || missing+=(libharfbuzz-subset0)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "Liberation Sans" || missing+=(fonts-liberation fonts-dejavu-core)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/tmp/sui-assess-packages.log 2>&1 \
     || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>/tmp/sui-assess-packages.log 2>&1; }; then
    exit 0
  fi
  echo "Could not install ${missing[*]} (see /tmp/sui-assess-packages.log)." >&2
fi
echo "************************************************************************" >&2
echo "* Missing Debian packages: ${missing[*]}" >&2
echo "* Install them with:  sudo apt-get install ${missing[*]}" >&2
echo "* Without Chromium the browser tests are SKIPPED and reports have no charts." >&2
echo "************************************************************************" >&2
exit 0
