// Write plotly.js's own CSS rules to a stylesheet, so the page can load them with a <link> and the
// Content Security Policy can keep style-src 'self' (plotly would otherwise inject a <style> element).
// The rules are the object plotly.js builds its styles from (src/css, compiled into the bundle).
const fs = require('fs')
const [bundlePath, outPath] = process.argv.slice(2)
const source = fs.readFileSync(bundlePath, 'utf8')
const start = source.indexOf('{"X,X div":')
if (start < 0) throw new Error('plotly.js style rules not found in ' + bundlePath)
let depth = 0
let end = start
let quote = null
for (; end < source.length; end++) {
  const c = source[end]
  if (quote) {
    if (c === '\\') { end++; continue }
    if (c === quote) quote = null
    continue
  }
  if (c === '"' || c === "'") { quote = c; continue }
  if (c === '{') depth++
  if (c === '}' && --depth === 0) break
}
const rules = Function('"use strict"; return (' + source.slice(start, end + 1) + ')')()
const mapping = { X: '.js-plotly-plot .plotly', Y: '.plotly-notifier' }
const css = Object.entries(rules)
  .map(([selector, body]) => selector.replace(/^(X|Y)|([ ,>:+~])(X|Y)/g, (m, a, sep, b) => (sep || '') + mapping[a || b]) + '{' + body + '}')
  .join('\n')
fs.writeFileSync(outPath, '/* Generated from plotly.js by scripts/plotly_css.js */\n' + css + '\n')
console.log('plotly.js styles written to ' + outPath + ' (' + Object.keys(rules).length + ' rules)')
