import { afterEach, describe, expect, it, vi } from 'vitest'
import { Blueprint, Phial, g, renderTemplateString, request } from '../../src/index.ts'
import { CSRFError, CSRFProtect, generateCsrf, validateCsrf } from '../../src/ext/csrf/index.ts'

function makeApp(config: Record<string, unknown> = {}): { app: Phial; csrf: CSRFProtect } {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ SECRET_KEY: 'test-secret', LOG_LEVEL: 'silent', ...config })
  const csrf = new CSRFProtect(app)
  app.get('/form', function form() {
    return generateCsrf()
  })
  app.post('/submit', function submit() {
    return { ok: true, valid: g.get('csrf_valid', false) }
  })
  app.route('/items', { methods: ['GET', 'PUT', 'PATCH', 'DELETE'] }, function items() {
    return { method: request.method }
  })
  return { app, csrf }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('CSRFProtect setup', () => {
  it('stores itself in app.extensions and sets the config defaults', () => {
    const { app, csrf } = makeApp()
    expect(app.extensions.csrf).toBe(csrf)
    expect(app.config.WTF_CSRF_ENABLED).toBe(true)
    expect(app.config.WTF_CSRF_CHECK_DEFAULT).toBe(true)
    expect(app.config.WTF_CSRF_SECRET_KEY).toBeNull()
    expect(app.config.WTF_CSRF_METHODS).toEqual(['POST', 'PUT', 'PATCH', 'DELETE'])
    expect(app.config.WTF_CSRF_FIELD_NAME).toBe('csrf_token')
    expect(app.config.WTF_CSRF_HEADERS).toEqual(['X-CSRFToken', 'X-CSRF-Token'])
    expect(app.config.WTF_CSRF_TIME_LIMIT).toBe(3600)
    expect(app.config.WTF_CSRF_SSL_STRICT).toBe(true)
  })

  it('keeps config values set before initApp, and one instance serves two apps', () => {
    const csrf = new CSRFProtect()
    const a = new Phial(import.meta.url, { staticFolder: null })
    const b = new Phial(import.meta.url, { staticFolder: null })
    a.config.WTF_CSRF_TIME_LIMIT = null
    csrf.initApp(a)
    csrf.initApp(b)
    expect(a.config.WTF_CSRF_TIME_LIMIT).toBeNull()
    expect(b.config.WTF_CSRF_TIME_LIMIT).toBe(3600)
    expect(a.extensions.csrf).toBe(csrf)
    expect(b.extensions.csrf).toBe(csrf)
  })
})

