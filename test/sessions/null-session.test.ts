/**
 * NullSession refuses every write (Flask's NullSession `_fail` on
 * __setitem__, __delitem__, clear, pop, popitem, update, setdefault), even
 * one that would change nothing. Ports tests/test_basic.py test_missing_session.
 */
import { describe, expect, it } from 'vitest'
import { NullSession, session } from '../../src/index.ts'
import { makeApp } from '../core/helpers.ts'

describe('test_missing_session', () => {
  it('reads see an empty session; every mutating method raises, naming SECRET_KEY', async () => {
    const app = makeApp()
    app.config.SECRET_KEY = null
    await app.testRequestContext('/', () => {
      expect(session).toBeInstanceOf(NullSession)
      expect(session.get('missing_key')).toBeUndefined()
      expect(session.has('missing_key')).toBe(false)
      const writes: Array<[string, () => unknown]> = [
        ['set', () => session.set('foo' as never, 42 as never)],
        ['pop', () => session.pop('foo' as never)],
        ['delete', () => session.delete('foo' as never)],
        ['clear', () => session.clear()],
        ['permanent = false', () => { session.permanent = false }],
        ['permanent = true', () => { session.permanent = true }],
      ]
      for (const [name, write] of writes) {
        expect(write, name).toThrow(/session is unavailable because no secret key was set.*SECRET_KEY/)
      }
    })
  })
})
