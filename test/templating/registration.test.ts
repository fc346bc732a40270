import { describe, expect, test } from 'vitest'
import { Blueprint, beforeRenderTemplate, markSafe, renderTemplate, renderTemplateString, templateRendered } from '../../src/index.ts'
import { fixtureApp } from './helpers.ts'

describe('filters, tests and globals', () => {
  test('app.templateFilter / templateTest / templateGlobal', async () => {
    const app = fixtureApp()
    app.templateFilter('reverse_words', (s: string) => s.split(' ').reverse().join(' '))
    app.templateTest('even_length', (s: string) => s.length % 2 === 0)
    app.templateGlobal('site', 'Flaskr')
    app.templateGlobal('now', () => new Date(2024, 4, 1))
    const html = await app.appContext(() =>
      renderTemplateString("{{ 'a b c'|reverse_words }}|{{ 'ab' is even_length }}|{{ site }}|{{ now().year }}"),
    )
    expect(html).toBe('c b a|True|Flaskr|2024')
  })

  test('a filter gets its arguments, keyword ones as a last object, and the Nunjucks context as this', async () => {
    const app = fixtureApp()
    const seen: unknown[][] = []
    app.templateFilter('spy', function (this: { ctx: Record<string, unknown> }, value: unknown, ...args: unknown[]) {
      seen.push([value, ...args, this.ctx.who])
      return 'ok'
    })
    await app.appContext(() => renderTemplateString("{{ 1|spy(2, three=3) }}", { who: 'ctx' }))
    expect(seen).toEqual([[1, 2, { three: 3, __keywords: true }, 'ctx']])
  })

  test('a filter returning markSafe() output is not escaped', async () => {
    const app = fixtureApp()
    app.templateFilter('bold', (s: string) => markSafe(`<b>${s.replace(/</g, '&lt;')}</b>`))
    expect(await app.appContext(() => renderTemplateString('{{ x|bold }}', { x: '<i>' }))).toBe('<b>&lt;i></b>')
  })

  test('blueprints register app-wide: templateFilter and the app* variants', async () => {
    const app = fixtureApp()
    const bp = new Blueprint('helpers', import.meta.url)
    bp.templateFilter('twice', (s: string) => s + s)
    bp.appTemplateFilter('thrice', (s: string) => s + s + s)
    bp.templateTest('short', (s: string) => s.length < 3)
    bp.appTemplateTest('long', (s: string) => s.length > 3)
    bp.templateGlobal('one', 1)
    bp.appTemplateGlobal('two', () => 2)
    app.register(bp)
    app.get('/', function index() {
      return renderTemplateString("{{ 'a'|twice }}{{ 'b'|thrice }}|{{ 'ab' is short }}{{ 'abcd' is long }}|{{ one }}{{ two() }}")
    })
    expect((await app.testClient().get('/')).text).toBe('aabbb|TrueTrue|12')
  })

  test('filters registered after the environment exists are picked up; after the first request they are refused', async () => {
    const app = fixtureApp()
    await app.appContext(() => renderTemplateString('warm up'))
    app.templateFilter('late', () => 'late filter')
    app.get('/', function index() {
      return renderTemplateString("{{ 1|late }}")
    })
    expect((await app.testClient().get('/')).text).toBe('late filter')
    expect(() => app.templateFilter('later', () => '')).toThrow(/can no longer be called/)
    expect(() => app.templateGlobal('later', 1)).toThrow(/can no longer be called/)
  })

  test('an unknown filter is an error naming the template', async () => {
    const app = fixtureApp()
    await expect(app.appContext(() => renderTemplateString("{{ 1|nosuchfilter }}"))).rejects.toThrow(/template string.*filter not found: nosuchfilter/)
  })
})

describe('signals', () => {
  test('beforeRenderTemplate (may add to the context) and templateRendered, sender: the app', async () => {
    const app = fixtureApp()
    const events: Array<[string, string, unknown]> = []
    const off1 = beforeRenderTemplate.connect(
      (sender, { template, context }) => {
        events.push(['before', template, sender === app])
        context.injected = 'by signal'
      },
      { sender: app },
    )
    const off2 = templateRendered.connect((sender, { template, context }) => {
      events.push(['rendered', template, context.title])
    }, { sender: app })
    try {
      app.get('/', async function index() {
        return (await renderTemplate('index.html', { title: 'Home' })) + (await renderTemplateString('{{ injected }}'))
      })
      expect((await app.testClient().get('/')).text).toBe('<h1>Home</h1>by signal')
      expect(events).toEqual([
        ['before', 'index.html', true],
        ['rendered', 'index.html', 'Home'],
        ['before', '<template string>', true],
        ['rendered', '<template string>', undefined],
      ])
    } finally {
      off1()
      off2()
    }
  })

  test('templateRendered is not sent when rendering fails', async () => {
    const app = fixtureApp()
    let rendered = 0
    const off = templateRendered.connect(() => rendered++)
    try {
      await expect(app.appContext(() => renderTemplate('runtime_error.html'))).rejects.toThrow()
      expect(rendered).toBe(0)
    } finally {
      off()
    }
  })
})
