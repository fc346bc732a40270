/**
 * Robust teardown and small semantics (issue 11 item 10): every teardown
 * hook and signal receiver runs when one throws, the errors reported
 * together (Flask 3.2's _CollectErrors); g.pop without a default raises;
 * MAX_COOKIE_SIZE warns for any cookie; errorHandler refuses a class that is
 * not an Error. Ports the meaning of Flask's test_basic.py
 * test_teardown_request_handler_error, test_teardown_request_handler_debug_mode
 * (hooks see the original error), test_appctx.py test_app_ctx_globals_methods
 * (g.pop raising KeyError), test_basic.py test_errorhandler_... type check,
 * and Werkzeug's test_wrappers.py / test_http.py cookie size warning.
 */
import { describe, expect, it } from 'vitest'
import { Signal, appcontextTearingDown, g, requestTearingDown } from '../../src/index.ts'
import { makeApp, recordLogs } from '../core/helpers.ts'

describe('teardown runs every hook', () => {
  it('each teardownRequest hook runs with the original error; their errors are logged together', async () => {
    const app = makeApp()
    const lines = recordLogs(app, 'error')
    const called: string[] = []
    app.teardownRequest((exc) => { called.push(`1:${(exc as Error).name}`); throw new TypeError('first') })
    app.teardownRequest((exc) => { called.push(`2:${(exc as Error).name}`); throw new RangeError('second') })
    app.teardownAppContext(() => { called.push('app'); throw new SyntaxError('third') })
    app.get('/boom', function boom() { throw new ReferenceError('view') })
    const rv = await app.testClient().get('/boom')
    expect(rv.status).toBe(500)
    // Flask runs teardown functions in reverse registration order
    expect(called).toEqual(['2:ReferenceError', '1:ReferenceError', 'app'])
    const teardown = lines.filter((l) => l.msg === 'Errors during context teardown')
    expect(teardown).toHaveLength(1)
    const err = (teardown[0] as unknown as { err: { type: string; message: string; aggregateErrors?: unknown[] } }).err
    expect(err.type).toBe('AggregateError')
    expect(err.message).toBe('3 errors during context teardown')
  })

  it('a receiver of a teardown signal that throws does not stop the others, nor the app hooks', async () => {
    const app = makeApp()
    const lines = recordLogs(app, 'error')
    const called: string[] = []
    const off = [
      requestTearingDown.connect(() => { called.push('r1'); throw new Error('r1') }, { sender: app }),
      requestTearingDown.connect(() => { called.push('r2') }, { sender: app }),
      appcontextTearingDown.connect(() => { called.push('a1') }, { sender: app }),
    ]
    try {
      app.teardownAppContext(() => { called.push('hook') })
      app.get('/', function index() { return 'ok' })
      expect((await app.testClient().get('/')).text).toBe('ok')
      expect(called).toEqual(['r1', 'r2', 'hook', 'a1'])
      expect(lines.filter((l) => l.msg === 'Errors during context teardown')).toHaveLength(1)
    } finally {
      for (const f of off) f()
    }
  })
})

describe('Signal.send calls every receiver', () => {
  it('one error is rethrown as itself after the rest ran', () => {
    const s = new Signal<{ n: number }>('s')
    const seen: number[] = []
    s.connect(() => { throw new TypeError('one') })
    s.connect((_sender, { n }) => { seen.push(n) })
    expect(() => s.send(null, { n: 1 })).toThrow(TypeError)
    expect(seen).toEqual([1])
  })

  it('several errors come together as an AggregateError', async () => {
    const s = new Signal('multi')
    s.connect(() => { throw new Error('a') })
    s.connect(() => { throw new Error('b') })
    let caught: unknown
    try { s.send(null) } catch (e) { caught = e }
    expect(caught).toBeInstanceOf(AggregateError)
    expect((caught as AggregateError).errors.map((e: Error) => e.message)).toEqual(['a', 'b'])
    expect((caught as Error).message).toBe("2 receivers of the 'multi' signal failed")
    await expect(s.sendAsync(null)).rejects.toBeInstanceOf(AggregateError)
  })
})

describe('g.pop', () => {
  it("test_app_ctx_globals_methods: pop without a default raises (Flask's KeyError); with one it is returned", async () => {
    const app = makeApp()
    await app.appContext(() => {
      g.foo = 'bar'
      expect(g.pop('foo')).toBe('bar')
      expect(() => g.pop('foo')).toThrow(/g has no attribute 'foo'/)
      expect(g.pop('foo', 'default')).toBe('default')
      expect(g.pop('foo', undefined)).toBeUndefined()
    })
  })
})

describe('MAX_COOKIE_SIZE', () => {
  it('warns for any cookie the response sets, naming it; 0 turns the check off', async () => {
    const app = makeApp()
    const lines = recordLogs(app, 'warn')
    app.config.MAX_COOKIE_SIZE = 100
    app.get('/', function index() { return 'x' })
    app.afterRequest((res) => { res.setCookie('small', 'a'); res.setCookie('prefs', 'x'.repeat(200)); return res })
    const client = app.testClient()
    await client.get('/')
    const warnings = lines.filter((l) => /cookie is too large/.test(l.msg))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.msg).toMatch(/^The 'prefs' cookie is too large: the Set-Cookie value is \d+ bytes but the limit \(MAX_COOKIE_SIZE\) is 100 bytes/)
    app.config.MAX_COOKIE_SIZE = 0
    await client.get('/')
    expect(lines.filter((l) => /cookie is too large/.test(l.msg))).toHaveLength(1)
  })
})

describe('errorHandler', () => {
  it('refuses a class that is not an Error, and a value that is neither a class nor a code', () => {
    const app = makeApp()
    class NotAnError {}
    expect(() => app.errorHandler(NotAnError as never, () => 'x')).toThrow(/'NotAnError' is not a subclass of Error/)
    expect(() => app.errorHandler('oops' as never, () => 'x')).toThrow(/not an error class or an HTTP status code/)
    expect(() => app.errorHandler(Error, () => 'x')).not.toThrow()
    expect(() => app.errorHandler(TypeError, () => 'x')).not.toThrow()
  })
})
