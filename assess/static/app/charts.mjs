// Draw each chart from the JSON beside it. Without JavaScript the tables carry the same numbers.
//
// On a narrow screen (below GOV.UK's tablet breakpoint, 641 CSS pixels: WCAG 1.4.10 Reflow at 320) a chart
// in a frame (templates/macros/charts.html, Chart.narrow == "table") gives way to its table: a "Show the
// chart" button draws it at its designed width in a region that scrolls sideways on its own, so its labels
// stay legible and the page itself never scrolls sideways. On wider screens the button is hidden and the
// chart is drawn as usual. Charts outside a frame are drawn at the width they are given.
const config = { displaylogo: false, displayModeBar: false, responsive: true }
const narrow = window.matchMedia('(max-width: 40.0525em)')

function draw (element) {
  if (!window.Plotly) return
  if (element.dataset.drawn === 'true') {
    window.Plotly.Plots.resize(element)
    return
  }
  const source = document.getElementById(element.dataset.chartSource)
  if (!source) return
  const figure = JSON.parse(source.textContent)
  element.dataset.drawn = 'true'
  window.Plotly.newPlot(element, figure.data, figure.layout, config)
}

function frame (container) {
  const chart = container.querySelector('.app-chart[data-chart-source]')
  const button = document.querySelector(`.app-chart-toggle[aria-controls="${container.id}"]`)
  if (!chart || !button) {
    if (chart) draw(chart)
    return
  }
  const text = button.querySelector('.app-chart-toggle__text')
  let open = false

  function update () {
    if (narrow.matches) {
      button.hidden = false
      container.hidden = !open
      container.classList.add('app-chart-frame--scroll')
      container.setAttribute('role', 'region')
      container.setAttribute('aria-label', container.dataset.label)
      container.tabIndex = 0
    } else {
      button.hidden = true
      container.hidden = false
      container.classList.remove('app-chart-frame--scroll')
      container.removeAttribute('role')
      container.removeAttribute('aria-label')
      container.removeAttribute('tabindex')
    }
    button.setAttribute('aria-expanded', String(open))
    text.textContent = open ? 'Hide the chart' : 'Show the chart'
    if (!container.hidden) draw(chart)
  }

  button.addEventListener('click', () => {
    open = !open
    update()
  })
  narrow.addEventListener('change', update)
  update()
}

for (const container of document.querySelectorAll('[data-chart-frame]')) frame(container)
for (const element of document.querySelectorAll('.app-chart[data-chart-source]')) {
  if (!element.closest('[data-chart-frame]')) draw(element)
}
