/**
 * Issue 18: the blog's login throttle. Too many failed logins for a user,
 * or from an address, get a 429 with Retry-After before any password is
 * checked; a good login clears the user's count; the window ends.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LoginThrottle } from '../../../examples/blog/throttle.ts'
import { blogFixture, type BlogFixture } from './fixtures.ts'

let fx: BlogFixture | undefined
afterEach(async () => {
  await fx?.cleanup()
  fx = undefined
})

describe('the login throttle', () => {
  it('refuses a user after 5 failures with 429 and Retry-After, even with the right password', async () => {
    fx = await blogFixture()
    for (let i = 0; i < 5; i++) expect((await fx.login('test', 'wrong')).status).toBe(400)
    const refused = await fx.login('test', 'test')
    expect(refused.status).toBe(429)
    const wait = Number(refused.headers.get('retry-after'))
    expect(wait).toBeGreaterThan(890)
    expect(wait).toBeLessThanOrEqual(900)
    expect(refused.text).toContain(`Too many failed logins. Try again in ${wait} seconds.`)
    expect((await fx.client.get('/')).text).toContain('Log In')
    // another user from the same address is not locked out by test's failures
    expect((await fx.login('other', 'other')).status).toBe(302)
  })

  it('a good login clears the user\'s count', async () => {
    fx = await blogFixture()
    for (let i = 0; i < 4; i++) await fx.login('test', 'wrong')
    expect((await fx.login('test', 'test')).status).toBe(302)
    for (let i = 0; i < 4; i++) expect((await fx.login('test', 'wrong')).status).toBe(400)
    expect((await fx.login('test', 'test')).status).toBe(302)
  })

  it('refuses an address after LOGIN_THROTTLE_PER_ADDRESS failures, whatever the username', async () => {
    fx = await blogFixture({ LOGIN_THROTTLE_PER_ADDRESS: 3 })
    for (const name of ['a', 'b', 'c']) expect((await fx.login(name, 'x')).status).toBe(400)
    const refused = await fx.login('other', 'other')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBeTruthy()
  })

  it('forgets failures when the window ends, and keeps its memory bounded', () => {
    let now = 0
    const throttle = new LoginThrottle({ perUser: 2, perAddress: 100, windowSeconds: 60 }, 3, () => now)
    throttle.failed('ip', 'u')
    throttle.failed('ip', 'u')
    expect(throttle.retryAfter('ip', 'u')).toBe(60)
    now = 59_500
    expect(throttle.retryAfter('ip', 'u')).toBe(1)
    now = 60_000
    expect(throttle.retryAfter('ip', 'u')).toBe(0)
    // at most 3 windows: the oldest is forgotten first
    const small = new LoginThrottle({ perUser: 1, perAddress: 100, windowSeconds: 60 }, 3, () => 0)
    small.failed('ip', 'first')
    small.failed('ip2', 'second')
    expect(small.retryAfter('x', 'first')).toBe(0)
    expect(small.retryAfter('x', 'second')).toBe(60)
  })
})
