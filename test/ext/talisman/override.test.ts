import { describe, expect, it } from 'vitest'
import { Blueprint, Phial } from 'phial'
import { Talisman } from 'phial/talisman'

function makeApp(): Phial {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ LOG_LEVEL: 'silent' })
  const talisman = new Talisman(app)
  app.get('/', function index() {
    return 'home'
  })
  app.get('/embed', talisman.override({ frameOptions: null, contentSecurityPolicy: { 'default-src': "'self'", 'frame-ancestors': 'https://partner.test' } })(function embed() {
    return 'embeddable'
  }))
  app.get('/nocsp', talisman.override({ contentSecurityPolicy: null })(function nocsp() {
    return 'no csp'
  }))
  app.get('/healthz', talisman.override({ forceHttps: false })(function healthz() {
    return 'ok'
  }))
  const bp = new Blueprint('api', import.meta.url, { urlPrefix: '/api' })
  bp.get('/doc', talisman.override({ crossOriginResourcePolicy: 'cross-origin', referrerPolicy: 'no-referrer' })(function doc() {
    return {}
  }))
  app.register(bp)
  return app
}

describe('talisman.override(options)(view)', () => {
  const app = makeApp()
  const client = app.testClient()

  it('changes the headers of that view only, and keeps its endpoint name', async () => {
    const embed = await client.get('/embed', { scheme: 'https' })
    expect(embed.headers.get('x-frame-options')).toBeNull()
    expect(embed.headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors https://partner.test")
    expect(embed.headers.get('strict-transport-security')).not.toBeNull()
    const home = await client.get('/', { scheme: 'https' })
    expect(home.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect(app.viewFunctions.embed).toBeDefined()
    const doc = await client.get('/api/doc', { scheme: 'https' })
    expect(doc.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
    expect(doc.headers.get('referrer-policy')).toBe('no-referrer')
  })

  it('can drop the CSP of one view and keep the other headers', async () => {
    const res = await client.get('/nocsp', { scheme: 'https' })
    expect(res.headers.get('content-security-policy')).toBeNull()
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
  })

  it('can turn the HTTPS redirect off for one view', async () => {
    expect((await client.get('/healthz')).status).toBe(200)
    expect((await client.get('/')).status).toBe(302)
  })

  it('refuses a bad override where it is written', () => {
    const talisman = new Talisman()
    expect(() => talisman.override({ contentSecurityPolicy: { 'script-src': 'unsafe-inline' } })).toThrow(/single quotes/)
  })
})
