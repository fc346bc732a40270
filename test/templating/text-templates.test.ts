/**
 * `.txt` templates (issue 18): a view that returns `renderTemplate('x.txt')`
 * answers `text/plain` — before, `text/html`, so a browser rendered the
 * unescaped text as HTML. HTML templates and other strings keep `text/html`;
 * Flask does the same as before (a str is HTML): this is a Phial choice.
 */
import { describe, expect, it } from 'vitest'
import { renderTemplate } from '../../src/index.ts'
import { tempApp } from './helpers.ts'

describe('text templates', () => {
  it('are text/plain when a view returns them; HTML stays HTML', async () => {
    const { app } = tempApp({ 'note.txt': 'Hi {{ name }}', 'page.html': '<p>{{ name }}</p>' })
    app.get('/txt', async function txt() { return renderTemplate('note.txt', { name: '<script>x</script>' }) })
    app.get('/tuple', async function tuple() { return [await renderTemplate('note.txt', { name: 'a' }), 201] })
    app.get('/html', async function html() { return renderTemplate('page.html', { name: 'a' }) })
    app.get('/mixed', async function mixed() {
      const text = await renderTemplate('note.txt', { name: 'a' })
      return `<pre>${text}</pre>` // a string built from it is the view's own HTML
    })
    app.get('/typed', async function typed() {
      return [await renderTemplate('note.txt', { name: 'a' }), { 'Content-Type': 'text/markdown' }]
    })
    const c = app.testClient()
    const txt = await c.get('/txt')
    expect([txt.headers.get('content-type'), txt.text]).toEqual(['text/plain; charset=utf-8', 'Hi <script>x</script>'])
    const tuple = await c.get('/tuple')
    expect([tuple.status, tuple.headers.get('content-type')]).toEqual([201, 'text/plain; charset=utf-8'])
    expect((await c.get('/html')).headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect((await c.get('/mixed')).headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect((await c.get('/typed')).headers.get('content-type')).toBe('text/markdown')
  })
})
