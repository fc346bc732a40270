import { describe, expect, test } from 'vitest'
import { resolve } from 'node:path'
import { Blueprint, TemplateNotFound, renderTemplate } from '../../src/index.ts'
import { fixtureApp } from './helpers.ts'

const here = import.meta.dirname

describe('template folders', () => {
  test("renders from the app's templates folder", async () => {
    const app = fixtureApp()
    app.get('/', function index() {
      return renderTemplate('index.html', { title: 'Home' })
    })
    const res = await app.testClient().get('/')
    expect(res.status).toBe(200)
    expect(res.text).toBe('<h1>Home</h1>')
  })

  test("finds a blueprint's templates; the app's folder wins on the same name", async () => {
    const app = fixtureApp()
    const blog = new Blueprint('blog', import.meta.url, { templateFolder: 'bp_templates', urlPrefix: '/blog' })
    blog.get('/', function index() {
      return renderTemplate('blog/index.html', { posts: [1, 2, 3] })
    })
    blog.get('/which', function which() {
      return renderTemplate('shared/which.html')
    })
    app.register(blog)
    const client = app.testClient()
    expect((await client.get('/blog/')).text).toBe('blog index: 3')
    expect((await client.get('/blog/which')).text).toBe('app wins')
  })

  test('blueprint folders are searched in registration order', async () => {
    const app = fixtureApp()
    app.register(new Blueprint('first', import.meta.url, { templateFolder: 'bp_templates' }))
    app.register(new Blueprint('second', import.meta.url, { templateFolder: 'other_bp_templates' }))
    app.get('/', async function index() {
      return (await renderTemplate('order.html')) + (await renderTemplate('second.html'))
    })
    expect((await app.testClient().get('/')).text).toBe('first blueprintonly in second')
    expect(app.templateEnvironment.loader.searchPath()).toEqual([
      resolve(here, 'templates'),
      resolve(here, 'bp_templates'),
      resolve(here, 'other_bp_templates'),
    ])
  })

  test('a list of names renders the first that exists', async () => {
    const app = fixtureApp()
    const html = await app.appContext(() => renderTemplate(['themes/dark/index.html', 'index.html'], { title: 'T' }))
    expect(html).toBe('<h1>T</h1>')
    const err = await app.appContext(() => renderTemplate(['a.html', 'b.html'])).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TemplateNotFound)
    expect((err as TemplateNotFound).names).toEqual(['a.html', 'b.html'])
    expect((err as Error).message).toContain('None of the templates "a.html", "b.html" was found')
  })

  test('a missing template is TemplateNotFound naming the folders searched', async () => {
    const app = fixtureApp()
    const err = (await app.appContext(() => renderTemplate('missing.html')).catch((e: unknown) => e)) as TemplateNotFound
    expect(err).toBeInstanceOf(TemplateNotFound)
    expect(err.message).toBe(`Template "missing.html" not found; searched ${resolve(here, 'templates')}.`)
    expect(err.searchPath).toEqual([resolve(here, 'templates')])
  })

  test('names that climb out of the folder are not found', async () => {
    const app = fixtureApp()
    for (const name of ['../helpers.ts', 'shared/../../helpers.ts', '/etc/passwd']) {
      await expect(app.appContext(() => renderTemplate(name))).rejects.toBeInstanceOf(TemplateNotFound)
    }
  })

  test('an app without a template folder says so', async () => {
    const app = fixtureApp({ templateFolder: null })
    await expect(app.appContext(() => renderTemplate('index.html'))).rejects.toThrow(
      'Template "index.html" not found; the app and its blueprints have no template folder.',
    )
  })

  test('a missing include names the including template; ignore missing renders nothing', async () => {
    const app = fixtureApp()
    const err = (await app.appContext(() => renderTemplate('includes_missing.html')).catch((e: unknown) => e)) as TemplateNotFound
    expect(err).toBeInstanceOf(TemplateNotFound)
    expect(err.message).toContain('Template "nowhere.html" not found (loaded from "includes_missing.html")')
    expect(await app.appContext(() => renderTemplate('includes_missing_ignored.html'))).toBe('[]')
  })

  test('renderTemplate needs an app context', async () => {
    await expect(renderTemplate('index.html')).rejects.toThrow(/outside of application context/)
  })

  test('app.templateEnvironment is one environment per app', () => {
    const a = fixtureApp()
    const b = fixtureApp()
    expect(a.templateEnvironment).toBe(a.templateEnvironment)
    expect(a.templateEnvironment).not.toBe(b.templateEnvironment)
  })
})
