/**
 * The {% cache %} template tag (Flask-Caching's jinja2ext tests ported).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { Phial, renderTemplateString } from 'phial'
import { Cache, makeTemplateFragmentKey } from 'phial/caching'
import { REDIS_URL, redisUp, service, sleep } from './services.ts'

const PREFIX = `phial_test:caching_template:${process.pid}:`
const redis = await service('Redis', redisUp(), REDIS_URL)
const closers: Cache[] = []
afterAll(async () => {
  for (const c of closers) await c.close()
})

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

  it.skipIf(!redis)('with Redis, each process keeps copies, and a delete anywhere drops them everywhere', async () => {
    const apps = [0, 1].map(() => {
      const app = new Phial(import.meta.url)
      app.config.fromMapping({ CACHE_TYPE: 'redis', CACHE_REDIS_URL: REDIS_URL, CACHE_KEY_PREFIX: PREFIX })
      const cache = new Cache(app)
      closers.push(cache)
      let n = 0
      app.templateGlobal('counter', () => ++n)
      app.get('/', function index() {
        return renderTemplateString("{% cache 60, 'shared' %}{{ counter() }}{% endcache %}")
      })
      return { app, cache, client: app.testClient() }
    })
    const [a, b] = apps as [(typeof apps)[0], (typeof apps)[0]]
    // the fragment once it is served from a copy (a process keeps none until it listens to invalidations)
    const settled = async (client: (typeof apps)[0]['client'], not?: string): Promise<string> => {
      for (let i = 0; i < 100; i++) {
        const text = (await client.get('/')).text
        if (text !== not && (await client.get('/')).text === text) return text
        await sleep(20)
      }
      throw new Error('the fragment never settled')
    }
    const first = await settled(a.client)
    const cachedB = await settled(b.client)
    expect((await a.client.get('/')).text).toBe(first)
    await a.cache.delete(makeTemplateFragmentKey('shared'))
    const renewed = (await a.client.get('/')).text
    expect(renewed).not.toBe(first)
    expect(await settled(b.client, cachedB)).not.toBe(cachedB)
    await b.cache.clear()
    expect(await settled(a.client, renewed)).not.toBe(renewed)
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
