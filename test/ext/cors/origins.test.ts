import { describe, expect, it } from 'vitest'
import { Phial } from 'phial'
import { CORS } from 'phial/cors'
import { ORIGIN, makeApp } from './app.ts'

describe('origins', () => {
  const app = makeApp({ origins: ['https://a.test', /^https:\/\/[a-z0-9-]+\.b\.test$/, (o) => o === 'http://fn.test'] })
  const client = app.testClient()
  const acao = async (origin: string) =>
    (await client.get('/page', { headers: { Origin: origin } })).headers.get('access-control-allow-origin')

  it('match exactly (case-insensitive host), by whole-string RegExp, or by function', async () => {
    expect(await acao('https://a.test')).toBe('https://a.test')
    expect(await acao('HTTPS://A.TEST')).toBe('HTTPS://A.TEST')
    expect(await acao('https://x-1.b.test')).toBe('https://x-1.b.test')
    expect(await acao('http://fn.test')).toBe('http://fn.test')
  })

  it('refuse look-alikes a prefix match would allow', async () => {
    expect(await acao('https://a.test.evil.test')).toBeNull()
    expect(await acao('https://x.b.test.evil.test')).toBeNull()
    expect(await acao('https://evil.test/?https://a.test')).toBeNull()
    expect(await acao('http://a.test')).toBeNull()
  })

  it('refuse malformed, repeated, overlong and injected Origin values', async () => {
    for (const bad of ['a.test', 'https://a.test/', 'https://a.test, https://b.test', 'https://u@a.test', 'javascript:alert(1)', 'https://a.test\tx', `https://${'a'.repeat(600)}.test`]) {
      expect(await acao(bad), bad).toBeNull()
    }
    const res = await client.get('/page', { headers: { Origin: 'https://a.test%0d%0aSet-Cookie:%20x=1' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  it("never allows the opaque origin null through '*' or a RegExp, only when listed", async () => {
    expect(await acao('null')).toBeNull()
    const anyApp = makeApp({ origins: ['*', /.*/] })
    const res = await anyApp.testClient().get('/page', { headers: { Origin: 'null' } })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    const listed = makeApp({ origins: ['null'] })
    const ok = await listed.testClient().get('/page', { headers: { Origin: 'null' } })
    expect(ok.headers.get('access-control-allow-origin')).toBe('null')
  })

  it('a function may answer with origins as Flask-CORS callables do', async () => {
    const fnApp = makeApp({ origins: () => ['https://a.test', 'https://b.test'] })
    const c = fnApp.testClient()
    expect((await c.get('/page', { headers: { Origin: 'https://b.test' } })).headers.get('access-control-allow-origin')).toBe('https://b.test')
    expect((await c.get('/page', { headers: { Origin: 'https://c.test' } })).headers.get('access-control-allow-origin')).toBeNull()
  })

  it('a refused origin still gets Vary: Origin and the normal response', async () => {
    const res = await client.get('/page', { headers: { Origin: 'https://evil.test' } })
    expect(res.status).toBe(200)
    expect(res.text).toBe('page')
    expect(res.headers.get('vary')).toBe('Origin')
  })

  it('rejects an origin string with a path when set up', () => {
    expect(() => makeApp({ origins: 'https://a.test/' })).toThrow(/is not an origin/)
  })
})

describe('credentials', () => {
  it('sends Allow-Credentials with the reflected origin, never *', async () => {
    const app = makeApp({ origins: ['https://a.test'], supportsCredentials: true })
    const res = await app.testClient().get('/page', { headers: { Origin: 'https://a.test' } })
    expect(res.headers.get('access-control-allow-origin')).toBe('https://a.test')
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
  })

  it("with origins '*' reflects the origin (Flask-CORS) and warns; with sendWildcard refuses to start", async () => {
    const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
    app.config.LOG_LEVEL = 'silent'
    const warnings: string[] = []
    app.logger.warn = ((msg: string) => void warnings.push(msg)) as never
    new CORS(app, { supportsCredentials: true })
    app.get('/', function index() {
      return 'x'
    })
    const res = await app.testClient().get('/', { headers: { Origin: 'https://any.test' } })
    expect(res.headers.get('access-control-allow-origin')).toBe('https://any.test')
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(warnings.join()).toMatch(/every site/)
    expect(() => makeApp({ supportsCredentials: true, sendWildcard: true })).toThrow(/cannot be used with sendWildcard/)
  })

  it('is off by default', async () => {
    const res = await makeApp({}).testClient().get('/page', { headers: { Origin: ORIGIN } })
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
  })
})
