// Build plotly.js cut to the trace types the service draws (package.json "plotly".traces) from the npm plotly.js
// package (the version plotly.py names, pinned in package.json and package-lock.json), bundled with esbuild.
// The result is one classic script that sets window.Plotly, as the full bundle did. Like plotly.js's "strict"
// bundle it uses no eval or new Function (the Content Security Policy has no 'unsafe-eval'); the map library's
// CSS, which plotly.js would inject for map traces, is left out (no map traces).
// Usage: node scripts/assets_plotly.mjs OUTFILE
import { readFileSync } from 'node:fs'
import { build } from 'esbuild'

const out = process.argv[2]
if (!out) throw new Error('usage: node scripts/assets_plotly.mjs OUTFILE')
const traces = JSON.parse(readFileSync('package.json', 'utf8')).plotly.traces
const version = JSON.parse(readFileSync('node_modules/plotly.js/package.json', 'utf8')).version
// plotly.js/lib/core already has scatter (it cannot be left out); every other trace type is registered here.
const registered = traces.filter((name) => name !== 'scatter')
const entry = [
  "var Plotly = require('plotly.js/lib/core');",
  `Plotly.register([${registered.map((name) => `require('plotly.js/lib/${name}')`).join(', ')}]);`,
  'module.exports = Plotly;'
].join('\n')

await build({
  stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: 'plotly-partial.js', loader: 'js' },
  outfile: out,
  bundle: true,
  format: 'iife',
  globalName: 'Plotly',
  minify: true,
  target: 'es2016',
  define: { global: 'window', 'define.amd': 'false' },
  loader: { '.css': 'empty' },
  banner: { js: `/*! plotly.js ${version} (MIT), only the trace types ${traces.join(', ')}: built by scripts/assets_plotly.mjs */` },
  logLevel: 'warning'
})
if (readFileSync(out, 'utf8').match(/new Function\(|\beval\(/)) throw new Error(out + ' uses eval or new Function')
console.log(`plotly.js ${version} (${traces.join(', ')}) bundled into ${out}`)
