/**
 * Issue 18: a published or short SECRET_KEY outside debug/testing is a warning
 * when the app starts serving; a long random key, debug and testing say nothing.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { Phial } from 'phial'
import { weakSecretKeyReason } from '../../src/config/secret-key.ts'

async function warningsOf(config: Record<string, unknown>): Promise<string[]> {
  const app = new Phial(import.meta.url, { name: 'weak-key' })
  app.config.fromMapping({ LOG_LEVEL: 'silent', ...config })
  const warn = vi.spyOn(app.logger, 'warn').mockImplementation(() => undefined)
  const running = await app.run({ port: 0, announce: false })
  await running.close()
  return warn.mock.calls.map((call) => String(call[0]))
}

describe('weak SECRET_KEY warning', () => {
  it('names a published key and a short one', async () => {
    expect(await warningsOf({ SECRET_KEY: 'dev' })).toEqual([expect.stringContaining("SECRET_KEY 'dev' is a published example key")])
    expect(await warningsOf({ SECRET_KEY: 'abc123' })).toEqual([expect.stringContaining('only 6 characters long')])
  })

  it('is quiet for a long random key, in debug, in testing and without a key', async () => {
    expect(await warningsOf({ SECRET_KEY: randomBytes(32).toString('hex') })).toEqual([])
    expect(await warningsOf({ SECRET_KEY: 'dev', DEBUG: true })).toEqual([])
    expect(await warningsOf({ SECRET_KEY: 'dev', TESTING: true })).toEqual([])
    expect(await warningsOf({})).toEqual([])
  })

  it('recognises published keys whatever their case, and byte keys', () => {
    expect(weakSecretKeyReason('ChangeMe')).toMatch(/published example key/)
    expect(weakSecretKeyReason(new Uint8Array(8))).toMatch(/only 8 characters/)
    expect(weakSecretKeyReason(null)).toBeNull()
  })
})
