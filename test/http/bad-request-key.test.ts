/**
 * Missing-key 400s: `MultiDict.require` (Flask's `request.form['key']`) and
 * `BadRequestKeyError`, with TRAP_BAD_REQUEST_ERRORS / TRAP_HTTP_EXCEPTIONS.
 * Ports Flask's tests/test_basic.py test_trapping_of_bad_request_key_errors,
 * test_trapping_of_all_http_exceptions, and Werkzeug's
 * test_datastructures.py MultiDict `md["missing"]` raising BadRequestKeyError.
 */
import { describe, expect, it } from 'vitest'
import { BadRequest, BadRequestKeyError, ImmutableMultiDict, MultiDict, NotFound, Phial, abort, request } from '../../src/index.ts'

function makeTestingApp(): Phial {
  const app = new Phial(import.meta.url)
  app.config.TESTING = true // Flask's conftest `app` fixture sets testing
  return app
}

describe('MultiDict.require', () => {
  it('returns the first value, and a missing key is a BadRequestKeyError (a BadRequest, 400)', () => {
    const md = new MultiDict([['a', '1'], ['a', '2']])
    expect(md.require('a')).toBe('1')
    let caught: unknown
    try { md.require('missing') } catch (e) { caught = e }
    expect(caught).toBeInstanceOf(BadRequestKeyError)
    expect(caught).toBeInstanceOf(BadRequest)
    expect((caught as BadRequestKeyError).code).toBe(400)
    expect((caught as BadRequestKeyError).key).toBe('missing')
    // the page says nothing about the app's fields unless asked to
    expect((caught as BadRequestKeyError).description).not.toContain('missing')
  })

  it('works on the immutable request dicts too', () => {
    expect(new ImmutableMultiDict({ x: 'y' }).require('x')).toBe('y')
    expect(() => new ImmutableMultiDict().require('x')).toThrow(BadRequestKeyError)
  })

  it('showException adds the key to the description, as Werkzeug does, and can be undone', () => {
    const err = new BadRequestKeyError('username')
    const plain = err.description
    err.showException = true
    expect(err.description).toBe(`${plain}\nKeyError: 'username'`)
    err.showException = true
    expect(err.description).toBe(`${plain}\nKeyError: 'username'`)
    err.showException = false
    expect(err.description).toBe(plain)
  })
})

describe("Flask's trapping tests", () => {
  it('test_trapping_of_bad_request_key_errors', async () => {
    const app = makeTestingApp()
    app.get('/key', function fail() { return request.form.require('missing_key') })
    app.get('/abort', function allowAbort() { abort(400) })
    const client = app.testClient()

    let rv = await client.get('/key')
    expect(rv.status).toBe(400)
    expect(rv.text).not.toContain('missing_key')
    rv = await client.get('/abort')
    expect(rv.status).toBe(400)

    app.debug = true
    let err: unknown
    try { await client.get('/key') } catch (e) { err = e }
    expect(err).toBeInstanceOf(BadRequestKeyError)
    expect(err).toBeInstanceOf(BadRequest)
    expect((err as BadRequestKeyError).description).toContain('missing_key')
    rv = await client.get('/abort')
    expect(rv.status).toBe(400)

    app.debug = false
    app.config.TRAP_BAD_REQUEST_ERRORS = true
    await expect(client.get('/key')).rejects.toBeInstanceOf(BadRequestKeyError)
    await expect(client.get('/abort')).rejects.toBeInstanceOf(BadRequest)
  })

  it('test_trapping_of_all_http_exceptions', async () => {
    const app = makeTestingApp()
    app.config.TRAP_HTTP_EXCEPTIONS = true
    app.get('/fail', function fail() { abort(404) })
    await expect(app.testClient().get('/fail')).rejects.toBeInstanceOf(NotFound)
  })

  it('TRAP_BAD_REQUEST_ERRORS=false keeps a missing key a 400 even in debug', async () => {
    const app = makeTestingApp()
    app.debug = true
    app.config.TRAP_BAD_REQUEST_ERRORS = false
    app.post('/login', function login() { return `hi ${request.form.require('username')}` })
    const client = app.testClient()
    const rv = await client.post('/login', { form: { password: 'x' } })
    expect(rv.status).toBe(400)
    // debug (or TRAP) still names the key in the page, as Flask's show_exception
    expect(rv.text).toContain('KeyError: &#39;username&#39;')
    expect((await client.post('/login', { form: { username: 'ada' } })).text).toBe('hi ada')
  })

  it('a trapped key error without TESTING is an unhandled error: a 500 in production, the debug page in debug', async () => {
    const app = new Phial(import.meta.url)
    app.config.TRAP_BAD_REQUEST_ERRORS = true
    app.get('/key', function fail() { return request.args.require('q') })
    app.logger.level = 'silent'
    const client = app.testClient()
    expect((await client.get('/key')).status).toBe(500)
    app.debug = true
    const page = await client.get('/key')
    expect(page.status).toBe(500)
    expect(page.text).toContain('KeyError')
    expect(page.text).toContain('q')
  })

  it('an error handler for 400 receives the missing-key error', async () => {
    const app = makeTestingApp()
    app.errorHandler(BadRequestKeyError, (e) => [{ missing: e.key }, 400])
    app.get('/search', function search() { return request.args.require('q') })
    const rv = await app.testClient().get('/search')
    expect([rv.status, rv.json]).toEqual([400, { missing: 'q' }])
  })
})
