import { describe, expect, it } from 'vitest'
import { Phial, Response, abort, renderTemplateString, session } from 'phial'
import { DEFAULT_CSP_POLICY, Talisman, cspNonce, type TalismanOptions } from 'phial/talisman'

function makeApp(options: TalismanOptions = {}, config: Record<string, unknown> = {}): { app: Phial; talisman: Talisman } {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ SECRET_KEY: 'test', LOG_LEVEL: 'silent', ...config })
  const talisman = new Talisman(app, options)
  app.get('/', function index() {
    return 'home'
  })
  app.post('/submit', function submit() {
    return 'posted'
  })
  app.get('/inline', function inline() {
    return renderTemplateString('<script nonce="{{ csp_nonce() }}">1</script><style nonce="{{ csp_nonce() }}"></style>')
  })
  app.get('/login', function login() {
    session.set('user', 1)
    return 'in'
  })
  app.get('/own-csp', function ownCsp() {
    return new Response('x', { headers: { 'Content-Security-Policy': "default-src 'none'" } })
  })
  app.get('/missing', function missing(): string {
    return abort(404)
  })
  return { app, talisman }
}

const https = { scheme: 'https' as const }

describe('the defaults, over HTTPS', () => {
  it('send every header with its documented value', async () => {
    const { app } = makeApp()
    const res = await app.testClient().get('/', https)
    expect(res.status).toBe(200)
    const h = (name: string) => res.headers.get(name)
    expect(h('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
    expect(h('content-security-policy')).toBe(
      "default-src 'self'; base-uri 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'self'; img-src 'self' data:; " +
        "object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self'; upgrade-insecure-requests",
    )
    expect(h('x-frame-options')).toBe('SAMEORIGIN')
    expect(h('x-content-type-options')).toBe('nosniff')
    expect(h('referrer-policy')).toBe('same-origin')
    expect(h('permissions-policy')).toBe('browsing-topics=(), camera=(), geolocation=(), microphone=(), payment=(), usb=()')
    expect(h('cross-origin-opener-policy')).toBe('same-origin')
    expect(h('cross-origin-resource-policy')).toBe('same-origin')
    expect(h('cross-origin-embedder-policy')).toBeNull()
    expect(h('origin-agent-cluster')).toBe('?1')
    expect(h('x-dns-prefetch-control')).toBe('off')
    expect(h('x-download-options')).toBe('noopen')
    expect(h('x-permitted-cross-domain-policies')).toBe('none')
    expect(h('x-xss-protection')).toBe('0')
    expect(h('document-policy')).toBeNull()
  })

  it('are on error responses too', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    for (const path of ['/missing', '/nowhere']) {
      const res = await client.get(path, https)
      expect(res.status).toBe(404)
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    }
  })

  it('keep a header the view set itself', async () => {
    const res = await makeApp().app.testClient().get('/own-csp', https)
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'")
  })

  it('refuse unknown or malformed options at init', () => {
    expect(() => makeApp({ frameOption: 'DENY' } as never)).toThrow(/Unknown Talisman option "frameOption"/)
    expect(() => makeApp({ frameOptions: 'ALLOW-FROM https://a.test' as never })).toThrow(/frame-ancestors/)
    expect(() => makeApp({ referrerPolicy: 'no-referrer\r\nSet-Cookie: a=1' })).toThrow(/is not a header value/)
    expect(() => makeApp({ strictTransportSecurityMaxAge: -5 })).toThrow(/strictTransportSecurityMaxAge/)
    expect(() => makeApp({ permissionsPolicy: { 'Bad Name': '()' } })).toThrow(/permissionsPolicy/)
    expect(() => makeApp({ referrerPolicy: 'sämé' })).toThrow(/visible ASCII/)
    expect(() => makeApp({ contentSecurityPolicy: { 'img-src': 'https://例え.jp' } })).toThrow(/punycode/)
  })
})

describe('HTTPS redirect', () => {
  it('redirects GET with 302 and POST with 307 to the same URL over https', async () => {
    const client = makeApp().app.testClient()
    const get = await client.get('/?q=1')
    expect(get.status).toBe(302)
    expect(get.headers.get('location')).toBe('https://localhost/?q=1')
    const post = await client.post('/submit', { form: { a: '1' } })
    expect(post.status).toBe(307)
    expect(post.headers.get('location')).toBe('https://localhost/submit')
  })

  it('uses 301/308 when permanent, drops port 80, keeps another port', async () => {
    const client = makeApp({ forceHttpsPermanent: true }).app.testClient()
    const get = await client.get('/', { headers: { Host: 'example.com:80' } })
    expect(get.status).toBe(301)
    expect(get.headers.get('location')).toBe('https://example.com/')
    const post = await client.post('/submit', { headers: { Host: 'example.com:8443' } })
    expect(post.status).toBe(308)
    expect(post.headers.get('location')).toBe('https://example.com:8443/submit')
  })

  it('trusts X-Forwarded-Proto only behind a trusted proxy (TRUST_PROXY)', async () => {
    const spoofed = await makeApp().app.testClient().get('/', { headers: { 'X-Forwarded-Proto': 'https' } })
    expect(spoofed.status).toBe(302)
    expect(spoofed.headers.get('strict-transport-security')).toBeNull()
    const proxied = await makeApp({}, { TRUST_PROXY: 1 }).app.testClient().get('/', { headers: { 'X-Forwarded-Proto': 'https' } })
    expect(proxied.status).toBe(200)
    expect(proxied.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
  })

  it('redirects an unknown path too, which is a 404 once over HTTPS (Flask-Talisman testBadEndpoint)', async () => {
    const client = makeApp().app.testClient()
    expect((await client.get('/bad_endpoint')).status).toBe(302)
    expect((await client.get('/bad_endpoint', https)).status).toBe(404)
  })

  it('is off in DEBUG and with forceHttps: false; HSTS is never sent over HTTP', async () => {
    for (const app of [makeApp({}, { DEBUG: true }).app, makeApp({ forceHttps: false }).app]) {
      const res = await app.testClient().get('/')
      expect(res.status).toBe(200)
      expect(res.headers.get('strict-transport-security')).toBeNull()
      expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests')
    }
  })

  it('a Host that is not a host name is a 400 saying so, not a crash', async () => {
    const res = await makeApp().app.testClient().get('/', { headers: { Host: 'a b<x>' } })
    expect(res.status).toBe(400)
    expect(res.text).toContain('The Host header is not a valid host name.')
  })

  it('a redirect for an untrusted Host is the core 400, not a redirect off-site', async () => {
    const res = await makeApp({}, { TRUSTED_HOSTS: ['example.com'] }).app.testClient().get('/', { headers: { Host: 'evil.test' } })
    expect(res.status).toBe(400)
    expect(res.headers.get('location')).toBeNull()
  })
})

describe('HSTS options', () => {
  it('max-age, includeSubDomains off, preload, or off', async () => {
    const hsts = async (options: TalismanOptions) =>
      (await makeApp(options).app.testClient().get('/', https)).headers.get('strict-transport-security')
    expect(await hsts({ strictTransportSecurityMaxAge: 600, strictTransportSecurityIncludeSubdomains: false })).toBe('max-age=600')
    expect(await hsts({ strictTransportSecurityPreload: true })).toBe('max-age=31536000; includeSubDomains; preload')
    expect(await hsts({ strictTransportSecurity: false })).toBeNull()
  })
})

describe('Content-Security-Policy', () => {
  const csp = async (options: TalismanOptions, path = '/') =>
    (await makeApp({ forceHttps: false, ...options }).app.testClient().get(path)).headers

  it('takes a string or an object (header or camelCase names, string or list sources)', async () => {
    expect((await csp({ contentSecurityPolicy: "default-src 'self';  img-src *" })).get('content-security-policy')).toBe("default-src 'self'; img-src *")
    const object = await csp({ contentSecurityPolicy: { defaultSrc: "'self'", 'img-src': ["'self'", 'https://cdn.test'], upgradeInsecureRequests: [] } })
    expect(object.get('content-security-policy')).toBe("default-src 'self'; img-src 'self' https://cdn.test; upgrade-insecure-requests")
    expect((await csp({ contentSecurityPolicy: null })).get('content-security-policy')).toBeNull()
  })

  it('report-only mode and report URI', async () => {
    const h = await csp({ contentSecurityPolicyReportOnly: true, contentSecurityPolicyReportUri: '/csp-report' })
    expect(h.get('content-security-policy')).toBeNull()
    expect(h.get('content-security-policy-report-only')).toMatch(/; report-uri \/csp-report$/)
    expect((await csp({ contentSecurityPolicy: "default-src 'self'; report-uri /mine", contentSecurityPolicyReportUri: '/other' })).get('content-security-policy')).toBe("default-src 'self'; report-uri /mine")
  })

  it('puts the nonce a page used into script-src and style-src, new for each request', async () => {
    const client = makeApp({ forceHttps: false }).app.testClient()
    const seen = new Set<string>()
    for (let i = 0; i < 3; i++) {
      const res = await client.get('/inline')
      const nonce = /nonce="([^"]+)"/.exec(res.text)![1]!
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/)
      expect(res.text).toBe(`<script nonce="${nonce}">1</script><style nonce="${nonce}"></style>`)
      const header = res.headers.get('content-security-policy')!
      expect(header).toContain(`script-src 'self' 'nonce-${nonce}'`)
      expect(header).toContain(`style-src 'self' 'nonce-${nonce}'`)
      expect(header).not.toContain(`default-src 'self' 'nonce-`)
      seen.add(nonce)
    }
    expect(seen.size).toBe(3)
    expect((await client.get('/')).headers.get('content-security-policy')).not.toContain('nonce-')
  })

  it('nonces go only where contentSecurityPolicyNonceIn says, and cspNonce() works in views', async () => {
    const { app } = makeApp({ forceHttps: false, contentSecurityPolicyNonceIn: ['script-src'] })
    app.get('/code', function code() {
      return `<script nonce="${cspNonce()}"></script>${cspNonce()}`
    })
    const res = await app.testClient().get('/code')
    const nonce = /nonce="([^"]+)"/.exec(res.text)![1]!
    expect(res.text.endsWith(nonce)).toBe(true)
    expect(res.headers.get('content-security-policy')).toContain(`script-src 'self' 'nonce-${nonce}'`)
    expect(res.headers.get('content-security-policy')).toMatch(/style-src 'self'$/)
  })

  it("frame-ancestors follows frameOptions in the default policy", async () => {
    expect((await csp({ frameOptions: 'DENY' })).get('content-security-policy')).toContain("frame-ancestors 'none'")
    const open = await csp({ frameOptions: null })
    expect(open.get('content-security-policy')).not.toContain('frame-ancestors')
    expect(open.get('x-frame-options')).toBeNull()
    expect(DEFAULT_CSP_POLICY['frame-ancestors']).toBe("'self'")
  })

  it('refuses unquoted keywords, separators and control characters, naming the directive', () => {
    expect(() => makeApp({ contentSecurityPolicy: { 'script-src': 'self' } })).toThrow(`"'self'"`)
    expect(() => makeApp({ contentSecurityPolicy: { 'img-src': ['a.test;script-src *'] } })).toThrow(/img-src/)
    expect(() => makeApp({ contentSecurityPolicy: "default-src 'self'\r\nX-Evil: 1" })).toThrow(/control character/)
    expect(() => makeApp({ contentSecurityPolicy: { 'bad directive': "'self'" } })).toThrow(/not valid/)
  })
})

