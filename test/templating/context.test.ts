import { describe, expect, test } from 'vitest'
import { Blueprint, flash, g, redirect, renderTemplate, renderTemplateString, session } from '../../src/index.ts'
import { fixtureApp, tempApp } from './helpers.ts'

describe("Flask's names in templates", () => {
  test('url_for with keyword arguments, _external, _anchor, static and blueprint-relative names', async () => {
    const app = fixtureApp()
    app.get('/user/<int:id>', function user() {
      return 'user'
    })
    app.get('/', function index() {
      return renderTemplateString(
        "{{ url_for('user', id=5, tab='posts') }}|{{ url_for('index', _external=true) }}|" +
          "{{ url_for('user', id=1, _anchor='bio') }}|{{ url_for('static', filename='style.css') }}",
      )
    })
    const bp = new Blueprint('admin', import.meta.url, { urlPrefix: '/admin' })
    bp.get('/', function home() {
      return renderTemplateString("{{ url_for('.home') }}|{{ url_for('index') }}")
    })
    app.register(bp)
    const client = app.testClient()
    expect((await client.get('/')).text).toBe('/user/5?tab=posts|http://localhost/|/user/1#bio|/static/style.css')
    expect((await client.get('/admin/')).text).toBe('/admin/|/')
  })

  test('url_for for an unknown endpoint is an error naming the template line', async () => {
    const app = fixtureApp()
    await expect(app.appContext(() => renderTemplateString("ok\n{{ url_for('nope') }}"))).rejects.toThrow(/line 2, column \d+: .*nope/)
  })

  test('get_flashed_messages with categories and a category filter', async () => {
    const app = fixtureApp()
    app.post('/save', function save() {
      flash('Saved.', 'success')
      flash('Disk almost full.', 'warning')
      flash('Plain.')
      return redirect('/show')
    })
    app.get('/show', function show() {
      return renderTemplateString(
        '{% for category, message in get_flashed_messages(with_categories=true) %}[{{ category }}] {{ message }};{% endfor %}' +
          "|{{ get_flashed_messages(category_filter=['warning'])|join(',') }}|{{ get_flashed_messages()|length }}",
      )
    })
    const client = app.testClient()
    const res = await client.post('/save', { followRedirects: true })
    expect(res.status).toBe(200)
    expect(res.text).toBe('[success] Saved.;[warning] Disk almost full.;[message] Plain.;|Disk almost full.|3')
    expect((await client.get('/show')).text).toBe('||0')
  })

  test('config, request, session and g', async () => {
    const app = fixtureApp()
    app.config.SITE_NAME = 'Flaskr'
    app.beforeRequest(() => {
      g.viewer = { name: 'ann' }
    })
    app.post('/login', function login() {
      session.set('userId', 42)
      return 'ok'
    })
    app.get('/page', function page() {
      return renderTemplateString(
        "{{ config.SITE_NAME }}|{{ request.args.get('q') }}|{{ request.path }}|{{ request.method }}|" +
          "{{ session.userId }}|{{ session['userId'] }}|{{ session.get('userId') }}|{{ g.viewer.name }}",
      )
    })
    const client = app.testClient()
    await client.post('/login')
    expect((await client.get('/page?q=phial')).text).toBe('Flaskr|phial|/page|GET|42|42|42|ann')
  })

  test('an imported macro sees request and g (they are globals too)', async () => {
    const { app } = tempApp({
      'm.html': '{% macro where() %}{{ request.path }} {{ g.x }}{% endmacro %}',
      'p.html': '{% from "m.html" import where %}{{ where() }}',
    })
    app.get('/here', function here() {
      g.x = 'gx'
      return renderTemplate('p.html')
    })
    expect((await app.testClient().get('/here')).text).toBe('/here gx')
  })

  test('outside a request: g and config, but no request or session', async () => {
    const app = fixtureApp()
    const html = await app.appContext(() => {
      g.job = 'nightly'
      return renderTemplateString("{{ g.job }}|{{ 'yes' if request else 'no' }}|{{ 'yes' if session else 'no' }}|{{ config.TESTING }}")
    })
    expect(html).toBe('nightly|no|no|False')
  })

  test('context processors: app ones always, a blueprint\'s only for its requests; async ones awaited; the caller wins', async () => {
    const app = fixtureApp()
    app.contextProcessor(() => ({ site: 'S', title: 'default' }))
    app.contextProcessor(async () => ({ year: 2024 }))
    const bp = new Blueprint('blog', import.meta.url, { urlPrefix: '/blog' })
    bp.contextProcessor(() => ({ section: 'Blog' }))
    bp.get('/', function index() {
      return renderTemplateString('{{ site }}|{{ section }}|{{ year }}|{{ title }}')
    })
    const other = new Blueprint('other', import.meta.url, { urlPrefix: '/other' })
    other.appContextProcessor(() => ({ everywhere: 'yes' }))
    app.register(bp)
    app.register(other)
    app.get('/', function index() {
      return renderTemplateString('{{ site }}|{{ section }}|{{ year }}|{{ title }}|{{ everywhere }}', { title: 'mine' })
    })
    const client = app.testClient()
    expect((await client.get('/')).text).toBe('S||2024|mine|yes')
    expect((await client.get('/blog/')).text).toBe('S|Blog|2024|default')
  })

  test('nested blueprints: outer processors run before inner ones', async () => {
    const app = fixtureApp()
    const outer = new Blueprint('outer', import.meta.url, { urlPrefix: '/o' })
    const inner = new Blueprint('inner', import.meta.url, { urlPrefix: '/i' })
    outer.contextProcessor(() => ({ who: 'outer', outerOnly: 1 }))
    inner.contextProcessor(() => ({ who: 'inner' }))
    inner.get('/', function index() {
      return renderTemplateString('{{ who }} {{ outerOnly }}')
    })
    outer.register(inner)
    app.register(outer)
    expect((await app.testClient().get('/o/i/')).text).toBe('inner 1')
  })
})
