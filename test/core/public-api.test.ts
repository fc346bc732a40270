/**
 * The public API made honest: Blueprint's two constructor forms,
 * `afterThisRequest` with what its type promises, `testRequestContext(path,
 * fn)`, the current context for extensions, and a root export without the
 * internals.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import * as phial from '../../src/index.ts'
import * as signing from 'phial/signing'
import { Blueprint, Phial, Response, afterThisRequest, currentApp, currentContext, request, type Context } from '../../src/index.ts'
import { makeApp } from './helpers.ts'

describe('new Blueprint(name, options?)', () => {
  it('needs no import name for routes, hooks and a URL prefix', async () => {
    const app = makeApp()
    const api = new Blueprint('api', { urlPrefix: '/api' })
    api.get('/ping', function ping() {
      return { pong: request.blueprint }
    })
    const bare = new Blueprint('bare')
    bare.get('/bare', function hello() {
      return 'bare'
    })
    app.register(api)
    app.register(bare)
    const client = app.testClient()
    expect((await client.get('/api/ping')).json).toEqual({ pong: 'api' })
    expect((await client.get('/bare')).text).toBe('bare')
    expect(app.testRequestContext('/', () => app.urlFor('api.ping'))).toBe('/api/ping')
  })

  it("keeps Flask's form and takes the import name from the options", () => {
    const flask = new Blueprint('admin', import.meta.url, { templateFolder: 'templates' })
    const options = new Blueprint('admin2', { importName: import.meta.url, templateFolder: 'templates' })
    expect(flask.rootPath).toBe(options.rootPath)
    expect(flask.rootPath).toMatch(/test[\\/]core$/)
    expect(new Blueprint('r', { rootPath: '/srv/app', staticFolder: 'static' }).staticFolder).toBe('/srv/app/static')
  })

  it('refuses a template or static folder without a root, saying what to pass', () => {
    expect(() => new Blueprint('admin', { templateFolder: 'templates' })).toThrow(
      /'admin' has a templateFolder but nothing to resolve it against: pass import\.meta\.url/,
    )
    expect(() => new Blueprint('files', { staticFolder: 'static' })).toThrow(/staticFolder/)
    const bp = new Blueprint('late')
    expect(() => (bp.staticFolder = 'static')).toThrow(/'late' has a staticFolder/)
    expect(() => bp.rootPath).toThrow(/pass import\.meta\.url/)
  })

  it('never fails with a TypeError from inside when an argument has the wrong type', () => {
    const wrong = (f: () => unknown): string => {
      try {
        f()
      } catch (err) {
        return (err as Error).message
      }
      return 'no error'
    }
    const messages = [
      wrong(() => new Blueprint('x', { urlPrefix: '/x' } as never, {} as never)),
      wrong(() => new Blueprint('x', 42 as never)),
      wrong(() => new Blueprint('x', import.meta.url, 'nope' as never)),
      wrong(() => new Phial({ name: 'x' } as never)),
      wrong(() => new Blueprint('' as never)),
    ]
    for (const message of messages) {
      expect(message).not.toMatch(/is not a function|Cannot read prop/)
      expect(message).not.toBe('no error')
    }
    expect(messages[0]).toMatch(/give the import name first/)
    expect(messages[3]).toMatch(/import name must be a string such as import\.meta\.url \(got object\)/)
  })
})

describe('afterThisRequest', () => {
  it('is called with the response and the context, before the afterRequest hooks', async () => {
    const app = makeApp()
    const seen: string[] = []
    let viewCtx: Context | null = null
    let hookCtx: Context | null = null
    app.afterRequest((response) => {
      seen.push(`afterRequest:${response.headers.get('x-own')}`)
    })
    app.get('/', function index(_args, ctx) {
      viewCtx = ctx
      afterThisRequest((response, c) => {
        hookCtx = c
        seen.push('own')
        response.headers.set('x-own', c.request.path)
      })
      return 'hi'
    })
    const res = await app.testClient().get('/')
    expect(res.headers.get('x-own')).toBe('/')
    expect(hookCtx).not.toBeNull()
    expect(hookCtx).toBe(viewCtx)
    expect(seen).toEqual(['own', 'afterRequest:/'])
  })

  it('may replace the response, also asynchronously, and is held to the afterRequest rule on return values', async () => {
    const app = makeApp()
    app.get('/replace', function replace() {
      afterThisRequest(async () => new Response('replaced', { status: 202 }))
      return 'original'
    })
    app.get('/bad', function bad() {
      afterThisRequest((() => 'a string') as never)
      return 'original'
    })
    const client = app.testClient()
    const replaced = await client.get('/replace')
    expect([replaced.status, replaced.text]).toEqual([202, 'replaced'])
    app.config.PROPAGATE_EXCEPTIONS = false
    expect((await client.get('/bad')).status).toBe(500)
  })
})

describe('testRequestContext', () => {
  it('takes (path, fn) without an empty init, and (path, init, fn)', async () => {
    const app = makeApp()
    app.get('/user/<int:id>', function user({ id }) {
      return { id }
    })
    expect(app.testRequestContext('/user/7?tab=posts', () => [request.endpoint, request.viewArgs, request.args.get('tab')])).toEqual([
      'user',
      { id: 7 },
      'posts',
    ])
    expect(app.testRequestContext('/login', { method: 'POST', form: { name: 'ada' } }, () => request.form.get('name'))).toBe('ada')
    expect(() => app.testRequestContext('/', {} as never)).toThrow(/the last argument must be a function/)
    // it dispatches nothing, so setup is not finished
    expect(app.gotFirstRequest).toBe(false)
  })
})

describe('the current context, for extensions', () => {
  it('currentContext() and ctx.app give the whole app inside a hook', async () => {
    const app = makeApp()
    let fromHook: unknown = null
    app.beforeRequest(() => {
      const ctx = currentContext()
      fromHook = [ctx.app === app, currentApp.name, ctx.request.path]
    })
    app.get('/here', function here() {
      return 'ok'
    })
    await app.testClient().get('/here')
    expect(fromHook).toEqual([true, app.name, '/here'])
    expectTypeOf<Context['app']>().toMatchTypeOf<Phial>()
  })
})

describe('the root export', () => {
  it("keeps Flask's names and leaves out the internals", () => {
    for (const name of ['Phial', 'Blueprint', 'request', 'session', 'g', 'currentApp', 'urlFor', 'abort', 'redirect', 'flash',
      'jsonify', 'makeResponse', 'renderTemplate', 'sendFile', 'afterThisRequest', 'currentContext', 'NotFound', 'HTTPException',
      'SessionInterface', 'SecureCookieSessionInterface', 'NullSession', 'Session', 'toNodeHandler', 'requestStarted', 'Config']) {
      expect(phial, name).toHaveProperty(name)
    }
    for (const name of ['contextStorage', 'Scaffold', 'TemplateRegistry', 'accessLogStart', 'logAccess', 'echoRequestId',
      'LOGGING_DEFAULTS', 'applyTimeouts', 'closeGracefully', 'handleFetch', 'wantsPrettyLogs', 'CommandGroup', 'AppCli',
      'createLogger', 'serve', 'testCliRunner', 'URLSafeTimedSerializer', 'Signer', 'BadSignature']) {
      expect(phial, name).not.toHaveProperty(name)
    }
  })

  it('has the itsdangerous classes at phial/signing', () => {
    for (const name of ['Signer', 'TimestampSigner', 'Serializer', 'TimedSerializer', 'URLSafeSerializer', 'URLSafeTimedSerializer',
      'BadData', 'BadSignature', 'BadTimeSignature', 'SignatureExpired', 'BadPayload']) {
      expect(signing, name).toHaveProperty(name)
    }
  })
})

describe('requestContext(init, fn)', () => {
  it("runs code in a request given as an adapter hands it over (Flask's request_context)", async () => {
    const app = makeApp()
    app.config.SECRET_KEY = 'k'
    let tornDown = false
    app.teardownAppContext(() => {
      tornDown = true
    })
    app.get('/socket', function socket() {
      return 'ws'
    })
    const seen = await app.requestContext(
      { method: 'GET', url: '/socket?room=1', headers: { host: 'example.com' }, remoteAddr: '10.0.0.1' },
      async (ctx) => [ctx.request.endpoint, request.args.get('room'), request.remoteAddr, request.host, ctx.session.get('x') ?? null],
    )
    expect(seen).toEqual(['socket', '1', '10.0.0.1', 'example.com', null])
    expect(tornDown).toBe(true)
  })

  it('runs the teardownRequest hooks of the app and of the matched blueprint on leaving, with the error', async () => {
    const app = makeApp()
    const seen: string[] = []
    app.teardownRequest((err) => {
      seen.push(`app:${err instanceof Error ? err.message : 'none'}`)
    })
    const bp = new Blueprint('chat', import.meta.url)
    bp.teardownRequest(() => {
      seen.push('bp')
    })
    bp.get('/room', function room() {
      return 'room'
    })
    app.register(bp, { urlPrefix: '/chat' })
    await app.requestContext({ method: 'GET', url: '/chat/room', headers: {} }, async () => 'ok')
    expect(seen).toEqual(['bp', 'app:none'])
    seen.length = 0
    await expect(
      app.requestContext({ method: 'GET', url: '/elsewhere', headers: {} }, async () => {
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(seen).toEqual(['app:boom'])
  })
})
