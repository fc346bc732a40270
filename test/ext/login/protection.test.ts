import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sessionIdentifier, sessionProtected, userAccessed } from 'phial/login'
import { makeApp } from './app.ts'

describe('session protection', () => {
  it('basic: the same client keeps a fresh login', async () => {
    const { app } = makeApp({ config: { SESSION_PROTECTION: 'basic' } })
    const client = app.testClient()
    await client.get('/login-1?remember=1')
    expect((await client.get('/username')).text).toBe('Notch')
    expect((await client.get('/is-fresh')).text).toBe('true')
  })

  it('strong: the same client keeps its login', async () => {
    const { app } = makeApp({ config: { SESSION_PROTECTION: 'strong' } })
    const client = app.testClient()
    await client.get('/login-1?remember=1')
    expect((await client.get('/username')).text).toBe('Notch')
    expect((await client.get('/is-fresh')).text).toBe('true')
  })

  it('basic: another browser keeps the login but not its freshness, and the signal is sent', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    await client.get('/login-1')
    let heard = 0
    const res = await sessionProtected.connectedTo(() => heard++, { sender: app }, () => client.get('/username', { headers: { 'User-Agent': 'different' } }))
    expect(res.text).toBe('Notch')
    expect(heard).toBe(1)
    expect((await client.get('/is-fresh')).text).toBe('false')
  })

  it('strong: another address loses the login, other session data stays', async () => {
    const { app } = makeApp({ config: { SESSION_PROTECTION: 'strong' } })
    const client = app.testClient()
    await client.sessionTransaction((s) => {
      s.set('foo', 'bar')
    })
    await client.get('/login-1?remember=1', { remoteAddr: '10.1.1.1' })
    expect((await client.get('/username', { remoteAddr: '10.1.1.1' })).text).toBe('Notch')
    const stolen = await client.get('/username', { remoteAddr: '10.9.9.9' })
    expect(stolen.text).toBe('Anonymous')
    // the remember-me cookie goes too, or it would log the thief back in
    expect(client.getCookie('remember_token')).toBeUndefined()
    expect((await client.get('/session-keys')).json.keys).toEqual(['foo'])
  })

  it('strong: X-Forwarded-For counts only behind a trusted proxy', async () => {
    const direct = makeApp({ config: { SESSION_PROTECTION: 'strong' } })
    const c1 = direct.app.testClient()
    await c1.get('/login-1', { headers: { 'X-Forwarded-For': '10.1.1.1' } })
    // a forged header changes nothing: the address is the socket's
    expect((await c1.get('/username', { headers: { 'X-Forwarded-For': '10.1.1.1, 10.1.1.2' } })).text).toBe('Notch')
    const proxied = makeApp({ config: { SESSION_PROTECTION: 'strong', TRUST_PROXY: 1 } })
    const c2 = proxied.app.testClient()
    await c2.get('/login-1', { headers: { 'X-Forwarded-For': '10.1.1.1' } })
    expect((await c2.get('/username', { headers: { 'X-Forwarded-For': '10.1.1.1' } })).text).toBe('Notch')
    expect((await c2.get('/username', { headers: { 'X-Forwarded-For': '10.1.1.2' } })).text).toBe('Anonymous')
  })

  it('strong with a permanent session only marks it not fresh', async () => {
    const { app } = makeApp({ config: { SESSION_PROTECTION: 'strong' } })
    app.get('/login-permanent', async function loginPermanent() {
      const { loginUser } = await import('phial/login')
      const { session } = await import('phial')
      session.permanent = true
      await loginUser({ id: 1, name: 'Notch' })
      return 'ok'
    })
    const client = app.testClient()
    await client.get('/login-permanent')
    expect((await client.get('/username', { headers: { 'User-Agent': 'different' } })).text).toBe('Notch')
    expect((await client.get('/is-fresh')).text).toBe('false')
  })

  it('leaves anonymous visitors alone: no signal, no session written, no user lookup without a reason', async () => {
    const { app } = makeApp({ config: { SESSION_PROTECTION: 'strong' } })
    const client = app.testClient()
    let accessed = 0
    let protectedCount = 0
    const off = [userAccessed.connect(() => accessed++, { sender: app }), sessionProtected.connect(() => protectedCount++, { sender: app })]
    const index = await client.get('/')
    expect(accessed).toBe(0) // no cookie, no loader work
    const res = await client.get('/username')
    off.forEach((f) => f())
    expect(res.text).toBe('Anonymous')
    expect(protectedCount).toBe(0)
    expect(index.headers.getSetCookie()).toEqual([])
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('can be turned off', async () => {
    const { app, login } = makeApp()
    login.sessionProtection = null
    const client = app.testClient()
    await client.get('/login-1')
    await client.get('/username', { headers: { 'User-Agent': 'different' } })
    expect((await client.get('/is-fresh')).text).toBe('true')
  })

  it('the identifier is the SHA-256 of address and User-Agent, also when it comes from the cache, for many clients, long agents and long addresses', () => {
    const { app } = makeApp()
    const idOf = (addr: string, agent: string): string =>
      app.requestContext({ method: 'GET', url: '/', headers: { 'user-agent': agent }, remoteAddr: addr }, (ctx) => sessionIdentifier(ctx))
    const expected = (addr: string, agent: string): string => createHash('sha256').update(`${addr}|${agent}`).digest('base64url')
    const long = 'x'.repeat(600)
    // twice each: computed, then (short agents) cached; more clients than the cache holds, so it starts over on the way
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1500; i++) {
        const addr = `10.0.${i >> 8}.${i & 255}`
        expect(idOf(addr, `agent ${i % 7}`)).toBe(expected(addr, `agent ${i % 7}`))
      }
      expect(idOf('10.0.0.1', long)).toBe(expected('10.0.0.1', long))
      expect(idOf(long, 'a')).toBe(expected(long, 'a'))
    }
    expect(idOf('10.0.0.1', 'a')).not.toBe(idOf('10.0.0.2', 'a'))
    expect(idOf('10.0.0.1', 'a')).not.toBe(idOf('10.0.0.1', 'b'))
  })
})
