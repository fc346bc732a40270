/**
 * The session cookie's tagged JSON through the app (issue 11 item 6): types
 * kept across requests, cookies of earlier Phial releases still read, small
 * sessions not compressed (issue 12's session speed), large ones compressed.
 */
import { describe, expect, it } from 'vitest'
import { JSONTag, Markup, Phial, SESSION_COMPRESS_THRESHOLD, UUID, session, sessionJsonSerializer } from 'phial'
import { URLSafeTimedSerializer } from 'phial/signing'

function app(): Phial {
  const a = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  a.config.fromMapping({ SECRET_KEY: 'test-secret', LOG_LEVEL: 'silent' })
  return a
}

const payloadOf = (cookie: string): string => cookie.split('.').slice(0, -2).join('.')

describe('the tagged session cookie', () => {
  it('keeps dates, bytes, Markup, tuples and UUIDs across requests', async () => {
    const a = app()
    const id = UUID.random()
    a.get('/set', function set() {
      session.set('when', new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))
      session.set('raw', new Uint8Array([1, 2, 255]))
      session.set('html', new Markup('<em>x</em>'))
      session.set('pair', Object.freeze(['a', 1]))
      session.set('id', id)
      return 'ok'
    })
    a.get('/get', function get() {
      const when = session.get('when') as Date
      const raw = session.get('raw') as Buffer
      return {
        when: when instanceof Date ? when.toISOString() : 'not a Date',
        raw: Buffer.isBuffer(raw) ? [...raw] : 'not bytes',
        html: session.get('html') instanceof Markup,
        pair: Object.isFrozen(session.get('pair')),
        id: (session.get('id') as UUID).equals(id),
      }
    })
    const c = a.testClient()
    await c.get('/set')
    expect((await c.get('/get')).json).toEqual({ when: '2024-01-02T03:04:05.000Z', raw: [1, 2, 255], html: true, pair: true, id: true })
  })

  it('reads a cookie written by an earlier Phial (plain JSON, SHA-256): stored data is unchanged', async () => {
    const old = new URLSafeTimedSerializer('test-secret', { salt: 'cookie-session', signerOptions: { keyDerivation: 'hmac', digestMethod: 'sha256' } })
    const a = app()
    a.get('/', function read() { return { user: session.get('user') ?? null, flashes: session.get('_flashes') ?? null } })
    const c = a.testClient()
    c.setCookie('session', old.dumps({ user: 'ada', _flashes: [['message', 'hi']] }))
    expect((await c.get('/')).json).toEqual({ user: 'ada', flashes: [['message', 'hi']] })
  })

  it(`does not compress a session under ${SESSION_COMPRESS_THRESHOLD} bytes of JSON; compresses a large one when shorter`, async () => {
    const a = app()
    a.get('/small', function small() { session.set('n', 'a'.repeat(100)); return 'ok' })
    a.get('/large', function large() { session.set('n', 'a'.repeat(400)); return 'ok' })
    const c = a.testClient()
    await c.get('/small')
    expect(payloadOf(c.getCookie('session')!).startsWith('.')).toBe(false)
    await c.get('/large')
    const large = c.getCookie('session')!
    expect(payloadOf(large).startsWith('.')).toBe(true)
    expect(large.length).toBeLessThan(200)
  })

  it('takes custom tags registered on sessionJsonSerializer', async () => {
    class Money {
      constructor(readonly cents: number) {}
    }
    class TagMoney extends JSONTag {
      override key = ' money'
      override check(value: unknown) { return value instanceof Money }
      override toJson(value: Money) { return value.cents }
      override toValue(value: unknown) { return new Money(Number(value)) }
    }
    if (!sessionJsonSerializer.tags.has(' money')) sessionJsonSerializer.register(TagMoney, { index: 0 })
    const a = app()
    a.get('/set', function set() { session.set('total', new Money(1250)); return 'ok' })
    a.get('/get', function get() { const t = session.get('total'); return { money: t instanceof Money, cents: (t as Money).cents } })
    const c = a.testClient()
    await c.get('/set')
    expect((await c.get('/get')).json).toEqual({ money: true, cents: 1250 })
  })

  it('a tampered or non-object cookie is an empty session, not an error', async () => {
    const a = app()
    a.get('/', function read() { return { size: session.size } })
    const tuple = new URLSafeTimedSerializer('test-secret', {
      salt: 'cookie-session',
      serializer: sessionJsonSerializer,
      signerOptions: { keyDerivation: 'hmac', digestMethod: 'sha256' },
    }).dumps(Object.freeze([1, 2]) as never)
    for (const value of [tuple, 'garbage', `${tuple}x`]) {
      const c = a.testClient()
      c.setCookie('session', value)
      const res = await c.get('/')
      expect(res.status).toBe(200)
      expect(res.json).toEqual({ size: 0 })
    }
  })
})

describe("the session's Set-Cookie header", () => {
  it('is what response.setCookie writes, for browser-session and permanent cookies and every option', async () => {
    const { Response } = await import('phial')
    const a = app()
    a.config.fromMapping({ SESSION_COOKIE_DOMAIN: 'example.com', SESSION_COOKIE_SECURE: true, SESSION_COOKIE_SAMESITE: 'Lax', SESSION_COOKIE_PARTITIONED: true, SESSION_COOKIE_NAME: 'sid' })
    a.get('/plain', function plain() { session.set('a', 1); return 'ok' })
    a.get('/permanent', function permanent() { session.permanent = true; session.set('a', 1); return 'ok' })
    for (const path of ['/plain', '/permanent', '/plain']) {
      const res = await a.testClient().get(path)
      const header = res.headers.getSetCookie()[0]!
      const value = header.slice('sid='.length, header.indexOf(';'))
      const options = a.sessionInterface.cookieOptions(a)
      const expires = /Expires=([^;]+)/.exec(header)?.[1]
      const expected = new Response('').setCookie('sid', value, { ...options, expires: expires ? new Date(expires) : undefined })
      expect(header).toBe(expected.headers.getSetCookie()[0])
      expect(header.includes('Expires=')).toBe(path === '/permanent')
    }
    a.config.SESSION_COOKIE_PATH = '/app'
    expect((await a.testClient().get('/plain')).headers.getSetCookie()[0]).toMatch(/; Path=\/app;/)
  })
})
