/**
 * Issue 18: the queue of password hashes waiting for a slot is bounded.
 * Past the limit a check is refused at once with a 503 and a Retry-After
 * (not queued without end); the waiting ones still finish, in order, and a
 * check after the queue drained runs again. Through the app, the 503 is an
 * ordinary HTTP error. Run in a child process: the queue is per process.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { setPasswordHashQueueLimit } from '../src/index.ts'

const INDEX = fileURLToPath(new URL('../src/index.ts', import.meta.url))

const script = `
import { Phial, checkPasswordHash, generatePasswordHash, setPasswordHashQueueLimit, PasswordHashQueueFull } from ${JSON.stringify(INDEX)}
const fast = { method: 'pbkdf2:sha256:200000' }
const hash = await generatePasswordHash('right', fast)
setPasswordHashQueueLimit(3)
// 2 slots (UV_THREADPOOL_SIZE=4) + 3 waiting are accepted; the rest are refused at once
const results = await Promise.allSettled(Array.from({ length: 8 }, () => checkPasswordHash(hash, 'wrong')))
const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason)
const after = await checkPasswordHash(hash, 'right')
const app = new Phial(import.meta.url)
app.config.TESTING = false
app.get('/check', function check() { return checkPasswordHash(hash, 'wrong').then(String) })
const client = app.testClient()
const responses = await Promise.all(Array.from({ length: 8 }, () => client.get('/check')))
process.stdout.write(JSON.stringify({
  fulfilled: results.filter((r) => r.status === 'fulfilled').map((r) => r.value),
  refused: refused.map((e) => ({ is: e instanceof PasswordHashQueueFull, code: e.code, retryAfter: e.retryAfter, message: e.message })),
  after,
  statuses: responses.map((r) => r.status).sort(),
  retryAfter: responses.find((r) => r.status === 503)?.headers.get('retry-after') ?? null,
}))
`

describe('the password hash queue is bounded (issue 18)', () => {
  it('refuses a check past the limit with a 503 and Retry-After, and serves the queued ones', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, UV_THREADPOOL_SIZE: '4' },
      timeout: 60_000,
    })
    expect(child.status, child.stderr).toBe(0)
    const out = JSON.parse(child.stdout) as {
      fulfilled: boolean[]
      refused: Array<{ is: boolean; code: number; retryAfter: number; message: string }>
      after: boolean
      statuses: number[]
      retryAfter: string | null
    }
    expect(out.fulfilled).toEqual([false, false, false, false, false])
    expect(out.refused).toHaveLength(3)
    for (const err of out.refused) {
      expect(err).toMatchObject({ is: true, code: 503 })
      expect(err.retryAfter).toBeGreaterThanOrEqual(1)
      expect(err.message).toContain('Too many password checks are waiting (3)')
    }
    expect(out.after).toBe(true)
    expect(out.statuses).toEqual([200, 200, 200, 200, 200, 503, 503, 503])
    expect(Number(out.retryAfter)).toBeGreaterThanOrEqual(1)
  }, 70_000)

  it('refuses a limit that is not a non-negative integer, and returns the previous one', () => {
    expect(() => setPasswordHashQueueLimit(-1)).toThrow(RangeError)
    expect(() => setPasswordHashQueueLimit(1.5)).toThrow(RangeError)
    const previous = setPasswordHashQueueLimit(10)
    expect(previous).toBe(128)
    expect(setPasswordHashQueueLimit(previous)).toBe(10)
  })
})
