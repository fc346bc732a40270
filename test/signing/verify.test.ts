/**
 * Signature checks after the session-speed work (issue 12): the signature is
 * compared as bytes, and only its canonical base64url spelling is accepted,
 * for every digest and every possible last character; timestamps and
 * payloads decode as before.
 */
import { describe, expect, it } from 'vitest'
import { BadPayload, Signer, TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer } from 'phial/signing'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

describe('verifySignature', () => {
  it.each(['sha1', 'sha256', 'sha512'] as const)('%s: of the 64 last characters only the canonical one verifies', (digestMethod) => {
    const signer = new Signer(['old', 'new'], { digestMethod })
    for (const value of ['a', 'hello', 'x'.repeat(100), 'ünï']) {
      const signed = signer.sign(value)
      const accepted = [...ALPHABET].filter((c) => signer.validate(`${signed.slice(0, -1)}${c}`))
      expect(accepted).toEqual([signed.at(-1)])
    }
  })

  it('accepts a signature made with a fallback key, refuses wrong lengths and characters', () => {
    const old = new Signer('old')
    const both = new Signer(['old', 'new'])
    const signed = old.sign('v')
    expect(both.unsign(signed)).toBe('v')
    const sig = signed.split('.')[1]!
    expect(both.verifySignature('v', sig.slice(1))).toBe(false)
    expect(both.verifySignature('v', `${sig}A`)).toBe(false)
    expect(both.verifySignature('v', `${sig.slice(0, -1)}=`)).toBe(false)
    expect(both.verifySignature('v', 42 as unknown as string)).toBe(false)
  })
})

describe('timestamps and payloads', () => {
  it('tokens signed in the same second share the timestamp; each verifies', () => {
    const s = new TimestampSigner('k')
    const a = s.sign('a')
    const b = s.sign('b')
    expect(a.split('.')[1]).toBe(b.split('.')[1])
    expect(s.unsign(a, { maxAge: 10 })).toBe('a')
  })

  it('a timestamp too large for a Date is malformed; a subclass converting it itself is asked', () => {
    const s = new TimestampSigner('k')
    const big = Buffer.from([0x7f, 0xff, 0xff, 0xff, 0xff, 0xff]).toString('base64url')
    const token = new Signer('k', { salt: 'itsdangerous.Signer' }).sign(`v.${big}`)
    expect(() => s.unsign(token)).toThrow(/Malformed timestamp/)
    class Lenient extends TimestampSigner {
      override timestampToDate(): Date { return new Date(0) }
    }
    expect(new Lenient('k').unsign(token)).toBe('v')
  })

  it('loads with and without returnTimestamp; a payload that is not UTF-8 is a BadPayload; a BOM is dropped', () => {
    const s = new URLSafeTimedSerializer('k')
    const token = s.dumps({ a: 1 })
    expect(s.loads(token)).toEqual({ a: 1 })
    const [value, when] = s.loads(token, { returnTimestamp: true })
    expect(value).toEqual({ a: 1 })
    expect(when).toBeInstanceOf(Date)
    const raw = new URLSafeSerializer('k')
    const signer = raw.makeSigner()
    expect(() => raw.loads(signer.sign(Buffer.from([0xff, 0xfe]).toString('base64url')))).toThrow(BadPayload)
    expect(raw.loads(signer.sign(Buffer.from('\ufeff[1]').toString('base64url')))).toEqual([1])
  })
})

describe('verifiedCacheSize', () => {
  it('a remembered token still answers exactly as the HMAC would: tampered fails, old ones expire', () => {
    let now = 1_700_000_000
    class Clock extends TimestampSigner {
      override getTimestamp() { return now }
    }
    const s = new Clock('k', { verifiedCacheSize: 2 })
    const token = s.sign('v')
    expect(s.unsign(token, { maxAge: 10 })).toBe('v')
    expect(() => s.unsign(`${token.slice(0, -1)}${token.at(-1) === 'A' ? 'B' : 'A'}`)).toThrow(/does not match/)
    expect(() => s.unsign(token.replace(/^v/, 'w'))).toThrow(/does not match/)
    now += 60
    expect(() => s.unsign(token, { maxAge: 10 })).toThrow(/Signature age 60 > 10/)
    expect(new TimestampSigner('other', { verifiedCacheSize: 2 }).validate(token)).toBe(false)
  })

  it('keeps at most that many, dropping the oldest; a subclass that overrides verifySignature is always asked', () => {
    let asked = 0
    class Counting extends Signer {
      override verifySignature(value: string, signature: string) { asked++; return super.verifySignature(value, signature) }
    }
    const s = new Counting('k', { verifiedCacheSize: 1 })
    const a = s.sign('a')
    s.unsign(a)
    s.unsign(a)
    expect(asked).toBe(2)
    expect(() => new Signer('k', { verifiedCacheSize: -1 })).toThrow(TypeError)
    const plain = new Signer('k', { verifiedCacheSize: 1 })
    const [x, y] = [plain.sign('x'), plain.sign('y')]
    expect([plain.unsign(x), plain.unsign(y)]).toEqual(['x', 'y'])
  })
})
