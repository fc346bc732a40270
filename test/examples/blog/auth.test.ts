import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { blogFixture, type BlogFixture } from './fixtures.ts'

let fx: BlogFixture
beforeEach(async () => {
  fx = await blogFixture()
})
afterEach(() => fx.cleanup())

describe('register', () => {
  it('shows the form and creates a user', async () => {
    expect((await fx.client.get('/auth/register')).status).toBe(200)
    const res = await fx.client.post('/auth/register', { form: { username: 'a', password: 'a' } })
    expect(res.status).toBe(302)
    expect(res.location).toBe('/auth/login')
    const rows = await fx.query('SELECT * FROM "user" WHERE username = :name', { name: 'a' })
    expect(rows).toHaveLength(1)
    expect(String(rows[0]!.password)).not.toBe('a')
  })

  it.each([
    ['', '', 'Username is required.'],
    ['a', '', 'Password is required.'],
    ['test', 'test', 'User test is already registered.'],
  ])('validates %j / %j', async (username, password, message) => {
    const res = await fx.client.post('/auth/register', { form: { username, password } })
    expect(res.status).toBe(200)
    expect(res.text).toContain(message)
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
  ])('validates %j / %j', async (username, password, message) => {
    const res = await fx.login(username, password)
    expect(res.status).toBe(200)
    expect(res.text).toContain(message)
  })
})

describe('logout', () => {
  it('clears the session', async () => {
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
      const token = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1]
      expect(token).toBeTruthy()
      const res = await on.client.post('/auth/login', { form: { username: 'test', password: 'test', csrf_token: token! } })
      expect(res.status).toBe(302)
    } finally {
      await on.cleanup()
    }
  })
})