describe('the automatic check', () => {
  it('refuses a POST without a token: 400 "The CSRF token is missing."', async () => {
    const { app } = makeApp()
    const res = await app.testClient().post('/submit', { form: { name: 'x' } })
    expect(res.status).toBe(400)
    expect(res.text).toContain('The CSRF token is missing.')
  })

  it('answers a JSON client with the reason as JSON', async () => {
    const { app } = makeApp()
    const res = await app.testClient().post('/submit', { json: { a: 1 }, headers: { accept: 'application/json' } })
    expect(res.status).toBe(400)
    expect(res.json).toEqual({ code: 400, name: 'Bad Request', description: 'The CSRF token is missing.' })
  })

  it('checks PUT, PATCH and DELETE too', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    for (const method of ['put', 'patch', 'delete'] as const) {
      const res = await client[method]('/items')
      expect(res.status, method).toBe(400)
    }
  })

  it('accepts the token of a rendered form, and sets g.csrf_valid', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    const token = (await client.get('/form')).text
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    const res = await client.post('/submit', { form: { csrf_token: token, name: 'x' } })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ ok: true, valid: true })
  })

  it('accepts a field whose name ends with the field name (prefixed forms)', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    const token = (await client.get('/form')).text
    const res = await client.post('/submit', { form: { 'login-csrf_token': token } })
    expect(res.status).toBe(200)
  })

  it('accepts the token in X-CSRFToken or X-CSRF-Token (fetch calls)', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    const token = (await client.get('/form')).text
    const a = await client.post('/submit', { json: { a: 1 }, headers: { 'X-CSRFToken': token } })
    expect(a.status).toBe(200)
    const b = await client.delete('/items', { headers: { 'X-CSRF-Token': token } })
    expect(b.status).toBe(200)
    expect(b.json).toEqual({ method: 'DELETE' })
  })

  it('reuses one token within a request and keeps the session secret across requests', async () => {
    const { app } = makeApp()
    app.get('/twice', function twice() {
      return [generateCsrf(), generateCsrf()]
    })
    const client = app.testClient()
    const [first, second] = (await client.get('/twice')).json as string[]
    expect(first).toBe(second)
    const cookie = client.getCookie('session')
    expect(cookie).toBeDefined()
    // The next request reuses the session's secret: no new cookie is set.
    const again = await client.get('/form')
    expect(again.headers.getSetCookie()).toEqual([])
    expect((await client.post('/submit', { form: { csrf_token: first! } })).status).toBe(200)
  })

  it('says "The CSRF session token is missing." when the session has no secret', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    const token = (await client.get('/form')).text
    client.deleteCookie('session')
    const res = await client.post('/submit', { form: { csrf_token: token } })
    expect(res.status).toBe(400)
    expect(res.text).toContain('The CSRF session token is missing.')
  })

  it('says "The CSRF token is invalid." for a tampered or foreign-key token', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    const token = (await client.get('/form')).text
    const tampered = await client.post('/submit', { form: { csrf_token: token.slice(0, -2) + 'xx' } })
    expect(tampered.status).toBe(400)
    expect(tampered.text).toContain('The CSRF token is invalid.')
    const garbage = await client.post('/submit', { form: { csrf_token: 'not-a-token' } })
    expect(garbage.text).toContain('The CSRF token is invalid.')

    const other = makeApp({ SECRET_KEY: 'another-secret' }).app
    const foreign = (await other.testClient().get('/form')).text
    const res = await client.post('/submit', { form: { csrf_token: foreign } })
    expect(res.text).toContain('The CSRF token is invalid.')
  })

  it('says "The CSRF tokens do not match." for a token of another session', async () => {
    const { app } = makeApp()
    const alice = app.testClient()
    const mallory = app.testClient()
    await alice.get('/form')
    const stolen = (await mallory.get('/form')).text
    const res = await alice.post('/submit', { form: { csrf_token: stolen } })
    expect(res.status).toBe(400)
    expect(res.text).toContain('The CSRF tokens do not match.')
  })

  it('says "The CSRF token has expired." after WTF_CSRF_TIME_LIMIT', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'))
    const { app } = makeApp({ WTF_CSRF_TIME_LIMIT: 60 })
    const client = app.testClient()
    const token = (await client.get('/form')).text
    vi.setSystemTime(new Date('2025-01-01T00:00:59Z'))
    expect((await client.post('/submit', { form: { csrf_token: token } })).status).toBe(200)
    vi.setSystemTime(new Date('2025-01-01T00:01:02Z'))
    const res = await client.post('/submit', { form: { csrf_token: token } })
    expect(res.status).toBe(400)
    expect(res.text).toContain('The CSRF token has expired.')
  })

  it('has no time limit with WTF_CSRF_TIME_LIMIT = null', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'))
    const { app } = makeApp({ WTF_CSRF_TIME_LIMIT: null })
    const client = app.testClient()
    const token = (await client.get('/form')).text
    // 20 days later: far past the default hour, still inside the session's 31 days
    vi.setSystemTime(new Date('2025-01-21T00:00:00Z'))
    expect((await client.post('/submit', { form: { csrf_token: token } })).status).toBe(200)
  })

  it('never checks GET, HEAD or OPTIONS', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    expect((await client.get('/items')).status).toBe(200)
    expect((await client.head('/items')).status).toBe(200)
    expect((await client.options('/submit')).status).toBe(200)
  })

  it('leaves 404 and 405 alone', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    expect((await client.post('/nowhere')).status).toBe(404)
    expect((await client.post('/form')).status).toBe(405)
  })

  it('uses WTF_CSRF_FIELD_NAME, WTF_CSRF_HEADERS, WTF_CSRF_METHODS and WTF_CSRF_SECRET_KEY', async () => {
    const { app } = makeApp({
      WTF_CSRF_FIELD_NAME: '_csrf',
      WTF_CSRF_HEADERS: ['X-XSRF-Token'],
      WTF_CSRF_METHODS: ['POST'],
      WTF_CSRF_SECRET_KEY: 'csrf-only-key',
    })
    const client = app.testClient()
    const token = (await client.get('/form')).text
    expect((await client.post('/submit', { form: { _csrf: token } })).status).toBe(200)
    expect((await client.post('/submit', { form: { csrf_token: token } })).status).toBe(400)
    expect((await client.post('/submit', { headers: { 'x-xsrf-token': token } })).status).toBe(200)
    expect((await client.post('/submit', { headers: { 'X-CSRFToken': token } })).status).toBe(400)
    expect((await client.put('/items')).status).toBe(200)
  })
})

