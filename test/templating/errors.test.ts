import { describe, expect, test } from 'vitest'
import { resolve } from 'node:path'
import { TemplateError, TemplateSyntaxError, abort, renderTemplate, renderTemplateString } from '../../src/index.ts'
import { fixtureApp, tempApp } from './helpers.ts'

const file = (name: string): string => resolve(import.meta.dirname, 'templates', name)

async function failure(render: () => Promise<string>, globals: Record<string, unknown> = {}): Promise<TemplateError> {
  const app = fixtureApp()
  for (const [name, value] of Object.entries(globals)) app.templateGlobal(name, value)
  const err = await app.appContext(render).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(TemplateError)
  return err as TemplateError
}

const boom = (what: string) => () => {
  throw new RangeError(`${what} went wrong`)
}

describe('template errors name the file and line', () => {
  test('a syntax error', async () => {
    const err = await failure(() => renderTemplate('syntax_error.html'))
    expect(err).toBeInstanceOf(TemplateSyntaxError)
    expect(err.name).toBe('TemplateSyntaxError')
    expect(err.template).toBe('syntax_error.html')
    expect(err.filename).toBe(file('syntax_error.html'))
    // the `{{` opened on line 3 is not closed: the parser fails at the `/` of `</ul>`
    expect([err.lineno, err.colno]).toEqual([4, 2])
    expect(err.description).toBe('unexpected token: /')
    expect(err.message).toBe(`In template "syntax_error.html" (${file('syntax_error.html')}), line 4, column 2: unexpected token: /`)
  })

  test('a runtime error keeps the original error as cause', async () => {
    const err = await failure(() => renderTemplate('runtime_error.html'), { explode: boom('explode') })
    expect(err.message).toBe(`In template "runtime_error.html" (${file('runtime_error.html')}), line 2, column 14: RangeError: explode went wrong`)
    expect(err.cause).toBeInstanceOf(RangeError)
    expect(err.stack!.split('\n')[1]).toBe(`    at template "runtime_error.html" (${file('runtime_error.html')}:2:14)`)
  })

  test('an error in the layout names the layout, not the page that extends it', async () => {
    const err = await failure(() => renderTemplate('uses_bad_layout.html'), { layout_boom: boom('layout') })
    expect([err.template, err.lineno]).toEqual(['bad_layout.html', 3])
  })

  test("an error in a page's block names the page", async () => {
    const err = await failure(() => renderTemplate('bad_block.html'), { block_boom: boom('block') })
    expect([err.template, err.filename, err.lineno]).toEqual(['bad_block.html', file('bad_block.html'), 4])
  })

  test('errors in included templates name the included file', async () => {
    const runtime = await failure(() => renderTemplate('includes_error.html'), { explode: boom('explode') })
    expect([runtime.template, runtime.lineno]).toEqual(['runtime_error.html', 2])
    const syntax = await failure(() => renderTemplate('includes_syntax_error.html'))
    expect(syntax).toBeInstanceOf(TemplateSyntaxError)
    expect([syntax.template, syntax.lineno]).toEqual(['syntax_error.html', 4])
  })

  test("an error inside an imported macro names the macro's file", async () => {
    const { app } = tempApp({
      'm.html': '{% macro f() %}\n{{ boom() }}\n{% endmacro %}',
      'p.html': '{% from "m.html" import f %}\nline 2\n{{ f() }}',
    })
    const err = (await app.appContext(() => renderTemplate('p.html')).catch((e: unknown) => e)) as TemplateError
    expect([err.template, err.lineno, err.colno]).toEqual(['m.html', 2, 8])
  })

  test('template strings: an error on the first line has line 1', async () => {
    const err = await failure(() => renderTemplateString('{{ missing() }}'))
    expect(err.message).toBe('In template string, line 1, column 11: Unable to call `missing`, which is undefined or falsey')
    expect([err.template, err.filename]).toEqual([null, null])
  })

  test('the DEBUG page shows the message and the template source around the line', async () => {
    const app = fixtureApp()
    app.config.DEBUG = true
    app.templateGlobal('explode', boom('explode'))
    app.logger.level = 'silent'
    app.get('/', function index() {
      return renderTemplate('runtime_error.html')
    })
    const res = await app.testClient().get('/')
    expect(res.status).toBe(500)
    expect(res.text).toContain('In template &#34;runtime_error.html&#34;')
    expect(res.text).toContain('line 2, column 14: RangeError: explode went wrong')
    expect(res.text).toContain('<div class="current"><span class="ln">2</span>&lt;p&gt;{{ explode() }}&lt;/p&gt;</div>')
  })

  test('in production: a 500 page, and the log line has the located message', async () => {
    const app = fixtureApp()
    app.config.PROPAGATE_EXCEPTIONS = false
    app.templateGlobal('explode', boom('explode'))
    const logged: unknown[] = []
    app.logger.error = ((obj: { err?: unknown }) => {
      logged.push(obj.err)
    }) as never
    app.get('/', function index() {
      return renderTemplate('runtime_error.html')
    })
    const res = await app.testClient().get('/')
    expect(res.status).toBe(500)
    expect(res.text).not.toContain('explode')
    expect((logged[0] as Error).message).toContain('runtime_error.html')
  })

  test('with TESTING the error propagates to the test', async () => {
    const app = fixtureApp()
    app.config.TESTING = true
    app.get('/', function index() {
      return renderTemplate('syntax_error.html')
    })
    await expect(app.testClient().get('/')).rejects.toThrow(/syntax_error\.html.*line 4/)
  })

  test('abort() inside a template global is the HTTP error, not a template error', async () => {
    const app = fixtureApp()
    app.templateGlobal('require_admin', () => abort(403))
    app.get('/', function index() {
      return renderTemplateString('{{ require_admin() }}')
    })
    expect((await app.testClient().get('/')).status).toBe(403)
  })
})
