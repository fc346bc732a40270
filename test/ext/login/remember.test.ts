import { describe, expect, it } from 'vitest'
import { Phial } from 'phial'
import { encodeRememberCookie, loginRemembered, userLoadedFromCookie } from 'phial/login'
import { makeApp } from './app.ts'

/** The Set-Cookie header a response sent for `name`, or undefined. */
function setCookie(headers: { getSetCookie(): string[] }, name: string): string | undefined {
  return headers.getSetCookie().find((c) => c.startsWith(`${name}=`))
}

function expiresIn(header: string): number {
  const match = /Expires=([^;]+)/i.exec(header)
  return (Date.parse(match![1]!) - Date.now()) / 1000
}

describe('the remember-me cookie', () => {
  it('restores the login after the browser session ended, marked not fresh', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    const res = await client.get('/login-1?remember=1')
    const header = setCookie(res.headers, 'remember_token')!
    expect(header).toMatch(/HttpOnly/i)
    expect(header).toMatch(/SameSite=Lax/i)
    expect(expiresIn(header)).toBeGreaterThan(365 * 86400 - 60)
    expect((await client.get('/is-fresh')).text).toBe('true')
    client.deleteCookie('session') // the browser was closed
    expect((await client.get('/username')).text).toBe('Notch')
    expect((await client.get('/is-fresh')).text).toBe('false')
  })

  it('is Secure when the session cookie is (REMEMBER_COOKIE_SECURE null), and loginRemembered() sees it', async () => {
    const { app } = makeApp({ config: { SESSION_COOKIE_SECURE: true } })
    app.get('/remembered', function remembered() {
      return String(loginRemembered())
    })
    const client = app.testClient()
    expect((await client.get('/remembered')).text).toBe('false')
    const header = setCookie((await client.get('/login-1?remember=1')).headers, 'remember_token')!
    expect(header).toMatch(/; Secure/)
    expect((await client.get('/remembered')).text).toBe('true')
    await client.get('/logout')
    expect((await client.get('/remembered')).text).toBe('false')
  })

  it('is not set without remember', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    const res = await client.get('/login-1')
    expect(setCookie(res.headers, 'remember_token')).toBeUndefined()
    client.deleteCookie('session')
    expect((await client.get('/username')).text).toBe('Anonymous')
  })

  it('follows the REMEMBER_COOKIE_* settings and a per-login duration', async () => {
    const { app } = makeApp({
      config: { REMEMBER_COOKIE_NAME: 'myname', REMEMBER_COOKIE_PATH: '/', REMEMBER_COOKIE_DOMAIN: 'localhost', REMEMBER_COOKIE_SECURE: true, REMEMBER_COOKIE_DURATION: 2 * 86400 },
    })
    const client = app.testClient()
    const header = setCookie((await client.get('/login-1?remember=1')).headers, 'myname')!
    expect(header).toMatch(/Domain=localhost/i)
    expect(header).toMatch(/Secure/)
    expect(Math.abs(expiresIn(header) - 2 * 86400)).toBeLessThan(10)
    await client.get('/logout')
    const custom = setCookie((await client.get('/login-1?remember=1&duration=25200')).headers, 'myname')!
    expect(Math.abs(expiresIn(custom) - 7 * 3600)).toBeLessThan(10)
  })

  it('refuses a bad duration with a clear error', async () => {
    // TESTING propagates errors: the message is what a developer sees
    const { app } = makeApp({ config: { REMEMBER_COOKIE_DURATION: '123' } })
    await expect(app.testClient().get('/login-1?remember=1')).rejects.toThrow('REMEMBER_COOKIE_DURATION must be a positive number of seconds, got "123"')
    const client = makeApp().app.testClient()
    await expect(client.get('/login-1?remember=1&duration=-5')).rejects.toThrow('duration must be a positive number of seconds, got -5')
  })

  it('ignores and deletes a tampered cookie', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    await client.get('/login-1?remember=1')
    const value = client.getCookie('remember_token')!
    // change the user id inside the payload: the signature no longer matches
    const forged = value.replace(/^[^.]+/, Buffer.from(JSON.stringify(['2', 31536000])).toString('base64url'))
    client.deleteCookie('session')
    client.setCookie('remember_token', forged)
    const res = await client.get('/username')
    expect(res.text).toBe('Anonymous')
    expect(setCookie(res.headers, 'remember_token')).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/i)
    client.setCookie('remember_token', 'garbage')
    expect((await client.get('/username')).text).toBe('Anonymous')
  })

  it('refuses a cookie signed with another key', async () => {
    const other = new Phial(import.meta.url, { name: 'other' })
    other.config.SECRET_KEY = 'another-secret'
    const { app } = makeApp()
    const client = app.testClient()
    client.setCookie('remember_token', encodeRememberCookie(other, '1', 3600))
    expect((await client.get('/username')).text).toBe('Anonymous')
    client.setCookie('remember_token', encodeRememberCookie(app, '1', 3600))
    expect((await client.get('/username')).text).toBe('Notch')
  })

  it('refuses an expired cookie even when the browser still sends it', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    await client.get('/login-1?remember=1&duration=1')
    const value = client.getCookie('remember_token')!
    client.deleteCookie('session')
    await new Promise((r) => setTimeout(r, 2100))
    client.setCookie('remember_token', value) // a client that ignores Expires
    expect((await client.get('/username')).text).toBe('Anonymous')
  })

  it('is cleared on logout, and the user stays logged out', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    await client.get('/login-1?remember=1')
    const res = await client.get('/logout')
    expect(setCookie(res.headers, 'remember_token')).toBeDefined()
    expect(client.getCookie('remember_token')).toBeUndefined()
    client.deleteCookie('session')
    expect((await client.get('/username')).text).toBe('Anonymous')
  })

  it('is sent again on each request with REMEMBER_COOKIE_REFRESH_EACH_REQUEST', async () => {
    const plain = makeApp()
    const c1 = plain.app.testClient()
    await c1.get('/login-1?remember=1')
    c1.deleteCookie('session')
    await c1.get('/username')
    expect(setCookie((await c1.get('/username')).headers, 'remember_token')).toBeUndefined()

    const sliding = makeApp({ config: { REMEMBER_COOKIE_REFRESH_EACH_REQUEST: true } })
    const c2 = sliding.app.testClient()
    await c2.get('/login-1?remember=1')
    c2.deleteCookie('session')
    await c2.get('/username')
    const header = setCookie((await c2.get('/username')).headers, 'remember_token')
    expect(header).toBeDefined()
    expect(expiresIn(header!)).toBeGreaterThan(365 * 86400 - 60)
  })

  it('sends userLoadedFromCookie', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    await client.get('/login-1?remember=1')
    client.deleteCookie('session')
    const heard: unknown[] = []
    await userLoadedFromCookie.connectedTo((_s, { user }) => heard.push(user), { sender: app }, () => client.get('/username'))
    expect(heard).toHaveLength(1)
  })
})

