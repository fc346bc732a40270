/**
 * Flask's tests/test_templating.py, ported: each test keeps the meaning of
 * its upstream namesake (named in the test's title). Templates that Flask's
 * suite keeps in tests/templates are written to a temporary folder here with
 * the same content.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  Blueprint,
  DictLoader,
  Markup,
  Phial,
  TemplateNotFound,
  getTemplateAttribute,
  renderTemplate,
  renderTemplateString,
  type TemplateSourceLoader,
} from '../../src/index.ts'
import { tempApp } from './helpers.ts'

const ESCAPING = '{{ text }}\n{{ html }}\n{% autoescape false %}{{ text }}\n{{ html }}{% endautoescape %}\n{% autoescape true %}{{ text }}\n{{ html }}{% endautoescape %}\n'
const NON_ESCAPING = ESCAPING + '{{ text }}\n{{ html }}\n'

describe('ported from Flask tests/test_templating.py', () => {
  test('test_escaping: .html escapes; {% autoescape false %} turns it off, {% autoescape true %} on', async () => {
    const { app } = tempApp({ 'escaping_template.html': ESCAPING })
    const text = '<p>Hello World!'
    app.get('/', function index() {
      return renderTemplate('escaping_template.html', { text, html: new Markup(text) })
    })
    const lines = (await app.testClient().get('/')).text.split('\n')
    expect(lines).toEqual([
      '&lt;p&gt;Hello World!',
      '<p>Hello World!',
      '<p>Hello World!',
      '<p>Hello World!',
      '&lt;p&gt;Hello World!',
      '<p>Hello World!',
    ])
  })

  test('test_no_escaping: a .txt does not escape, except inside {% autoescape true %}', async () => {
    const { app } = tempApp({ 'non_escaping_template.txt': NON_ESCAPING })
    const text = '<p>Hello World!'
    app.get('/', function index() {
      return renderTemplate('non_escaping_template.txt', { text, html: new Markup(text) })
    })
    const lines = (await app.testClient().get('/')).text.split('\n')
    expect(lines).toEqual([
      '<p>Hello World!',
      '<p>Hello World!',
      '<p>Hello World!',
      '<p>Hello World!',
      '&lt;p&gt;Hello World!',
      '<p>Hello World!',
      '<p>Hello World!',
      '<p>Hello World!',
    ])
  })

  test('test_context_processing: a context processor adds to the template', async () => {
    const { app } = tempApp({ 'context_template.html': '<p>{{ value }}|{{ injected_value }}' })
    app.contextProcessor(() => ({ injected_value: 42 }))
    app.get('/', function index() { return renderTemplate('context_template.html', { value: 23 }) })
    expect((await app.testClient().get('/')).text).toBe('<p>23|42')
  })

  test("test_original_win: the caller's variable wins over Flask's names", async () => {
    const { app } = tempApp({})
    app.get('/', function index() { return renderTemplateString('{{ config }}', { config: 42 }) })
    expect((await app.testClient().get('/')).text).toBe('42')
  })

  test('test_request_less_rendering: config and context processors without a request', async () => {
    const { app } = tempApp({})
    app.config.WORLD_NAME = 'Special World'
    app.contextProcessor(() => ({ foo: 42 }))
    expect(await app.appContext(() => renderTemplateString('Hello {{ config.WORLD_NAME }} {{ foo }}'))).toBe('Hello Special World 42')
  })

  test('test_standard_context: request, g, config (DEBUG prints False) and session', async () => {
    const { app } = tempApp({})
    app.config.SECRET_KEY = 'development key'
    app.get('/', async function index(_args, ctx) {
      ctx.g.foo = 23
      ctx.session.set('test', 'aha')
      return renderTemplateString('\n  {{ request.args.foo }}\n  {{ g.foo }}\n  {{ config.DEBUG }}\n  {{ session.test }}\n')
    })
    expect((await app.testClient().get('/?foo=42')).text.split(/\s+/).filter(Boolean)).toEqual(['42', '23', 'False', 'aha'])
  })

  test('test_iterable_loader: a list of names renders the first that exists', async () => {
    const { app } = tempApp({ 'simple_template.html': '<h1>{{ whiskey }}</h1>', 'context_template.html': '<p>{{ value }}|{{ injected_value }}' })
    app.contextProcessor(() => ({ whiskey: 'Jameson' }))
    app.get('/', function index() {
      return renderTemplate(['no_template.xml', 'simple_template.html', 'context_template.html'], { value: 23 })
    })
    expect((await app.testClient().get('/')).text).toBe('<h1>Jameson</h1>')
  })

  test('test_templates_auto_reload: TEMPLATES_AUTO_RELOAD, else DEBUG', () => {
    const cases: Array<[boolean, boolean | null, boolean]> = [
      [false, null, false], [false, false, false], [false, true, true],
      [true, null, true], [true, false, false], [true, true, true],
    ]
    for (const [debug, option, expected] of cases) {
      const { app } = tempApp({})
      app.config.DEBUG = debug
      app.config.TEMPLATES_AUTO_RELOAD = option
      expect(app.templateEnvironment.autoReload).toBe(expected)
    }
  })

  test('test_escaping_without_template_filename: strings escape, a .txt does not', async () => {
    const { app } = tempApp({ 'mail.txt': '{{ foo}} Mail' })
    await app.testRequestContext('/', async () => {
      expect(await renderTemplateString('{{ foo }}', { foo: '<test>' })).toBe('&lt;test&gt;')
      expect(await renderTemplate('mail.txt', { foo: '<test>' })).toBe('<test> Mail')
    })
  })

  test('test_macros: getTemplateAttribute returns a macro to call from code', async () => {
    const { app } = tempApp({ '_macro.html': '{% macro hello(name) %}Hello {{ name }}!{% endmacro %}\n' })
    await app.testRequestContext('/', () => {
      const macro = getTemplateAttribute<(name: string) => Markup>('_macro.html', 'hello')
      const out = macro('World')
      expect(String(out)).toBe('Hello World!')
      expect(out).toBeInstanceOf(Markup)
    })
  })

  for (const [title, register] of [
    ['test_add_template_filter: the name comes from the function', (app: Phial) => app.addTemplateFilter(function my_reverse(s: string) { return [...s].reverse().join('') })],
    ['test_add_template_filter_with_name', (app: Phial) => app.addTemplateFilter(function rev(s: string) { return [...s].reverse().join('') }, 'my_reverse')],
    ['test_template_filter_with_name', (app: Phial) => app.templateFilter('my_reverse', (s: string) => [...s].reverse().join(''))],
    ['test_template_filter: the one-argument form takes the function\'s name', (app: Phial) => app.templateFilter(function my_reverse(s: string) { return [...s].reverse().join('') })],
  ] as const) {
    test(title, async () => {
      const app = tempApp({ 'template_filter.html': '{{ value|my_reverse }}' }).app
      const fn = register(app)
      const filters = app.templateEnvironment.filters
      expect(filters.my_reverse).toBe(fn)
      expect(filters.my_reverse('abcd')).toBe('dcba')
      app.get('/', function index() { return renderTemplate('template_filter.html', { value: 'abcd' }) })
      expect((await app.testClient().get('/')).text).toBe('dcba')
    })
  }

  for (const [title, register] of [
    ['test_add_template_test: the name comes from the function', (app: Phial) => app.addTemplateTest(function boolean(v: unknown) { return typeof v === 'boolean' })],
    ['test_add_template_test_with_name', (app: Phial) => app.addTemplateTest(function isBoolean(v: unknown) { return typeof v === 'boolean' }, 'boolean')],
    ['test_template_test_with_name', (app: Phial) => app.templateTest('boolean', (v: unknown) => typeof v === 'boolean')],
    ['test_template_test: the one-argument form takes the function\'s name', (app: Phial) => app.templateTest(function boolean(v: unknown) { return typeof v === 'boolean' })],
  ] as const) {
    test(title, async () => {
      const app = tempApp({ 'template_test.html': '{% if value is boolean %}\n    Success!\n{% endif %}\n' }).app
      const fn = register(app)
      expect(app.templateEnvironment.tests.boolean).toBe(fn)
      expect(app.templateEnvironment.tests.boolean(false)).toBe(true)
      app.get('/', function index() { return renderTemplate('template_test.html', { value: false }) })
      expect((await app.testClient().get('/')).text).toContain('Success!')
    })
  }

  test('test_add_template_global: the name comes from the function', async () => {
    const { app } = tempApp({})
    const fn = app.addTemplateGlobal(function get_stuff() { return 42 })
    expect(app.templateEnvironment.globals.get_stuff).toBe(fn)
    expect(await app.appContext(() => renderTemplateString('{{ get_stuff() }}'))).toBe('42')
  })

  test('a value without a name cannot be registered without one; a blueprint registers for the app', async () => {
    const { app } = tempApp({})
    expect(() => app.addTemplateGlobal(42)).toThrow(/has no name.*addTemplateGlobal\(fn, 'name'\)/)
    expect(() => app.addTemplateFilter((s: string) => s)).toThrow(/has no name/)
    const bp = new Blueprint('helpers')
    bp.addAppTemplateFilter(function shout(s: string) { return s.toUpperCase() })
    bp.addAppTemplateTest(function short(s: string) { return s.length < 3 })
    bp.addAppTemplateGlobal(function answer() { return 42 })
    bp.appTemplateFilter(function twice(s: string) { return s + s })
    bp.templateTest(function long(s: string) { return s.length > 3 })
    bp.appTemplateGlobal(function seven() { return 7 })
    app.register(bp)
    expect(await app.appContext(() => renderTemplateString("{{ 'a'|shout }} {{ 'ab' is short }} {{ answer() }} {{ 'b'|twice }} {{ 'abcd' is long }} {{ seven() }}"))).toBe('A True 42 bb True 7')
    app.templateGlobal(function get_more() { return 43 })
    expect(await app.appContext(() => renderTemplateString('{{ get_more() }}'))).toBe('43')
    expect(() => app.templateFilter('only_a_name' as never)).toThrow(/pass the function too/)
  })

  test('test_custom_template_loader: createGlobalTemplateLoader replaces the folders', async () => {
    class MyPhial extends Phial {
      override createGlobalTemplateLoader(): TemplateSourceLoader {
        return new DictLoader({ 'index.html': 'Hello Custom World!' })
      }
    }
    const app = new MyPhial(import.meta.url)
    app.get('/', function index() { return renderTemplate('index.html') })
    expect((await app.testClient().get('/')).text).toBe('Hello Custom World!')
    expect(app.templateEnvironment.listTemplates()).toEqual(['index.html'])
    await expect(app.appContext(() => renderTemplate('missing.html'))).rejects.toBeInstanceOf(TemplateNotFound)
  })

  test('a blueprint without folders (and so without a root) does not stop template lookup', async () => {
    const { app } = tempApp({ 'index.html': 'home' })
    app.register(new Blueprint('bare'))
    app.config.EXPLAIN_TEMPLATE_LOADING = true
    app.logger = { info: () => {} } as unknown as Phial['logger']
    expect(await app.appContext(() => renderTemplate('index.html'))).toBe('home')
    expect(app.templateEnvironment.listTemplates()).toEqual(['index.html'])
  })

  test('test_templates_list (test_blueprints.py): every template of the app and its blueprints, sorted', () => {
    const { app, root } = tempApp({})
    for (const [bp, file] of [['admin', 'admin/index.html'], ['frontend', 'frontend/index.html']]) {
      mkdirSync(join(root, bp, 'templates', bp), { recursive: true })
      writeFileSync(join(root, bp, 'templates', file), 'x')
      app.register(new Blueprint(bp, { rootPath: join(root, bp), templateFolder: 'templates' }))
    }
    expect(app.templateEnvironment.listTemplates()).toEqual(['admin/index.html', 'frontend/index.html'])
  })

  test('test_template_loader_debugging: EXPLAIN_TEMPLATE_LOADING logs each loader tried and names the blueprint', async () => {
    const { app, root } = tempApp({})
    const messages: string[] = []
    app.logger = { info: (_obj: unknown, msg: string) => messages.push(msg) } as unknown as Phial['logger']
    for (const bp of ['admin', 'frontend']) {
      mkdirSync(join(root, bp, 'templates'), { recursive: true })
      const blueprint = new Blueprint(bp, { rootPath: join(root, bp), templateFolder: 'templates' })
      if (bp === 'frontend') blueprint.get('/missing', function missing() { return renderTemplate('missing_template.html') })
      app.register(blueprint)
    }
    app.config.EXPLAIN_TEMPLATE_LOADING = true
    app.config.PROPAGATE_EXCEPTIONS = true
    await expect(app.testClient().get('/missing')).rejects.toThrow(/missing_template\.html/)
    expect(messages).toHaveLength(1)
    const text = messages[0]
    expect(text).toContain("1: trying loader of application 'temp'")
    expect(text).toContain(`2: trying loader of blueprint 'admin' (${join(root, 'admin')})`)
    expect(text).toContain(`trying loader of blueprint 'frontend' (${join(root, 'frontend')})`)
    expect(text).toContain('Error: the template could not be found')
    expect(text).toContain("looked up from an endpoint that belongs to the blueprint 'frontend'")
    expect(text).toContain('docs/blueprints.md#templates')
  })
})

describe('templates: Jinja literals and the autoescape tag', () => {
  test('{{ true }}, {{ false }}, {{ none }} and {{ None }} print as Jinja prints them; a null value prints nothing', async () => {
    const { app } = tempApp({})
    const out = await app.appContext(() => renderTemplateString('{{ true }}|{{ False }}|{{ none }}|{{ None }}|{{ x }}|{{ 1 == 1 }}', { x: null }))
    expect(out).toBe('True|False|None|None||True')
  })

  test('{% autoescape %} takes an expression, nests, and leaves included templates their own setting', async () => {
    const { app } = tempApp({ 'inc.html': '{{ v }}', 'page.html': '{% autoescape off %}{{ v }}{% autoescape true %}{{ v }}{% endautoescape %}{{ v }}{% include "inc.html" %}{% endautoescape %}{{ v }}' })
    const out = await app.appContext(() => renderTemplate('page.html', { v: '<b>', off: false }))
    expect(out).toBe('<b>&lt;b&gt;<b>&lt;b&gt;&lt;b&gt;')
  })

  test('a macro defined inside {% autoescape false %} keeps it', async () => {
    const { app } = tempApp({ 'm.html': '{% autoescape false %}{% macro raw(x) %}{{ x }}{% endmacro %}{% endautoescape %}{{ raw(v) }}|{{ v }}' })
    expect(await app.appContext(() => renderTemplate('m.html', { v: '<i>' }))).toBe('<i>|&lt;i&gt;')
  })

  test('a missing {% endautoescape %} is a syntax error naming the template', async () => {
    const { app } = tempApp({ 'bad.html': '{% autoescape false %}{{ v }}' })
    await expect(app.appContext(() => renderTemplate('bad.html'))).rejects.toThrow(/bad\.html/)
  })

  test('getTemplateAttribute: a top-level {% set %} value, a missing attribute names what exists', async () => {
    const { app } = tempApp({ 'vals.html': '{% set title = "Hi" %}{% macro m() %}x{% endmacro %}' })
    await app.appContext(() => {
      expect(getTemplateAttribute('vals.html', 'title')).toBe('Hi')
      expect(() => getTemplateAttribute('vals.html', 'nope')).toThrow(/no attribute "nope".*"title", "m"|no attribute "nope".*"m", "title"/)
      expect(() => getTemplateAttribute('missing.html', 'x')).toThrow(TemplateNotFound)
    })
  })
})
