/**
 * Test-client fidelity (issue 11 item 7, part): `useCookies: false`,
 * `TestResponse.isJson` / `getJson`, and `testRequestContext` running
 * `teardownRequest` hooks on exit. Ports Flask's tests/test_testing.py
 * test_json_request_and_response (the response's is_json and get_json) and
 * test_session_transaction_needs_cookies, and tests/test_reqctx.py
 * test_teardown_on_pop and test_teardown_with_previous_exception.
 */
import { describe, expect, it } from 'vitest'
import { Blueprint, jsonify, request, session } from '../../src/index.ts'
import { makeApp } from '../core/helpers.ts'

describe('useCookies: false', () => {
  it('test_session_transaction_needs_cookies: no jar, and the jar methods say why', async () => {
    const app = makeApp()
    app.config.SECRET_KEY = 'testing'
    app.get('/set', function set() { session.set('n', 1); return 'set' })
    app.get('/get', function get() { return String(session.get('n') ?? 'none') })
    const client = app.testClient({ useCookies: false })
    expect((await client.get('/set')).headers.getSetCookie().length).toBe(1) // the app still sets it
    expect((await client.get('/get')).text).toBe('none') // the client did not keep it
    await expect(client.sessionTransaction(() => {})).rejects.toThrow(/Cookies are disabled/)
    expect(() => client.getCookie('session')).toThrow(/Cookies are disabled/)
    expect(() => client.setCookie('a', 'b')).toThrow(TypeError)
    const withJar = app.testClient()
    await withJar.get('/set')
    expect((await withJar.get('/get')).text).toBe('1')
  })
})

describe('TestResponse.isJson and getJson', () => {
  it("test_json_request_and_response: a JSON response's isJson and getJson", async () => {
    const app = makeApp()
    app.post('/echo', function echo() { return jsonify(request.json) })
    app.get('/html', function html() { return '<p>not json</p>' })
    app.get('/problem', function problem() { return [ '{"title":"x"}', 400, { 'Content-Type': 'application/problem+json' } ] })
    app.get('/broken', function broken() { return ['{oops', 200, { 'Content-Type': 'application/json' }] })
    const client = app.testClient()
    const data = { 'x': [1, 2, 3], 'y': { a: 1 } }
    const rv = await client.post('/echo', { json: data })
    expect(rv.isJson).toBe(true)
    expect(rv.getJson()).toEqual(data)
    const html = await client.get('/html')
    expect(html.isJson).toBe(false)
    expect(html.getJson()).toBeNull()
    expect(() => html.getJson({ force: true })).toThrow(SyntaxError)
    expect(html.getJson({ force: true, silent: true })).toBeNull()
    const problem = await client.get('/problem')
    expect([problem.isJson, problem.getJson()]).toEqual([true, { title: 'x' }])
    const broken = await client.get('/broken')
    expect(() => broken.getJson()).toThrow(SyntaxError)
    expect(broken.getJson({ silent: true })).toBeNull()
  })
})

describe('testRequestContext runs teardownRequest hooks', () => {
  it('test_teardown_on_pop: the hook runs once, when the block ends', async () => {
    const app = makeApp()
    const buffer: unknown[] = []
    app.teardownRequest((exc) => { buffer.push(exc) })
    await app.testRequestContext('/', async () => {
      expect(buffer).toEqual([])
    })
    expect(buffer).toEqual([null])
  })

  it('test_teardown_with_previous_exception: the hook sees the error of the block', async () => {
    const app = makeApp()
    const buffer: unknown[] = []
    app.teardownRequest((exc) => { buffer.push((exc as Error | null)?.message ?? null) })
    await expect(app.testRequestContext('/', async () => { throw new Error('dummy') })).rejects.toThrow('dummy')
    expect(buffer).toEqual(['dummy'])
  })

  it("a matched blueprint route's teardown hooks run too, and setup stays open", async () => {
    const app = makeApp()
    const seen: string[] = []
    const bp = new Blueprint('bp', { urlPrefix: '/bp' })
    bp.get('/page', function page() { return 'p' })
    bp.teardownRequest(() => { seen.push('bp') })
    app.teardownRequest(() => { seen.push('app') })
    app.register(bp)
    await app.testRequestContext('/bp/page', async () => { expect(request.endpoint).toBe('bp.page') })
    expect(seen).toEqual(['bp', 'app'])
    // a test context is not a first request: routes may still be added
    expect(() => app.get('/later', function later() { return 'l' })).not.toThrow()
  })
})