describe('other headers', () => {
  it('frame, referrer, permissions and cross-origin policies take their options or null', async () => {
    const { app } = makeApp({
      forceHttps: false,
      frameOptions: 'DENY',
      referrerPolicy: 'no-referrer',
      permissionsPolicy: 'fullscreen=(self)',
      documentPolicy: { 'force-load-at-top': '?0' },
      crossOriginOpenerPolicy: 'same-origin-allow-popups',
      crossOriginResourcePolicy: 'cross-origin',
      crossOriginEmbedderPolicy: 'require-corp',
      xContentTypeOptions: false,
      xXssProtection: null,
      originAgentCluster: false,
      xDnsPrefetchControl: null,
      forceFileSave: false,
      xPermittedCrossDomainPolicies: null,
    })
    const res = await app.testClient().get('/')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    expect(res.headers.get('permissions-policy')).toBe('fullscreen=(self)')
    expect(res.headers.get('document-policy')).toBe('force-load-at-top=?0')
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin-allow-popups')
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp')
    for (const gone of ['x-content-type-options', 'x-xss-protection', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies']) {
      expect(res.headers.get(gone), gone).toBeNull()
    }
    const none = await makeApp({ forceHttps: false, permissionsPolicy: {}, referrerPolicy: null }).app.testClient().get('/')
    expect(none.headers.get('permissions-policy')).toBeNull()
    expect(none.headers.get('referrer-policy')).toBeNull()
  })
})

describe('session cookie', () => {
  it('is forced Secure, HttpOnly and SameSite=Lax through the config', async () => {
    const { app } = makeApp({}, { SESSION_COOKIE_HTTPONLY: false })
    expect(app.config.SESSION_COOKIE_SECURE).toBe(true)
    expect(app.config.SESSION_COOKIE_HTTPONLY).toBe(true)
    expect(app.config.SESSION_COOKIE_SAMESITE).toBe('Lax')
    const res = await app.testClient().get('/login', https)
    const cookie = res.headers.getSetCookie()[0]!
    expect(cookie).toMatch(/; Secure/)
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Lax/)
  })

  it('is not forced Secure in DEBUG (the dev server is plain HTTP); SameSite follows the option', async () => {
    const { app } = makeApp({ sessionCookieSameSite: 'Strict' }, { DEBUG: true })
    expect(app.config.SESSION_COOKIE_SECURE).toBe(false)
    expect(app.config.SESSION_COOKIE_SAMESITE).toBe('Strict')
    const { app: later } = makeApp({ forceHttps: false })
    later.config.SESSION_COOKIE_SECURE = false
    await later.testClient().get('/')
    expect(later.config.SESSION_COOKIE_SECURE).toBe(true)
  })

  it('is left alone with the options off', () => {
    const { app } = makeApp({ sessionCookieSecure: false, sessionCookieHttpOnly: false }, { SESSION_COOKIE_HTTPONLY: false })
    expect(app.config.SESSION_COOKIE_SECURE).toBe(false)
    expect(app.config.SESSION_COOKIE_HTTPONLY).toBe(false)
  })

  it('one instance serves many apps', () => {
    const talisman = new Talisman(undefined, { frameOptions: 'DENY' })
    const a = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
    const b = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
    talisman.initApp(a)
    talisman.initApp(b, { frameOptions: null })
    expect(a.extensions.talisman).toBe(talisman)
    expect(b.extensions.talisman).toBe(talisman)
  })
})
