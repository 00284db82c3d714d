#!/usr/bin/env bash
# Copy the front-end assets from node_modules into assess/static, served locally (never from a CDN).
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
# plotly.js, the strict bundle (no eval, so the Content Security Policy needs no 'unsafe-eval').
cp node_modules/plotly.js-strict-dist-min/plotly-strict.min.js "$dest/js/plotly-strict.min.js"
echo "plotly.js (strict) $(node -p "require('./node_modules/plotly.js-strict-dist-min/package.json').version") copied into $dest/js"
node scripts/plotly_css.js "$dest/js/plotly-strict.min.js" "$dest/css/plotly.css"
