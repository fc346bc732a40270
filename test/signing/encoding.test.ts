import { describe, expect, it } from 'vitest'
import { base64Decode, bytesToInt, shortBase64ToInt } from '../../src/signing/encoding.ts'

describe('short base64url timestamps read without a Buffer', () => {
  it('equal bytesToInt(base64Decode(text)) for every short text, and null where it throws', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const samples = ['', 'A', 'AB', 'ABC', 'ABCD', 'aw7rCQ', '_-_-_-_-', 'AAAAAAAB', '//', 'a=', 'ab c', 'é']
    for (let i = 0; i < 500; i++) {
      let s = ''
      const length = i % 9
      for (let k = 0; k < length; k++) s += alphabet[Math.floor(Math.random() * 64)]
      samples.push(s)
    }
    for (const text of samples) {
      let expected: number | null
      try {
        expected = bytesToInt(base64Decode(text))
      } catch {
        expected = null
      }
      expect(shortBase64ToInt(text), JSON.stringify(text)).toBe(expected)
    }
    expect(shortBase64ToInt('ABCDEFGHI')).toBeUndefined()
  })
})
