/**
 * The `pages` blueprint: the home page and its form. The answer comes back as
 * a flashed message, shown once by the base template.
 */
import { Blueprint, flash, redirect, renderTemplate, request, urlFor } from 'phial'

export const pages = new Blueprint('pages', import.meta.url)

pages.get('/', function index() {
  return renderTemplate('index.html')
})

pages.post('/hello', function hello() {
  const name = (request.form.get('name') ?? '').trim()
  if (name === '') flash('Please tell me your name.', 'error')
  else flash(`Hello, ${name}!`, 'success') // the template escapes it
  return redirect(urlFor('.index'))
})
