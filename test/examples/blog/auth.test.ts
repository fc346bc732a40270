import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { blogFixture, type BlogFixture } from './fixtures.ts'

let fx: BlogFixture
beforeEach(async () => {
  fx = await blogFixture()
})
afterEach(() => fx.cleanup())

/** The message shown under a field (forms with per-field errors). */
function fieldError(html: string, field: string): string | undefined {
  return new RegExp(`<p class="error" id="${field}-error">([^<]*)</p>`).exec(html)?.[1]
}

describe('register', () => {
  it('shows the form and creates a user', async () => {
    expect((await fx.client.get('/auth/register')).status).toBe(200)
    const res = await fx.client.post('/auth/register', { form: { username: 'a', password: 'a' } })
    expect(res.status).toBe(302)
    expect(res.location).toBe('/auth/login')
    const rows = await fx.query('SELECT * FROM "user" WHERE username = :name', { name: 'a' })
    expect(rows).toHaveLength(1)
    expect(String(rows[0]!.password)).not.toBe('a')
    expect(rows[0]!.role).toBeNull()
  })

  it.each([
    ['', '', 'username', 'Username is required.'],
    ['   ', 'a', 'username', 'Username is required.'],
    ['a', '', 'password', 'Password is required.'],
    ['test', 'test', 'username', 'User test is already registered.'],
    ['x'.repeat(151), 'a', 'username', 'Username must be at most 150 characters.'],
  ])('validates %j / %j: a 400 with the message under the %s field', async (username, password, field, message) => {
    const res = await fx.client.post('/auth/register', { form: { username, password } })
    expect(res.status).toBe(400)
    expect(fieldError(res.text, field)).toBe(message)
    expect(res.text).toContain(`aria-describedby="${field}-error"`)
  })

  it('shows every field error at once, and keeps the username typed', async () => {
    const res = await fx.client.post('/auth/register', { form: { username: '', password: '' } })
    expect(fieldError(res.text, 'username')).toBe('Username is required.')
    expect(fieldError(res.text, 'password')).toBe('Password is required.')
    const taken = await fx.client.post('/auth/register', { form: { username: 'te"st<', password: 'x' } })
    expect(taken.status).toBe(302)
    const again = await fx.client.post('/auth/register', { form: { username: 'te"st<', password: 'x' } })
    expect(again.text).toMatch(/value="te(&quot;|&#34;)st&lt;"/)
  })

  it('treats a missing field as empty rather than failing', async () => {
    const res = await fx.client.post('/auth/register', { form: {} })
    expect(res.status).toBe(400)
    expect(fieldError(res.text, 'username')).toBe('Username is required.')
  })
})

describe('login', () => {
  it('logs in and loads the user on the next request', async () => {
    expect((await fx.client.get('/auth/login')).status).toBe(200)
    const res = await fx.login()
    expect(res.location).toBe('/')
    const index = await fx.client.get('/')
    expect(index.text).toContain('<span>test</span>')
    expect(index.text).toContain('Log Out')
  })

  it.each([
    ['a', 'test', 'Incorrect username.'],
    ['test', 'a', 'Incorrect password.'],
  ])('refuses %j / %j with a flashed message', async (username, password, message) => {
    const res = await fx.login(username, password)
    expect(res.status).toBe(400)
    expect(res.text).toContain(`<div class="flash">${message}</div>`)
    expect((await fx.client.get('/')).text).toContain('Log In')
  })

  it('never shows the password again, and keeps the box ticked', async () => {
    const res = await fx.client.post('/auth/login', { form: { username: 'test', password: 'secret-typed', remember: 'y' } })
    expect(res.status).toBe(400)
    expect(res.text).not.toContain('secret-typed')
    expect(res.text).toMatch(/<input[^>]*name="remember"[^>]*checked/)
  })

  it('gives per-field errors for empty fields', async () => {
    const res = await fx.login('', '')
    expect(res.status).toBe(400)
    expect(fieldError(res.text, 'username')).toBe('Username is required.')
    expect(fieldError(res.text, 'password')).toBe('Password is required.')
  })

  it('starts a new session (no session fixation)', async () => {
    await fx.client.get('/auth/login')
    await fx.client.sessionTransaction((session) => session.set('planted', 'by an attacker'))
    const before = fx.client.getCookie('session')
    await fx.login()
    expect(fx.client.getCookie('session')).not.toBe(before)
  })
})

