// Asks before submitting a form that has data-confirm="question" (the Delete
// buttons). A file rather than an inline onclick, so that a strict
// Content-Security-Policy (script-src 'self', no 'unsafe-inline') allows it.
document.addEventListener('submit', (event) => {
  const question = event.target.dataset.confirm
  if (question && !window.confirm(question)) event.preventDefault()
})