describe('exemptions', () => {
  it('exempts a view function, an endpoint name and a blueprint (with its nested ones)', async () => {
    const { app, csrf } = makeApp()
    app.post('/hook', csrf.exempt(function hook() { return 'hooked' }))
    app.post('/by-name', function byName() { return 'named' })
    csrf.exempt('byName')
    const api = new Blueprint('api', import.meta.url, { urlPrefix: '/api' })
    api.post('/ping', function ping() { return { pong: true } })
    const v1 = new Blueprint('v1', import.meta.url, { urlPrefix: '/v1' })
    v1.post('/ping', function ping() { return { v1: true } })
    api.register(v1)
    csrf.exempt(api)
    const other = new Blueprint('other', import.meta.url, { urlPrefix: '/other' })
    other.post('/ping', function ping() { return 'other' })
    app.register(api)
    app.register(other)
    const client = app.testClient()
    expect((await client.post('/hook')).text).toBe('hooked')
    expect((await client.post('/by-name')).text).toBe('named')
    expect((await client.post('/api/ping')).json).toEqual({ pong: true })
    expect((await client.post('/api/v1/ping')).json).toEqual({ v1: true })
    expect((await client.post('/other/ping')).status).toBe(400)
    expect((await client.post('/submit')).status).toBe(400)
  })

  it('refuses anything else', () => {
    const { csrf } = makeApp()
    expect(() => csrf.exempt(42 as never)).toThrow(TypeError)
  })
})

describe('switches', () => {
  it('WTF_CSRF_ENABLED = false disables checks (tests)', async () => {
    const { app, csrf } = makeApp({ WTF_CSRF_ENABLED: false })
    app.post('/manual', function manual() {
      csrf.protect()
      return 'ok'
    })
    const client = app.testClient()
    expect((await client.post('/submit', { form: { a: '1' } })).status).toBe(200)
    expect((await client.post('/manual')).text).toBe('ok')
  })

  it('WTF_CSRF_CHECK_DEFAULT = false leaves checking to csrf.protect()', async () => {
    const { app, csrf } = makeApp({ WTF_CSRF_CHECK_DEFAULT: false })
    app.post('/manual', function manual() {
      csrf.protect()
      return 'protected'
    })
    const client = app.testClient()
    expect((await client.post('/submit')).status).toBe(200)
    const refused = await client.post('/manual')
    expect(refused.status).toBe(400)
    expect(refused.text).toContain('The CSRF token is missing.')
    const token = (await client.get('/form')).text
    expect((await client.post('/manual', { form: { csrf_token: token } })).text).toBe('protected')
  })

  it('protect() needs initApp', async () => {
    const app = new Phial(import.meta.url, { staticFolder: null })
    app.config.fromMapping({ SECRET_KEY: 'k', LOG_LEVEL: 'silent' })
    const csrf = new CSRFProtect()
    app.post('/x', function x() {
      csrf.protect()
      return 'no'
    })
    app.errorHandler(Error, (e) => [(e as Error).message, 500])
    const res = await app.testClient().post('/x')
    expect(res.text).toMatch(/csrf\.initApp\(app\)/)
  })

  it('a missing SECRET_KEY is a clear error', async () => {
    const { app } = makeApp({ SECRET_KEY: null })
    app.errorHandler(Error, (e) => [(e as Error).message, 500])
    const res = await app.testClient().get('/form')
    expect(res.status).toBe(500)
    expect(res.text).toContain('A secret key is required to use CSRF protection')
  })
})

