/**
 * Error handlers (code, class chain, blueprint first), 404/405 handlers,
 * unhandled errors (logged 500, the server lives on), the DEBUG traceback
 * page, and propagation under TESTING.
 */
import { describe, expect, it } from 'vitest'
import {
  BadRequest,
  Blueprint,
  HTTPException,
  InternalServerError,
  NotFound,
  abort,
  request,
} from '../../src/index.ts'
import { makeApp, rawRequest, recordLogs, withServer } from '../core/helpers.ts'

class AppError extends Error {}
class ValidationFailed extends AppError {
  constructor(readonly field: string) { super(`invalid ${field}`) }
}

describe('error handlers', () => {
  it('by status code and by error class, most specific class first', async () => {
    const app = makeApp()
    app.errorHandler(404, (e) => [`404 handler: ${(e as NotFound).description.slice(0, 13)}`, 404])
    app.errorHandler(AppError, (e) => [`app error: ${e.message}`, 400])
    app.errorHandler(ValidationFailed, (e) => [{ field: e.field }, 422])
    app.errorHandler(BadRequest, (e) => [`bad request: ${e.description}`, 400])
    app.get('/nf', function nf() { abort(404) })
    app.get('/app', function appErr() { throw new AppError('generic') })
    app.get('/val', function val() { throw new ValidationFailed('email') })
    app.get('/bad', function bad() { abort(400, 'missing q') })
    const c = app.testClient()
    expect((await c.get('/nope')).text).toBe('404 handler: The requested')
    expect((await c.get('/nf')).status).toBe(404)
    const a = await c.get('/app')
    expect([a.status, a.text]).toEqual([400, 'app error: generic'])
    const v = await c.get('/val')
    expect([v.status, v.json]).toEqual([422, { field: 'email' }])
    expect((await c.get('/bad')).text).toBe('bad request: missing q')
  })

  it('a code handler wins over a class handler; HTTPException and Error handlers catch the rest', async () => {
    const app = makeApp()
    app.errorHandler(HTTPException, (e) => [`http ${e.code}`, e.code])
    app.errorHandler(403, () => ['forbidden by code', 403])
    app.errorHandler(Error, (e) => [`error ${e.message}`, 500])
    app.get('/403', function f() { abort(403) })
    app.get('/410', function gone() { abort(410) })
    app.get('/type', function t() { throw new TypeError('typed') })
    const c = app.testClient()
    expect((await c.get('/403')).text).toBe('forbidden by code')
    expect((await c.get('/410')).text).toBe('http 410')
    expect((await c.get('/type')).text).toBe('error typed')
  })

  it('blueprint handlers come first for the blueprint\'s requests only', async () => {
    const app = makeApp()
    const bp = new Blueprint('api', import.meta.url, { urlPrefix: '/api' })
    app.errorHandler(403, () => ['app 403', 403])
    app.errorHandler(AppError, () => ['app AppError', 400])
    bp.errorHandler(403, () => [{ error: 'api 403' }, 403])
    bp.errorHandler(Error, () => [{ error: 'api Error' }, 500])
    bp.get('/f', function f() { abort(403) })
    bp.get('/e', function e() { throw new AppError('x') })
    app.get('/f', function appF() { abort(403) })
    app.register(bp)
    const c = app.testClient()
    expect((await c.get('/api/f')).json).toEqual({ error: 'api 403' })
    expect((await c.get('/f')).text).toBe('app 403')
    // code handlers are looked up first, but a blueprint's class handler still beats the app's class handler
    expect((await c.get('/api/e')).json).toEqual({ error: 'api Error' })
  })

  it('404 and 405 handlers; a routing redirect never reaches a handler', async () => {
    const app = makeApp()
    app.errorHandler(404, () => [{ error: 'not found', path: request.path }, 404])
    app.errorHandler(405, () => [{ error: 'method' }, 405])
    app.errorHandler(HTTPException, () => 'never for a redirect')
    app.post('/only-post', function onlyPost() { return 'p' })
    app.get('/slash/', function slash() { return 's' })
    const c = app.testClient()
    expect((await c.get('/missing')).json).toEqual({ error: 'not found', path: '/missing' })
    const m = await c.get('/only-post')
    expect([m.status, m.json]).toEqual([405, { error: 'method' }])
    expect((await c.get('/slash')).status).toBe(308)
  })

  it('an unregistered code cannot be given a handler', () => {
    const app = makeApp()
    expect(() => app.errorHandler(299, () => '')).toThrow(/not a recognized HTTP error code/)
  })

  it('the 500 handler receives an InternalServerError with the original error', async () => {
    const app = makeApp()
    app.errorHandler(500, (e) => [`500: ${((e as InternalServerError).originalError as Error).message}`, 500])
    app.get('/boom', function boom() { throw new Error('kaboom') })
    const res = await app.testClient().get('/boom')
    expect([res.status, res.text]).toEqual([500, '500: kaboom'])
  })

  it('a failing error handler is logged and gives the default 500', async () => {
    const app = makeApp()
    const logs = recordLogs(app, 'error')
    app.errorHandler(AppError, () => { throw new Error('handler broke') })
    app.errorHandler(500, () => { throw new Error('500 handler broke') })
    app.get('/x', function x() { throw new AppError('orig') })
    const res = await app.testClient().get('/x')
    expect(res.status).toBe(500)
    expect(res.text).toContain('Internal Server Error')
    expect(logs.map((l) => l.err?.message)).toEqual(expect.arrayContaining(['handler broke', '500 handler broke']))
  })
})

