// Nothing typed is lost by navigating (issue 13, item 7): on an area page, leaving with changes that are not
// saved asks first. A link on the page (such as "Back to all sections") opens an in-page dialog: save and come
// back later, stay, or leave without saving. Anything else that leaves the page (the browser's back button,
// closing the tab, typing an address) gets the browser's own "Leave site?" question. Saving the form never
// asks. Without JavaScript none of this runs, and the task list says exactly what is saved when.

const form = document.querySelector('form[data-app-unsaved]')
const dialog = document.querySelector('dialog[data-app-unsaved-dialog]')

// The answers and evidence as they are now: every radio's checked state and every text box's value (the
// hidden fields, such as the CSRF token and the area's version, never change).
function snapshot () {
  const parts = []
  for (const element of form.elements) {
    if (!element.name || element.type === 'hidden' || element.type === 'submit' || element.tagName === 'BUTTON') {
      continue
    }
    if (element.type === 'radio' || element.type === 'checkbox') {
      parts.push(`${element.name}=${element.value}:${element.checked}`)
    } else {
      parts.push(`${element.name}=${element.value.replace(/\r\n/g, '\n')}`)
    }
  }
  return parts.join('\u0000')
}

function start () {
  // A page sent back with answers that were not saved (someone else saved the area first) starts unsaved.
  const initial = form.hasAttribute('data-app-unsaved-initially') ? null : snapshot()
  let leaving = false

  const isChanged = () => !leaving && snapshot() !== initial

  // Either button of the form saves: never ask then.
  form.addEventListener('submit', () => { leaving = true })

  window.addEventListener('beforeunload', (event) => {
    if (isChanged()) {
      event.preventDefault()
      event.returnValue = '' // older browsers need a value to show their question
    }
  })

  if (!dialog || typeof dialog.showModal !== 'function') {
    return // the browser's own question still protects the answers
  }
  const leave = dialog.querySelector('[data-app-unsaved-leave]')
  const stay = dialog.querySelector('[data-app-unsaved-stay]')
  const save = dialog.querySelector('[data-app-unsaved-save]')
  const later = form.querySelector('[data-app-save-later]')

  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return
    }
    const link = event.target.closest('a[href]')
    if (!link || dialog.contains(link) || (link.target && link.target !== '_self') || link.hasAttribute('download')) {
      return
    }
    const url = new URL(link.href, window.location.href)
    const samePage = url.origin === window.location.origin && url.pathname === window.location.pathname &&
      url.search === window.location.search && url.hash !== ''
    if (samePage || !isChanged()) {
      return // a link within the page (the skip link, the error summary) loses nothing
    }
    event.preventDefault()
    leave.href = link.href
    dialog.showModal()
  })

  stay.addEventListener('click', () => dialog.close())
  leave.addEventListener('click', () => { leaving = true })
  save.addEventListener('click', () => {
    dialog.close()
    leaving = true
    if (typeof form.requestSubmit === 'function' && later) {
      form.requestSubmit(later)
    } else if (later) {
      later.click()
    }
  })
}

if (form) {
  start()
}
