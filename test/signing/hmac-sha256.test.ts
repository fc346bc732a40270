import { createHmac, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { HmacSha256, JS_HMAC_MAX_LENGTH } from '../../src/signing/hmac-sha256.ts'
import { Signer } from '../../src/signing/signer.ts'

function ascii(length: number): string {
  let s = ''
  for (let i = 0; i < length; i++) s += String.fromCharCode(Math.floor(Math.random() * 128))
  return s
}

describe('the JavaScript HMAC-SHA256 of short strings', () => {
  it('equals createHmac for every length it takes, across the block boundaries', () => {
    for (let length = 0; length <= JS_HMAC_MAX_LENGTH; length++) {
      const key = randomBytes(length % 65)
      const text = ascii(length)
      expect(new HmacSha256(key).digest(text)!.equals(createHmac('sha256', key).update(text).digest()), `length ${length}`).toBe(true)
    }
  })

  it('answers null for non-ASCII or longer input (Node computes those)', () => {
    const h = new HmacSha256(Buffer.from('k'))
    expect(h.digest('café')).toBeNull()
    expect(h.digest('a'.repeat(70) + '\u0080')).toBeNull()
    expect(h.digest('a'.repeat(JS_HMAC_MAX_LENGTH + 1))).toBeNull()
  })

  it('refuses keys longer than a block', () => {
    expect(() => new HmacSha256(Buffer.alloc(65))).toThrow(RangeError)
  })

  it('leaves signatures unchanged: short, long and non-ASCII values sign and verify as with Node', () => {
    const signer = new Signer(['old', 'new'], { salt: 's', keyDerivation: 'hmac' })
    const key = signer.deriveKey()
    for (const value of ['', 'eyJuIjoxfQ.aw7rCQ', ascii(300), 'ü'.repeat(10), 'x'.repeat(2000)]) {
      const expected = createHmac('sha256', key).update(value).digest('base64url')
      expect(signer.getSignature(value)).toBe(expected)
      expect(signer.verifySignature(value, expected)).toBe(true)
    }
    const old = new Signer('old', { salt: 's', keyDerivation: 'hmac' })
    expect(signer.unsign(old.sign('rotated'))).toBe('rotated')
  })
})