describe('unhandled errors', () => {
  it('are a logged 500 with the stack and request id; the server lives on', async () => {
    const app = makeApp()
    const logs = recordLogs(app, 'error')
    app.get('/boom', function boom() { throw new Error('secret detail') })
    app.get('/async', async function asyncBoom() { await Promise.resolve(); throw new Error('async detail') })
    app.get('/ok', function ok() { return 'fine' })
    await withServer(app, async (srv) => {
      const r = await fetch(srv.url + '/boom')
      expect(r.status).toBe(500)
      const body = await r.text()
      expect(body).toContain('Internal Server Error')
      expect(body).not.toContain('secret detail')
      expect((await fetch(srv.url + '/async')).status).toBe(500)
      expect(await (await fetch(srv.url + '/ok')).text()).toBe('fine')
      const raw = await rawRequest(srv.port, ['GET /boom HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
      expect(raw.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 500', 'HTTP/1.1 200'])
    })
    const line = logs.find((l) => l.err?.message === 'secret detail')!
    expect(line.msg).toBe('Exception on /boom [GET]')
    expect(line.err!.stack).toContain('boom')
    expect(typeof line.requestId).toBe('string')
    expect(logs.some((l) => l.err?.message === 'async detail')).toBe(true)
  })

  it('a JSON client gets the 500 as JSON', async () => {
    const app = makeApp()
    app.get('/boom', function boom() { throw new Error('x') })
    const res = await app.testClient().get('/boom', { headers: { accept: 'application/json' } })
    expect([res.status, res.json.code, res.json.name]).toEqual([500, 500, 'Internal Server Error'])
  })

  it('with DEBUG the traceback page shows the error and the source lines', async () => {
    const app = makeApp()
    app.config.DEBUG = true
    app.get('/boom', function debugBoom() {
      const marker = 'line-marker-for-the-debug-page'
      throw new Error(`debug <b>${marker}</b>`)
    })
    const res = await app.testClient().get('/boom')
    expect(res.status).toBe(500)
    expect(res.mimetype).toBe('text/html')
    expect(res.text).toContain('Error: debug &lt;b&gt;line-marker-for-the-debug-page')
    expect(res.text).toContain('debugBoom')
    expect(res.text).toContain('errors.test.ts')
    expect(res.text).toContain("const marker = &#39;line-marker-for-the-debug-page&#39;")
    await withServer(app, async (srv) => {
      const r = await fetch(srv.url + '/boom')
      expect(r.status).toBe(500)
      expect(await r.text()).toContain('debugBoom')
    })
  })

  it('with TESTING the test client rethrows; PROPAGATE_EXCEPTIONS=false turns it off', async () => {
    const app = makeApp()
    app.config.TESTING = true
    app.get('/boom', function boom() { throw new RangeError('propagated') })
    app.get('/nf', function nf() { abort(404) })
    const c = app.testClient()
    await expect(c.get('/boom')).rejects.toThrow(RangeError)
    expect((await c.get('/nf')).status).toBe(404) // HTTP errors are responses, not propagated
    app.config.PROPAGATE_EXCEPTIONS = false
    expect((await c.get('/boom')).status).toBe(500)
  })

  it('with TESTING over real HTTP the client gets a plain 500 and the server lives on', async () => {
    const app = makeApp()
    app.config.TESTING = true
    app.get('/boom', function boom() { throw new Error('x') })
    app.get('/ok', function ok() { return 'ok' })
    await withServer(app, async (srv) => {
      expect((await fetch(srv.url + '/boom')).status).toBe(500)
      expect((await fetch(srv.url + '/ok')).status).toBe(200)
    })
  })

  it('app.fetch rejects with a propagated error and answers 500 otherwise', async () => {
    const app = makeApp()
    app.get('/boom', function boom() { throw new Error('fetch boom') })
    expect((await app.fetch(new Request('http://localhost/boom'))).status).toBe(500)
    app.config.PROPAGATE_EXCEPTIONS = true
    await expect(app.fetch(new Request('http://localhost/boom'))).rejects.toThrow('fetch boom')
  })
})

describe("a blueprint's class handler shadowed by an app code handler", () => {
  it("keeps Flask's order and, in debug, says so once", async () => {
    const app = makeApp()
    const lines = recordLogs(app, 'warn')
    const api = new Blueprint('api', { urlPrefix: '/api' })
    api.errorHandler(HTTPException, (err) => [{ error: err.name }, err.code])
    api.get('/missing', function missing() {
      abort(404)
    })
    app.register(api)
    app.errorHandler(404, () => ['<h1>Not here</h1>', 404])
    const client = app.testClient()
    expect((await client.get('/api/missing')).text).toBe('<h1>Not here</h1>')
    expect(lines.filter((l) => l.level === 40)).toEqual([])
  })

  it('warns in debug mode, once', async () => {
    const app = makeApp()
    app.debug = true
    app.config.PROPAGATE_EXCEPTIONS = false
    const lines = recordLogs(app, 'warn')
    const api = new Blueprint('api', { urlPrefix: '/api' })
    api.errorHandler(HTTPException, (err) => [{ error: err.name }, err.code])
    api.get('/missing', function missing() {
      abort(404)
    })
    app.register(api)
    app.errorHandler(404, () => ['<h1>Not here</h1>', 404])
    const client = app.testClient()
    await client.get('/api/missing')
    await client.get('/api/missing')
    const warnings = lines.filter((l) => l.level === 40)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.msg).toMatch(/blueprint 'api' has errorHandler\(HTTPException\), but a 404 is handled by the app's errorHandler\(404\)/)
    expect(warnings[0]!.msg).toMatch(/Register api\.errorHandler\(404, …\) as well/)
  })
})
