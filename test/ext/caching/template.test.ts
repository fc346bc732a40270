/**
 * The {% cache %} template tag (Flask-Caching's jinja2ext tests ported).
 */
import { describe, expect, it } from 'vitest'
import { Phial, renderTemplateString } from 'phial'
import { Cache, makeTemplateFragmentKey } from 'phial/caching'

function setup(options: ConstructorParameters<typeof Cache>[1] = {}) {
  const app = new Phial(import.meta.url)
  const cache = new Cache(app, options)
  let n = 0
  app.templateGlobal('counter', () => ++n)
  return { app, cache, client: app.testClient() }
}

describe('{% cache %}', () => {
  it('renders a fragment once and serves it until it expires or is deleted', async () => {
    const { app, cache, client } = setup()
    app.get('/', function index() {
      return renderTemplateString("<p>{% cache 60, 'box' %}box {{ counter() }}{% endcache %} outside {{ counter() }}</p>")
    })
    expect((await client.get('/')).text).toBe('<p>box 1 outside 2</p>')
    expect((await client.get('/')).text).toBe('<p>box 1 outside 3</p>')
    expect(await cache.delete(makeTemplateFragmentKey('box'))).toBe(true)
    expect((await client.get('/')).text).toBe('<p>box 4 outside 5</p>')
  })

  it('varies on the extra keys', async () => {
    const { app, client } = setup()
    app.get('/u/<name>', function user({ name }: { name: string }) {
      return renderTemplateString("{% cache 60, 'user', name %}{{ name }} {{ counter() }}{% endcache %}", { name })
    })
    expect((await client.get('/u/ann')).text).toBe('ann 1')
    expect((await client.get('/u/bob')).text).toBe('bob 2')
    expect((await client.get('/u/ann')).text).toBe('ann 1')
  })

  it('keeps autoescaping: the cached HTML is not escaped twice, and values inside are escaped once', async () => {
    const { app, client } = setup()
    app.get('/', function index() {
      return renderTemplateString("{% cache 60, 'esc' %}<b>{{ v }}</b>{% endcache %}", { v: '<script>' })
    })
    expect((await client.get('/')).text).toBe('<b>&lt;script&gt;</b>')
    expect((await client.get('/')).text).toBe('<b>&lt;script&gt;</b>')
  })

  it('none as the lifetime takes CACHE_DEFAULT_TIMEOUT; nested fragments work', async () => {
    const { app, client } = setup()
    app.get('/', function index() {
      return renderTemplateString("{% cache none, 'outer' %}[{{ counter() }}{% cache 60, 'inner' %}({{ counter() }}){% endcache %}]{% endcache %}")
    })
    expect((await client.get('/')).text).toBe('[1(2)]')
    expect((await client.get('/')).text).toBe('[1(2)]')
  })

  it('a fragment without a name is a clear template error', async () => {
    const { app, client } = setup()
    app.config.PROPAGATE_EXCEPTIONS = true
    app.get('/', function index() {
      return renderTemplateString('{% cache 60 %}x{% endcache %}')
    })
    await expect(client.get('/')).rejects.toThrow(/needs a lifetime and a fragment name/)
  })

  it('with a server backend the fragment renders uncached, with one warning', async () => {
    const app = new Phial(import.meta.url)
    app.config.CACHE_TYPE = 'redis'
    const warnings: string[] = []
    app.logger.warn = ((msg: unknown) => void warnings.push(String(msg))) as typeof app.logger.warn
    new Cache(app)
    let n = 0
    app.templateGlobal('counter', () => ++n)
    app.get('/', function index() {
      return renderTemplateString("{% cache 60, 'r' %}{{ counter() }}{% endcache %}")
    })
    const client = app.testClient()
    expect((await client.get('/')).text).toBe('1')
    expect((await client.get('/')).text).toBe('2')
    expect(warnings.filter((w) => w.includes('{% cache %}'))).toHaveLength(1)
  })

  it('an in-process cache can take the tag over from a server cache', async () => {
    const app = new Phial(import.meta.url)
    app.config.CACHE_TYPE = 'redis'
    new Cache(app)
    new Cache(app, { config: { CACHE_TYPE: 'simple' }, templateTag: true })
    let n = 0
    app.templateGlobal('counter', () => ++n)
    app.get('/', function index() {
      return renderTemplateString("{% cache 60, 'r' %}{{ counter() }}{% endcache %}")
    })
    const client = app.testClient()
    expect((await client.get('/')).text).toBe('1')
    expect((await client.get('/')).text).toBe('1')
  })
})