describe('remember me', () => {
  /** A new browser: the old one's cookies, without the session cookie (which ends with the browser). */
  function restartedBrowser(): ReturnType<typeof fx.app.testClient> {
    const client = fx.app.testClient()
    const remember = fx.client.getCookie('remember_token')
    if (remember !== undefined) client.setCookie('remember_token', remember)
    return client
  }

  it('without the box ticked, a browser restart logs the user out', async () => {
    await fx.login()
    expect(fx.client.getCookie('remember_token')).toBeUndefined()
    expect((await restartedBrowser().get('/')).text).toContain('Log In')
  })

  it('with it, the remember-me cookie logs the user back in after a restart', async () => {
    const res = await fx.login('test', 'test', { remember: true })
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('remember_token='))
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Lax/i)
    expect(setCookie).toMatch(/Expires=/i)
    const later = restartedBrowser()
    const index = await later.get('/')
    expect(index.text).toContain('<span>test</span>')
    expect((await later.get('/create')).status).toBe(200)
  })

  it('a tampered or foreign cookie logs nobody in', async () => {
    await fx.login('test', 'test', { remember: true })
    const token = fx.client.getCookie('remember_token')!
    for (const forged of [token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA'), '2', 'eyJ1c2VySWQiOjF9', '']) {
      const client = fx.app.testClient()
      client.setCookie('remember_token', forged)
      expect((await client.get('/')).text).toContain('Log In')
    }
    // the same cookie signed by another app's key
    const other = await blogFixture({ SECRET_KEY: 'another blog, another key: 0123456789abcdef' })
    try {
      await other.login('test', 'test', { remember: true })
      const foreign = fx.app.testClient()
      foreign.setCookie('remember_token', other.client.getCookie('remember_token')!)
      expect((await foreign.get('/')).text).toContain('Log In')
    } finally {
      await other.cleanup()
    }
  })

  it('logout deletes the cookie', async () => {
    await fx.login('test', 'test', { remember: true })
    await fx.logout()
    expect(fx.client.getCookie('remember_token')).toBeUndefined()
    expect((await restartedBrowser().get('/')).text).toContain('Log In')
  })
})

describe('next', () => {
  it('loginRequired sends the visitor to the login page with next, and the login goes back there', async () => {
    const refused = await fx.client.get('/create')
    expect(refused.location).toBe('/auth/login?next=%2Fcreate')
    const page = await fx.client.get(refused.location!)
    expect(page.text).toContain('Please log in to access this page.')
    const res = await fx.login('test', 'test', { next: '/create' })
    expect(res.location).toBe('/create')
  })

  it.each([
    '//evil.example/',
    'https://evil.example/',
    '/\\evil.example',
    '\\\\evil.example',
    'https:evil.example',
    '\t//evil.example',
    'javascript:alert(1)',
    'http://localhost@evil.example/',
  ])('refuses next=%j (no open redirect)', async (next) => {
    const res = await fx.login('test', 'test', { next })
    expect(res.status).toBe(302)
    expect(res.location).toBe('/')
  })

  it('keeps next through a failed attempt (the form posts back to the same URL)', async () => {
    const page = await fx.client.get('/auth/login', { query: { next: '/1/update' } })
    expect(page.text).toContain('<form method="post">')
    expect((await fx.login('test', 'wrong', { next: '/1/update' })).status).toBe(400)
    expect((await fx.login('test', 'test', { next: '/1/update' })).location).toBe('/1/update')
  })
})

describe('logout', () => {
  it('ends the login', async () => {
    await fx.login()
    const res = await fx.logout()
    expect(res.location).toBe('/')
    const index = await fx.client.get('/')
    expect(index.text).toContain('Log In')
    expect(index.text).not.toContain('Log Out')
  })
})

describe('CSRF protection', () => {
  it('refuses a form without its token when protection is on', async () => {
    const on = await blogFixture({ WTF_CSRF_ENABLED: true })
    try {
      const res = await on.client.post('/auth/login', { form: { username: 'test', password: 'test' } })
      expect(res.status).toBe(400)
      expect(res.text).toContain('The CSRF token is missing.')
    } finally {
      await on.cleanup()
    }
  })

  it('accepts the token from the rendered form', async () => {
    const on = await blogFixture({ WTF_CSRF_ENABLED: true })
    try {
      const page = await on.client.get('/auth/login')
      const token = /name="csrf_token"[^>]*value="([^"]+)"/.exec(page.text)?.[1]
      expect(token).toBeTruthy()
      const res = await on.client.post('/auth/login', { form: { username: 'test', password: 'test', csrf_token: token! } })
      expect(res.status).toBe(302)
    } finally {
      await on.cleanup()
    }
  })
})
