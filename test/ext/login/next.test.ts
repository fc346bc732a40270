import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { isSafeUrl, loginUrl, makeNextParam } from 'phial/login'
import { makeApp } from './app.ts'

const HOST = { host: 'localhost', allowedHosts: [] as string[], requireHttps: false }

const UNSAFE = [
  '//evil.test',
  '//evil.test/path',
  '///evil.test',
  '////evil.test',
  '/\\evil.test',
  '\\\\evil.test',
  '\\/evil.test',
  '/\\/evil.test',
  'https:evil.test',
  'http:evil.test',
  'https:/evil.test',
  'http:\\\\evil.test',
  'https://evil.test',
  'http://evil.test/login',
  'HTTPS://EVIL.TEST',
  'https://localhost@evil.test',
  'https://user:pass@localhost/',
  'https://evil.test#@localhost',
  'https://evil.test\\@localhost',
  '\t//evil.test',
  '/\t/evil.test',
  '/\n/evil.test',
  '\r\n//evil.test',
  ' //evil.test',
  '\u0000//evil.test',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'ftp://localhost/',
  'mailto:a@localhost',
  '',
]

const SAFE = ['/', '/secret', '/secret?tab=2#top', 'secret', '?page=2', 'http://localhost/secret', 'http://LOCALHOST/a', '/%2F%2Fevil.test', '/a//b']

describe('isSafeUrl', () => {
  it.each(UNSAFE)('refuses %j', (url) => {
    expect(isSafeUrl(url, HOST)).toBe(false)
  })

  it.each(SAFE)('accepts %j', (url) => {
    expect(isSafeUrl(url, HOST)).toBe(true)
  })

  it('accepts the allowed hosts, and only https from an https site', () => {
    expect(isSafeUrl('https://auth.example.com/x', { ...HOST, allowedHosts: ['auth.example.com'] })).toBe(true)
    expect(isSafeUrl('http://localhost/x', { ...HOST, requireHttps: true })).toBe(false)
    expect(isSafeUrl('https://localhost/x', { ...HOST, requireHttps: true })).toBe(true)
    expect(isSafeUrl(42, HOST)).toBe(false)
  })

  it('never accepts a URL that a browser resolves to another host', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (tail) => {
        const url = `/${tail}`
        if (!isSafeUrl(url, HOST)) return true
        // what a browser does with it: strip tabs/newlines, treat \ as /, resolve against this page
        const browser = new URL(url.replace(/[\t\n\r]/g, ''), 'http://localhost/page')
        return browser.host === 'localhost'
      }),
      { numRuns: 2000 },
    )
  })
})

describe('next through HTTP', () => {
  it.each(UNSAFE.filter((u) => u !== ''))('a login with next=%j goes home', async (next) => {
    const { app } = makeApp()
    const res = await app.testClient().post('/login', { query: { next }, form: { id: '1' } })
    expect(res.status).toBe(302)
    expect(res.location).toBe('/')
  })

  it('a login with a safe next goes there (query string or form field)', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    expect((await client.post('/login', { query: { next: '/secret?tab=2' }, form: { id: '1' } })).location).toBe('/secret?tab=2')
    expect((await client.post('/login', { form: { id: '1', next: '/username' } })).location).toBe('/username')
  })

  it('the whole round trip: refused page, login, back to the page', async () => {
    const { app, login } = makeApp()
    app.get('/signin', function signin() {
      return 'form'
    })
    login.loginView = 'signin'
    const client = app.testClient()
    const refused = await client.get('/secret')
    const next = new URL(refused.location!, 'http://localhost').searchParams.get('next')!
    const res = await client.post('/login', { query: { next }, form: { id: '2' } })
    expect(res.location).toBe('/secret')
    expect((await client.get(res.location!)).text).toBe('secret for Steve')
  })
})

describe('loginUrl and makeNextParam', () => {
  it('reduce the next URL to a path on the same host', async () => {
    const { app } = makeApp()
    app.get('/signin', function signin() {
      return [loginUrl('signin', 'http://localhost/secret?x=1'), loginUrl('https://sso.example.com/login?app=1', 'http://localhost/a')].join('\n')
    })
    const [local, sso] = (await app.testClient().get('/signin')).text.split('\n')
    expect(local).toBe('/signin?next=%2Fsecret%3Fx%3D1')
    expect(sso).toBe('https://sso.example.com/login?app=1&next=http%3A%2F%2Flocalhost%2Fa')
    expect(makeNextParam('/login', 'http://localhost/secret')).toBe('/secret')
  })

  it('put FORCE_HOST_FOR_REDIRECTS in the login URL', async () => {
    const { app, login } = makeApp({ config: { FORCE_HOST_FOR_REDIRECTS: 'myexample.com' } })
    login.loginView = '/signin'
    const res = await app.testClient().get('/secret')
    expect(res.location).toBe('http://myexample.com/signin?next=%2Fsecret')
  })
})