describe('HTTPS referrer checks', () => {
  async function secureSetup(config: Record<string, unknown> = {}) {
    const { app } = makeApp(config)
    const client = app.testClient()
    const token = (await client.get('/form', { scheme: 'https' })).text
    return { client, token }
  }

  it('requires a Referer over HTTPS', async () => {
    const { client, token } = await secureSetup()
    const res = await client.post('/submit', { scheme: 'https', form: { csrf_token: token } })
    expect(res.status).toBe(400)
    expect(res.text).toContain('The referrer header is missing.')
  })

  it('refuses a Referer of another host, scheme or port', async () => {
    const { client, token } = await secureSetup()
    for (const referer of ['https://evil.example/form', 'http://localhost/form', 'https://localhost:8443/form', 'nonsense']) {
      const res = await client.post('/submit', { scheme: 'https', form: { csrf_token: token }, headers: { referer } })
      expect(res.status, referer).toBe(400)
      expect(res.text).toContain('The referrer does not match the host.')
    }
  })

  it('accepts a same-host Referer, or an Origin when there is no Referer', async () => {
    const { client, token } = await secureSetup()
    const a = await client.post('/submit', { scheme: 'https', form: { csrf_token: token }, headers: { referer: 'https://localhost/form?x=1' } })
    expect(a.status).toBe(200)
    const b = await client.post('/submit', { scheme: 'https', form: { csrf_token: token }, headers: { origin: 'https://localhost' } })
    expect(b.status).toBe(200)
    const c = await client.post('/submit', { scheme: 'https', form: { csrf_token: token }, headers: { origin: 'https://evil.example' } })
    expect(c.text).toContain('The referrer does not match the host.')
  })

  it('checks the token first, and skips the referrer with WTF_CSRF_SSL_STRICT = false', async () => {
    const strict = await secureSetup()
    const missing = await strict.client.post('/submit', { scheme: 'https' })
    expect(missing.text).toContain('The CSRF token is missing.')
    const lax = await secureSetup({ WTF_CSRF_SSL_STRICT: false })
    expect((await lax.client.post('/submit', { scheme: 'https', form: { csrf_token: lax.token } })).status).toBe(200)
  })

  it('does not check the referrer over plain HTTP', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    const token = (await client.get('/form')).text
    expect((await client.post('/submit', { form: { csrf_token: token } })).status).toBe(200)
  })
})

describe('error handling', () => {
  it('CSRFError is a 400 BadRequest an errorHandler can turn into a custom page', async () => {
    const { app } = makeApp()
    app.errorHandler(CSRFError, (e) => [`<h1>Session expired</h1><p>${e.description}</p>`, 400])
    const res = await app.testClient().post('/submit')
    expect(res.status).toBe(400)
    expect(res.text).toBe('<h1>Session expired</h1><p>The CSRF token is missing.</p>')
    const err = new CSRFError('x')
    expect(err.code).toBe(400)
    expect(new CSRFError().description).toBe('CSRF validation failed.')
  })

  it('a 400 handler sees it too', async () => {
    const { app } = makeApp()
    app.errorHandler(400, (e) => [`bad: ${(e as CSRFError).description}`, 400])
    expect((await app.testClient().post('/submit')).text).toBe('bad: The CSRF token is missing.')
  })
})

describe('generateCsrf / validateCsrf in code', () => {
  it('validateCsrf throws CSRFError with the reason', async () => {
    const { app } = makeApp({ WTF_CSRF_CHECK_DEFAULT: false })
    app.post('/check', function check() {
      try {
        validateCsrf(request.form.get('t'))
        return 'valid'
      } catch (e) {
        return e instanceof CSRFError ? e.description : 'other'
      }
    })
    const client = app.testClient()
    expect((await client.post('/check')).text).toBe('The CSRF token is missing.')
    expect((await client.post('/check', { form: { t: 'x' } })).text).toBe('The CSRF session token is missing.')
    const token = (await client.get('/form')).text
    expect((await client.post('/check', { form: { t: token } })).text).toBe('valid')
  })

  it("accepts a token in itsdangerous' format (Flask-WTF's, with a SHA-256 digest)", async () => {
    // Python: URLSafeTimedSerializer('test-secret', salt='wtf-csrf-token',
    //   signer_kwargs={'digest_method': hashlib.sha256}).dumps(secret) at t=1_700_000_000
    const secret = '0123456789abcdef0123456789abcdef01234567'
    const flaskToken = '.eJxTMjA0MjYxNTO3sExMSk5JTcPFVwIA4koKpQ.ZVPxAA.Qwd04yiwZ7zo3MRxXmI5w4VvuptEtaLwmqW4xugx9eY'
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(1_700_000_000_000 + 60_000)
    const { app } = makeApp()
    const client = app.testClient()
    await client.sessionTransaction((session) => {
      session.set('csrf_token', secret)
    })
    expect((await client.post('/submit', { form: { csrf_token: flaskToken } })).status).toBe(200)
  })

  it('generateCsrf outside a request explains what to do', () => {
    expect(() => generateCsrf()).toThrow(/outside of application context/)
  })
})

describe('templates', () => {
  it('csrf_token() renders the token a form posts back', async () => {
    const { app } = makeApp()
    app.get('/tpl', function tpl() {
      return renderTemplateString('<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form>{{ csrf_token() }}')
    })
    const client = app.testClient()
    const html = (await client.get('/tpl')).text
    const match = /value="([^"]+)"><\/form>(.+)$/.exec(html)
    expect(match).not.toBeNull()
    expect(match![1]).toBe(match![2])
    expect((await client.post('/submit', { form: { csrf_token: match![1]! } })).status).toBe(200)
  })
})
