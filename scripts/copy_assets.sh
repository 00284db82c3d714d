#!/usr/bin/env bash
# Put the front-end assets from node_modules into assess/static, served locally (never from a CDN): GOV.UK
# Frontend copied, plotly.js built for the trace types the service draws. Node.js and npm only (run after
# `npm ci`). `make assets` then fingerprints and compresses the folder (scripts/assets_build.py).
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/govuk-frontend/dist/govuk
dest=assess/static
test -d "$src" || { echo "govuk-frontend is not installed: run 'npm ci' first" >&2; exit 1; }
mkdir -p "$dest/css" "$dest/js"
cp -R "$src/assets/fonts" "$src/assets/images" "$src/assets/manifest.json" "$dest/"
cp "$src/govuk-frontend.min.js" "$src/govuk-frontend.min.js.map" "$dest/js/" 2>/dev/null || cp "$src/govuk-frontend.min.js" "$dest/js/"
cp "$src/govuk-frontend.min.css" "$dest/css/"
echo "GOV.UK Frontend $(node -p "require('./node_modules/govuk-frontend/package.json').version") copied into $dest"
# plotly.js: only the trace types in package.json's "plotly".traces, no eval (the Content Security Policy has no
# 'unsafe-eval'). The file keeps the name of the strict bundle it replaces (the templates and the PDF's
# exporter load it by that name).
node scripts/assets_plotly.mjs "$dest/js/plotly-strict.min.js"
node scripts/plotly_css.js "$dest/js/plotly-strict.min.js" "$dest/css/plotly.css"
