// Draw each chart from the JSON beside it. Without JavaScript the tables carry the same numbers.
const config = { displaylogo: false, displayModeBar: false, responsive: true }

for (const element of document.querySelectorAll('.app-chart[data-chart-source]')) {
  const source = document.getElementById(element.dataset.chartSource)
  if (!source || !window.Plotly) continue
  const figure = JSON.parse(source.textContent)
  window.Plotly.newPlot(element, figure.data, figure.layout, config)
}