describe('fresh logins', () => {
  it('asks a remembered user to log in again: 401 without refreshView', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    await client.get('/login-1?remember=1')
    expect((await client.get('/needs-refresh')).text).toBe('fresh')
    client.deleteCookie('session')
    expect((await client.get('/needs-refresh')).status).toBe(401)
  })

  it('redirects to refreshView with next and the refresh message, until confirmLogin', async () => {
    const { app, login } = makeApp()
    app.get('/reauth', function reauth() {
      return 'enter your password'
    })
    login.refreshView = 'reauth'
    login.needsRefreshMessage = 'Refresh'
    login.needsRefreshMessageCategory = 'refresh'
    const client = app.testClient()
    await client.get('/login-1?remember=1')
    client.deleteCookie('session')
    const res = await client.get('/needs-refresh')
    expect(res.status).toBe(302)
    expect(res.location).toBe('/reauth?next=%2Fneeds-refresh')
    expect((await client.get('/flashes')).json.messages).toEqual([['refresh', 'Refresh']])
    await client.get('/confirm-login')
    expect((await client.get('/needs-refresh')).text).toBe('fresh')
  })

  it('uses needsRefreshHandler', async () => {
    const { app, login } = makeApp()
    login.needsRefreshHandler(() => 'Needs Refresh!')
    const client = app.testClient()
    await client.get('/login-1?remember=1')
    client.deleteCookie('session')
    expect((await client.get('/needs-refresh')).text).toBe('Needs Refresh!')
  })
})
