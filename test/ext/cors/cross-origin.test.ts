import { describe, expect, it } from 'vitest'
import { Phial, abort } from 'phial'
import { CORS, crossOrigin } from 'phial/cors'

function makeApp(config: Record<string, unknown> = {}): Phial {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ LOG_LEVEL: 'silent', PROPAGATE_EXCEPTIONS: false, ...config })
  return app
}

describe('crossOrigin(options)(view)', () => {
  it('adds the headers to the view only, and keeps the endpoint name', async () => {
    const app = makeApp()
    app.get('/open', crossOrigin()(function openData() {
      return { open: true }
    }))
    app.get('/closed', function closed() {
      return { open: false }
    })
    const client = app.testClient()
    const open = await client.get('/open', { headers: { Origin: 'https://x.test' } })
    expect(open.json).toEqual({ open: true })
    expect(open.headers.get('access-control-allow-origin')).toBe('https://x.test')
    expect(open.headers.get('vary')).toBe('Origin')
    expect((await client.get('/closed', { headers: { Origin: 'https://x.test' } })).headers.get('access-control-allow-origin')).toBeNull()
    expect(app.viewFunctions.openData).toBeDefined()
    expect(app.testRequestContext('/', {}, () => app.urlFor('openData'))).toBe('/open')
  })

  it('answers the preflight itself when the route lists OPTIONS, without running the view', async () => {
    const app = makeApp()
    let calls = 0
    app.route('/items', { methods: ['PUT', 'OPTIONS'] }, crossOrigin({ origins: 'https://a.test', allowHeaders: ['X-Token'], maxAge: 90 })(function items() {
      calls++
      return { calls }
    }))
    const client = app.testClient()
    const pre = await client.options('/items', {
      headers: { Origin: 'https://a.test', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'x-token' },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-headers')).toBe('x-token')
    expect(pre.headers.get('access-control-max-age')).toBe('90')
    expect(calls).toBe(0)
    const put = await client.put('/items', { headers: { Origin: 'https://a.test' } })
    expect(put.json).toEqual({ calls: 1 })
    expect(put.headers.get('access-control-allow-origin')).toBe('https://a.test')
  })

  it('an error raised in the view still carries the headers', async () => {
    const app = makeApp()
    app.get('/gone', crossOrigin({ origins: 'https://a.test' })(function gone(): string {
      return abort(410)
    }))
    app.get('/broken', crossOrigin({ origins: 'https://a.test' })(async function broken(): Promise<string> {
      throw new Error('broken')
    }))
    const client = app.testClient()
    const gone = await client.get('/gone', { headers: { Origin: 'https://a.test' } })
    expect(gone.status).toBe(410)
    expect(gone.headers.get('access-control-allow-origin')).toBe('https://a.test')
    const broken = await client.get('/broken', { headers: { Origin: 'https://a.test' } })
    expect(broken.status).toBe(500)
    expect(broken.headers.get('access-control-allow-origin')).toBe('https://a.test')
  })

  it("merges over the app's CORS_* config", async () => {
    const app = makeApp({ CORS_ORIGINS: ['https://cfg.test'], CORS_SUPPORTS_CREDENTIALS: true })
    app.get('/x', crossOrigin({ exposeHeaders: 'X-Total' })(function x() {
      return 'x'
    }))
    const res = await app.testClient().get('/x', { headers: { Origin: 'https://cfg.test' } })
    expect(res.headers.get('access-control-allow-origin')).toBe('https://cfg.test')
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(res.headers.get('access-control-expose-headers')).toBe('X-Total')
  })

  it('wins over the extension, even when it refuses the origin, and the extension answers its preflight', async () => {
    const app = makeApp()
    new CORS(app, { origins: '*' })
    app.route('/strict', { methods: ['DELETE'] }, crossOrigin({ origins: 'https://a.test', methods: ['DELETE'] })(function strict() {
      return 'ok'
    }))
    const client = app.testClient()
    const refused = await client.delete('/strict', { headers: { Origin: 'https://z.test' } })
    expect(refused.headers.get('access-control-allow-origin')).toBeNull()
    const pre = await client.options('/strict', { headers: { Origin: 'https://a.test', 'Access-Control-Request-Method': 'DELETE' } })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-methods')).toBe('DELETE')
  })

  it('refuses a bad option where it is written', () => {
    expect(() => crossOrigin({ supportsCredentials: true, sendWildcard: true })).toThrow(/sendWildcard/)
    expect(() => crossOrigin({ origins: 'example.com' })).toThrow(/is not an origin/)
  })
})
