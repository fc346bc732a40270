/**
 * Profiles from the RealWorld spec: get (auth optional, `following` for the
 * viewer), follow and unfollow (auth required), 404 for an unknown user.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { conduitFixture, type ConduitFixture } from './fixtures.ts'

let f: ConduitFixture
let jake: string
let ada: string
beforeEach(async () => {
  f = await conduitFixture()
  jake = await f.register('jake')
  ada = await f.register('ada')
})
afterEach(() => f.cleanup())

describe('GET /api/profiles/:username', () => {
  it('answers the profile, following false for anonymous viewers', async () => {
    const res = await f.client.get('/api/profiles/ada')
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ profile: { username: 'ada', bio: null, image: null, following: false } })
  })

  it('is 404 for an unknown user, in the RealWorld error format', async () => {
    const res = await f.client.get('/api/profiles/nobody')
    expect(res.status).toBe(404)
    expect(res.json).toEqual({ errors: { body: ['profile not found'] } })
  })

  it('is 401 for a bad token even though auth is optional', async () => {
    expect((await f.client.get('/api/profiles/ada', f.auth('bad'))).status).toBe(401)
  })
})

describe('POST and DELETE /api/profiles/:username/follow', () => {
  it('follows, shows following to the follower only, and unfollows', async () => {
    const follow = await f.client.post('/api/profiles/ada/follow', f.auth(jake))
    expect(follow.status).toBe(200)
    expect(follow.json.profile).toEqual({ username: 'ada', bio: null, image: null, following: true })
    expect((await f.client.get('/api/profiles/ada', f.auth(jake))).json.profile.following).toBe(true)
    expect((await f.client.get('/api/profiles/ada')).json.profile.following).toBe(false)
    expect((await f.client.get('/api/profiles/jake', f.auth(ada))).json.profile.following).toBe(false)
    // following twice is still one follow
    expect((await f.client.post('/api/profiles/ada/follow', f.auth(jake))).json.profile.following).toBe(true)

    const unfollow = await f.client.delete('/api/profiles/ada/follow', f.auth(jake))
    expect(unfollow.status).toBe(200)
    expect(unfollow.json.profile.following).toBe(false)
    expect((await f.client.get('/api/profiles/ada', f.auth(jake))).json.profile.following).toBe(false)
  })

  it('needs a token: 401', async () => {
    expect((await f.client.post('/api/profiles/ada/follow')).status).toBe(401)
    expect((await f.client.delete('/api/profiles/ada/follow')).status).toBe(401)
  })

  it('is 404 for an unknown user', async () => {
    expect((await f.client.post('/api/profiles/nobody/follow', f.auth(jake))).status).toBe(404)
    expect((await f.client.delete('/api/profiles/nobody/follow', f.auth(jake))).status).toBe(404)
  })
})
