/**
 * `escape` and `Markup` (MarkupSafe's, as Flask exports them): escaped text
 * that is not escaped twice, trusted markup that templates and views send
 * as HTML.
 */
import { describe, expect, it } from 'vitest'
import { Markup, escape, markSafe, renderTemplateString } from '../../src/index.ts'
import { makeApp } from '../core/helpers.ts'

describe('escape and Markup', () => {
  it('escapes as MarkupSafe does and returns Markup, which it leaves alone', () => {
    const e = escape(`<a href="x">Tom & Jerry's</a>`)
    expect(e).toBeInstanceOf(Markup)
    expect(String(e)).toBe('&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;')
    expect(String(escape(e))).toBe(String(e))
    expect(String(escape(new Markup('<b>ok</b>')))).toBe('<b>ok</b>')
    expect(String(escape(markSafe('<i>'))) ).toBe('<i>')
    expect(String(escape({ __html__: () => '<u>' }))).toBe('<u>')
    expect(String(escape(42))).toBe('42')
    expect(String(Markup.escape('<'))).toBe('&lt;')
    expect(`Hello, ${escape('<script>')}!`).toBe('Hello, &lt;script&gt;!')
  })

  it('is safe in templates and an HTML body when a view returns it', async () => {
    const app = makeApp()
    app.get('/hello/<name>', function hello({ name }) {
      return `Hello, ${escape(name)}!`
    })
    app.get('/markup', function markup() {
      return new Markup('<b>bold</b>')
    })
    app.get('/template', function template() {
      return renderTemplateString('{{ a }} {{ b }}', { a: new Markup('<b>x</b>'), b: escape('<i>') })
    })
    const c = app.testClient()
    expect((await c.get('/hello/%3Cscript%3E')).text).toBe('Hello, &lt;script&gt;!')
    const m = await c.get('/markup')
    expect([m.text, m.mimetype]).toEqual(['<b>bold</b>', 'text/html'])
    expect((await c.get('/template')).text).toBe('<b>x</b> &lt;i&gt;')
  })
})
