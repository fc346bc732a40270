import { describe, expect, test } from 'vitest'
import { markSafe, renderTemplate, renderTemplateString } from '../../src/index.ts'
import { fixtureApp, tempApp } from './helpers.ts'

const name = '<script>alert("x")</script>'
const escaped = '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;'

describe('autoescape', () => {
  test('.html and .svg templates escape, .txt templates do not', async () => {
    const app = fixtureApp()
    await app.appContext(async () => {
      expect(await renderTemplate('hello.html', { name })).toBe(`<p>${escaped}</p>`)
      expect(await renderTemplate('icon.svg', { name })).toBe(`<svg>${escaped}</svg>`)
      expect(await renderTemplate('mail.txt', { name })).toBe(`Hello ${name}!`)
    })
  })

  test('.htm, .xml and .xhtml escape too; the check ignores case', async () => {
    const { app } = tempApp({ 'a.htm': '{{ v }}', 'b.xml': '{{ v }}', 'c.xhtml': '{{ v }}', 'D.HTML': '{{ v }}', 'e.md': '{{ v }}' })
    await app.appContext(async () => {
      for (const file of ['a.htm', 'b.xml', 'c.xhtml', 'D.HTML']) expect(await renderTemplate(file, { v: '<&>' })).toBe('&lt;&amp;&gt;')
      expect(await renderTemplate('e.md', { v: '<&>' })).toBe('<&>')
    })
  })

  test('renderTemplateString escapes', async () => {
    const app = fixtureApp()
    expect(await app.appContext(() => renderTemplateString('<p>{{ name }}</p>', { name }))).toBe(`<p>${escaped}</p>`)
  })

  test('|safe, markSafe() and macros are not escaped twice; |e escapes in a .txt', async () => {
    const app = fixtureApp()
    await app.appContext(async () => {
      expect(await renderTemplateString('{{ html|safe }}|{{ marked }}', { html: '<b>', marked: markSafe('<i>') })).toBe('<b>|<i>')
      expect(await renderTemplate('uses_macro.html', { name: '<x>' })).toBe('<b>&lt;x&gt;</b>')
    })
    const { app: txt } = tempApp({ 'm.txt': '{{ v }} {{ v|e }}' })
    expect(await txt.appContext(() => renderTemplate('m.txt', { v: '<b>' }))).toBe('<b> &lt;b&gt;')
  })

  test('each template keeps its own setting: a .txt included in an .html is not escaped', async () => {
    const app = fixtureApp()
    expect(await app.appContext(() => renderTemplate('includes_txt.html', { name: '<b>' }))).toBe('<div>Hello <b>!</div>')
  })

  test('selectAutoescape can be replaced before templates compile', async () => {
    const { app } = tempApp({ 'page.jinja': '{{ v }}' })
    app.templateEnvironment.selectAutoescape = (n) => n === null || n.endsWith('.jinja')
    expect(await app.appContext(() => renderTemplate('page.jinja', { v: '<b>' }))).toBe('&lt;b&gt;')
  })
})
