/**
 * The remember-me cookie and a bearer token over a real socket (node:http on
 * loopback, fetch as the browser): what the Set-Cookie headers say is what a
 * client keeps and sends back.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Phial, toNodeHandler } from 'phial'
import { JWTManager, LoginManager, createAccessToken, currentUser, loginRequired, loginUser } from 'phial/login'
import type { TestUser } from './app.ts'

let server: Server
let base: string

beforeAll(async () => {
  const app = new Phial(import.meta.url, { name: 'socket-login' })
  app.config.fromMapping({ SECRET_KEY: 'socket-secret-socket-secret-socket', LOG_LEVEL: 'silent' })
  const login = new LoginManager(app)
  login.userLoader(async (id) => (id === '1' ? { id: 1, name: 'Ada' } : null))
  new JWTManager(app)
  app.post('/login', async function signIn() {
    await loginUser({ id: 1, name: 'Ada' }, { remember: true })
    return 'ok'
  })
  app.get('/me', loginRequired(function me() {
    return { name: currentUser.isAuthenticated ? (currentUser as unknown as TestUser).name : null }
  }))
  app.get('/token', async function token() {
    return { token: await createAccessToken('1') }
  })
  server = createServer(toNodeHandler(app))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

/** name=value of each Set-Cookie, as a browser keeps them. */
function jar(res: Response): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const header of res.headers.getSetCookie()) {
    const [pair] = header.split(';')
    const eq = pair!.indexOf('=')
    cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1))
  }
  return cookies
}

describe('over a socket', () => {
  it('a remembered login survives losing the session cookie; a forged cookie does not', async () => {
    const login = await fetch(`${base}/login`, { method: 'POST' })
    const cookies = jar(login)
    expect(cookies.has('session')).toBe(true)
    const remember = cookies.get('remember_token')!
    expect(remember).toBeTruthy()
    const back = await fetch(`${base}/me`, { headers: { Cookie: `remember_token=${remember}` } })
    expect(await back.json()).toEqual({ name: 'Ada' })
    // the login moved into a new session cookie
    expect(jar(back).has('session')).toBe(true)
    const forged = await fetch(`${base}/me`, { headers: { Cookie: `remember_token=${remember.slice(0, -2)}xx`, Accept: 'application/json' } })
    expect(forged.status).toBe(401)
    expect(forged.headers.getSetCookie().some((c) => c.startsWith('remember_token=;') || /remember_token=.*Max-Age=0|1970/.test(c))).toBe(true)
  })

  it('a bearer token opens loginRequired views', async () => {
    const { token } = (await (await fetch(`${base}/token`)).json()) as { token: string }
    const res = await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${token}` } })
    expect(await res.json()).toEqual({ name: 'Ada' })
    const bad = await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${token}x`, Accept: 'application/json' } })
    expect(bad.status).toBe(401)
  })
})
