/**
 * Users and authentication, from the RealWorld spec: register (201), login,
 * current user, update; 422 `{"errors": {"body": [...]}}` for invalid
 * bodies and taken names; 401 without a token, with a bad one, and for a
 * wrong password.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { conduitFixture, type ConduitFixture } from './fixtures.ts'

let f: ConduitFixture
beforeEach(async () => {
  f = await conduitFixture()
})
afterEach(() => f.cleanup())

const jake = { username: 'jake', email: 'jake@jake.jake', password: 'jakejake' }

describe('POST /api/users (register)', () => {
  it('creates the user and answers 201 with the user and a token', async () => {
    const res = await f.client.post('/api/users', { json: { user: jake } })
    expect(res.status).toBe(201)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.json.user).toEqual({ email: 'jake@jake.jake', token: expect.any(String), username: 'jake', bio: null, image: null })
    expect(res.json.user.token.split('.')).toHaveLength(3)
    expect(res.json.user).not.toHaveProperty('password')
  })

  it('refuses missing and invalid fields with 422 and one message per field', async () => {
    const res = await f.client.post('/api/users', { json: { user: { username: '  ', email: 'not-an-email' } } })
    expect(res.status).toBe(422)
    expect(res.json).toEqual({ errors: { body: ["user.username: username can't be blank", 'user.email: email is invalid', "user.password: password can't be blank"] } })
  })

  it('refuses a body without the user wrapper', async () => {
    const res = await f.client.post('/api/users', { json: jake })
    expect(res.status).toBe(422)
    expect(res.json.errors.body).toEqual([expect.stringMatching(/^user: /)])
  })

  it('refuses a taken username or email with 422', async () => {
    await f.client.post('/api/users', { json: { user: jake } })
    const sameName = await f.client.post('/api/users', { json: { user: { ...jake, email: 'other@jake.jake' } } })
    expect(sameName.status).toBe(422)
    expect(sameName.json).toEqual({ errors: { body: ['username has already been taken'] } })
    const sameEmail = await f.client.post('/api/users', { json: { user: { ...jake, username: 'jake2', email: 'JAKE@jake.jake' } } })
    expect(sameEmail.status).toBe(422)
    expect(sameEmail.json).toEqual({ errors: { body: ['email has already been taken'] } })
  })

  it('answers malformed JSON with a 400 in the same error format', async () => {
    const res = await f.client.post('/api/users', { data: '{"user": ', headers: { 'Content-Type': 'application/json' } })
    expect(res.status).toBe(400)
    expect(res.json.errors.body).toHaveLength(1)
  })

  it('ignores fields the spec does not name (clients send whole user objects)', async () => {
    const res = await f.client.post('/api/users', { json: { user: { ...jake, token: 'x', admin: true } } })
    expect(res.status).toBe(201)
  })
})

describe('POST /api/users/login', () => {
  beforeEach(async () => {
    await f.client.post('/api/users', { json: { user: jake } })
  })

  it('answers the user with a token that authenticates', async () => {
    const res = await f.client.post('/api/users/login', { json: { user: { email: 'jake@jake.jake', password: 'jakejake' } } })
    expect(res.status).toBe(200)
    expect(res.json.user.username).toBe('jake')
    const me = await f.client.get('/api/user', f.auth(res.json.user.token))
    expect(me.json.user.email).toBe('jake@jake.jake')
  })

  it('refuses a wrong password or an unknown email with 401', async () => {
    for (const user of [{ email: 'jake@jake.jake', password: 'wrong' }, { email: 'nobody@x.y', password: 'jakejake' }]) {
      const res = await f.client.post('/api/users/login', { json: { user } })
      expect(res.status).toBe(401)
      expect(res.json).toEqual({ errors: { body: ['email or password is invalid'] } })
    }
  })

  it('refuses a missing password with 422', async () => {
    const res = await f.client.post('/api/users/login', { json: { user: { email: 'jake@jake.jake' } } })
    expect(res.status).toBe(422)
    expect(res.json.errors.body).toEqual(["user.password: password can't be blank"])
  })
})

describe('GET /api/user', () => {
  it('is 401 without a token, with another scheme, and with a bad token', async () => {
    const token = await f.register('jake')
    for (const headers of [{} as Record<string, string>, { Authorization: `Bearer ${token}` }, { Authorization: 'Token not.a.jwt' }, { Authorization: `Token ${token.slice(0, -4)}AAAA` }]) {
      const res = await f.client.get('/api/user', { headers })
      expect(res.status, JSON.stringify(headers)).toBe(401)
      expect(res.json.errors.body).toHaveLength(1)
    }
  })

  it('is 401 for the token of a deleted user', async () => {
    const token = await f.register('jake')
    await f.app.appContext(async () => {
      const { db } = await import('../../../examples/conduit/db.ts')
      await db.execute('DELETE FROM users')
      await db.session.commit()
    })
    expect((await f.client.get('/api/user', f.auth(token))).status).toBe(401)
  })
})

describe('PUT /api/user', () => {
  it('updates the given fields only and answers the user', async () => {
    const token = await f.register('jake')
    const res = await f.client.put('/api/user', { json: { user: { bio: 'I like to skateboard', image: 'https://i.stack.imgur.com/xHWG8.jpg' } }, ...f.auth(token) })
    expect(res.status).toBe(200)
    expect(res.json.user).toMatchObject({ username: 'jake', email: 'jake@example.com', bio: 'I like to skateboard', image: 'https://i.stack.imgur.com/xHWG8.jpg' })
    const profile = await f.client.get('/api/profiles/jake')
    expect(profile.json.profile.bio).toBe('I like to skateboard')
  })

  it('changes the password and the email used to log in', async () => {
    const token = await f.register('jake')
    await f.client.put('/api/user', { json: { user: { email: 'new@jake.jake', password: 'newpassword' } }, ...f.auth(token) })
    expect((await f.client.post('/api/users/login', { json: { user: { email: 'jake@example.com', password: 'password' } } })).status).toBe(401)
    expect((await f.client.post('/api/users/login', { json: { user: { email: 'new@jake.jake', password: 'newpassword' } } })).status).toBe(200)
  })

  it('refuses a taken username with 422 and an invalid email with 422', async () => {
    await f.register('ada')
    const token = await f.register('jake')
    const taken = await f.client.put('/api/user', { json: { user: { username: 'ada' } }, ...f.auth(token) })
    expect(taken.status).toBe(422)
    expect(taken.json).toEqual({ errors: { body: ['username has already been taken'] } })
    const bad = await f.client.put('/api/user', { json: { user: { email: 'nope' } }, ...f.auth(token) })
    expect(bad.status).toBe(422)
    expect(bad.json.errors.body).toEqual(['user.email: email is invalid'])
  })

  it('is 401 without a token', async () => {
    expect((await f.client.put('/api/user', { json: { user: { bio: 'x' } } })).status).toBe(401)
  })
})
