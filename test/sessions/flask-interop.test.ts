/**
 * A Flask 3 app's session cookie, both ways (issue 11 item 6). The
 * fixtures were made by Flask 3.1.3 with fixtures/flask_cookies.py (SECRET_KEY
 * 'dev', time frozen at 1_700_000_000): Phial reads every tagged type back
 * as its JS type, a flashed Markup as Markup; a cookie Phial writes is
 * Flask's byte for byte when uncompressed and sorted, and (when python3 with
 * Flask is on the machine) Flask loads a rich Phial cookie with each type.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Markup, Phial, SecureCookieSessionInterface, UUID, flash, getFlashedMessages, session, sessionJsonSerializer } from 'phial'

const FIXTURES = new URL('./fixtures/', import.meta.url)
const FLASK = JSON.parse(readFileSync(new URL('flask-cookies.json', FIXTURES), 'utf8')) as { rich: string; small: string }
const TS = 1_700_000_000

function flaskCompatibleApp(options: ConstructorParameters<typeof SecureCookieSessionInterface>[0] = {}): Phial {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ SECRET_KEY: 'dev', LOG_LEVEL: 'silent' })
  // Flask's digest; salt 'cookie-session' and hmac derivation are already Flask's
  app.sessionInterface = new SecureCookieSessionInterface({ digestMethod: 'sha1', ...options })
  return app
}

function hasFlask(): boolean {
  try {
    execFileSync('python3', ['-c', 'import flask'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date(TS * 1000))
})
afterEach(() => {
  vi.useRealTimers()
})

describe('a Flask session cookie read by Phial', () => {
  it('gives every tagged type back as its JS type', async () => {
    const app = flaskCompatibleApp()
    let seen: Record<string, unknown> = {}
    app.get('/', function read() {
      for (const key of session.keys()) seen[key] = session.get(key)
      return 'ok'
    })
    const client = app.testClient()
    client.setCookie('session', FLASK.rich)
    await client.get('/')
    expect(Object.keys(seen).sort()).toEqual(['_flashes', 'bytes', 'date', 'looks_tagged', 'markup', 'nested', 'text', 'tuple', 'uuid'])
    expect(seen.bytes).toEqual(Buffer.from([0xff, 0x00, 0x61]))
    expect(seen.date).toEqual(new Date(Date.UTC(2021, 1, 1, 7, 15)))
    expect(seen.markup).toBeInstanceOf(Markup)
    expect(String(seen.markup)).toBe('<b>hi</b>')
    expect(seen.tuple).toEqual([1, 2, 'x'])
    expect(Object.isFrozen(seen.tuple)).toBe(true)
    expect((seen.uuid as UUID).equals(new UUID('12345678-1234-5678-1234-567812345678'))).toBe(true)
    expect(seen.looks_tagged).toEqual({ ' t': 'not a tuple' })
    expect(seen.nested).toEqual({ list: [[1, 2]], n: 1 })
    expect(Object.isFrozen((seen.nested as { list: unknown[] }).list[0])).toBe(true)
    expect(seen.text).toBe('Zoë')
    seen = {}
  })

  it('reads its flashed Markup back as Markup', async () => {
    const app = flaskCompatibleApp()
    app.get('/', function show() {
      const messages = getFlashedMessages({ withCategories: true })
      return { kinds: messages.map(([, m]) => ((m as unknown) instanceof Markup ? 'Markup' : typeof m)), messages: messages.map(([c, m]) => [c, String(m)]) }
    })
    const client = app.testClient()
    client.setCookie('session', FLASK.rich)
    expect((await client.get('/')).json).toEqual({
      kinds: ['Markup', 'string'],
      messages: [['message', '<i>saved</i>'], ['error', 'plain']],
    })
  })
})

describe('a Phial session cookie read by Flask', () => {
  it("is Flask's cookie byte for byte (sorted keys, nothing compressed)", async () => {
    const app = flaskCompatibleApp({ compressThreshold: 0 })
    app.get('/small', function small() {
      session.set('t', Object.freeze([1, 'a']))
      session.set('u', new UUID('c9b1f0d2-4e7a-4f3b-9a61-d85e02b7a3f4'))
      return 'ok'
    })
    const client = app.testClient()
    sessionJsonSerializer.sortKeys = true
    try {
      await client.get('/small')
    } finally {
      sessionJsonSerializer.sortKeys = false
    }
    expect(client.getCookie('session')).toBe(FLASK.small)
  })

  it('a flashed Markup survives a Phial round trip as Markup', async () => {
    const app = flaskCompatibleApp()
    app.get('/flash', function doFlash() { flash(new Markup('<b>Saved</b>')); flash('plain <b>', 'info'); return 'ok' })
    app.get('/show', function show() {
      return getFlashedMessages().map((m) => ((m as unknown) instanceof Markup ? `Markup:${m}` : `str:${m}`)).join('|')
    })
    const client = app.testClient()
    await client.get('/flash')
    expect((await client.get('/show')).text).toBe('Markup:<b>Saved</b>|str:plain <b>')
  })

  it.skipIf(!hasFlask())('loads in Flask with each type (python3 + Flask on this machine)', async () => {
    const app = flaskCompatibleApp()
    app.get('/rich', function rich() {
      session.set('bytes', Buffer.from([0xff, 0]))
      session.set('date', new Date(Date.UTC(2021, 1, 1, 7, 15)))
      session.set('markup', new Markup('<b>hi</b>'))
      session.set('tuple', Object.freeze([1, 'x']))
      session.set('list', [1, 2])
      session.set('uuid', new UUID('c9b1f0d2-4e7a-4f3b-9a61-d85e02b7a3f4'))
      session.set('looks_tagged', { ' u': 'no' })
      flash(new Markup('<i>m</i>'))
      return 'ok'
    })
    const client = app.testClient()
    await client.get('/rich')
    vi.useRealTimers() // Flask checks the age against its own clock: no max age for a browser-session cookie
    const out = execFileSync('python3', [new URL('flask_cookies.py', FIXTURES).pathname, 'describe', client.getCookie('session')!], {
      encoding: 'utf8',
    })
    const described = JSON.parse(out) as Record<string, { type: string; repr?: string; items?: unknown }>
    expect(described.bytes).toEqual({ type: 'bytes', repr: "b'\\xff\\x00'" })
    expect(described.date).toEqual({ type: 'datetime', repr: '2021-02-01T07:15:00+00:00' })
    expect(described.markup).toEqual({ type: 'Markup', repr: '<b>hi</b>' })
    expect(described.tuple!.type).toBe('tuple')
    expect(described.list!.type).toBe('list')
    expect(described.uuid).toEqual({ type: 'UUID', repr: "UUID('c9b1f0d2-4e7a-4f3b-9a61-d85e02b7a3f4')" })
    expect(described.looks_tagged).toEqual({ type: 'dict', items: { ' u': { type: 'str', repr: 'no' } } })
    expect(described._flashes).toEqual({
      type: 'list',
      items: [{ type: 'tuple', items: [{ type: 'str', repr: 'message' }, { type: 'Markup', repr: '<i>m</i>' }] }],
    })
  })
})
