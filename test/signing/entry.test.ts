import { describe, expect, it } from 'vitest'
import { URLSafeTimedSerializer, BadSignature } from 'phial/signing'

describe('phial/signing entry', () => {
  it('round-trips a token and refuses a tampered one', () => {
    const s = new URLSafeTimedSerializer<{ userId: number }>('secret', { salt: 'reset' })
    const token = s.dumps({ userId: 1 })
    expect(s.loads(token, { maxAge: 3600 })).toEqual({ userId: 1 })
    expect(() => s.loads(token.slice(0, -2) + 'xx')).toThrow(BadSignature)
  })
})
