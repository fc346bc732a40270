import { deflateSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import fc from 'fast-check'
import {
  BadData,
  BadPayload,
  BadSignature,
  BadTimeSignature,
  Serializer,
  SignatureExpired,
  Signer,
  TimedSerializer,
  TimestampSigner,
  URLSafeSerializer,
  URLSafeTimedSerializer,
} from 'phial/signing'

/** Seconds since the epoch used by the Python fixtures. */
const TS = 1_700_000_000

/**
 * Tokens produced by Python itsdangerous 2.2.0 (Flask 3.1.3 for the session
 * cookie), with the timestamp frozen at TS. itsdangerous defaults: SHA-1,
 * 'django-concat', salt 'itsdangerous.Signer' for signers and 'itsdangerous'
 * for serializers.
 */
const PY = {
  signerSha1: 'hello.GIG_I5genEs4rf1bcDRWLO8Yso4',
  signerSha256Hmac: 'hello wörld.tcK4wLuPZzQXvL8dcyRwdQuoDm-Ntw8_n5V3pQlzww0',
  signerConcat: 'x.HooG0MH9M2Q4cPI2S9AVs6VSiSk',
  signerNone: 'x.gvGv78fk5L4u7oPBRyQiEHsQEYol87F5vUzoc-6HvsiLO6Df9o8-lSgJ_74rVV1fP0NFLDMDeidUgiy_d3eqBQ',
  timestampSigner: 'user-42.ZVPxAA.sNMg66YQEcYcXv6WulFaWNtlpgQ',
  urlTimed: 'eyJlbWFpbCI6ImFAZXhhbXBsZS5jb20iLCJuIjpbMSwyLDNdfQ.ZVPxAA.YuaIkkLZBA-nS-YB8gwsSk7wT1k',
  urlTimedCompressed: '.eJyrVsosSc0tVrKKVipKLUhNLFHITVXSGWWPsqnEjq0FAHTNxns.ZVPxAA.V82PBw-8WgouZetHDPJgjytRXB0',
  urlTimedUnicode: 'eyJuYW1lIjoiWm_DqyDinJMifQ.ZVPxAA.SVqfdg2KHcjBiJA323DJNde_pgg',
  url: 'WzEsInR3byIsbnVsbCx0cnVlLDIuNV0.Z9-BIdrLFF2JKsflGGIpifOUE-I',
  plain: '{"a": 1, "b": "c"}.5HQMOC0HnU6o2GFKb1-KrTpMECo',
  rotationOld: 'eyJpZCI6N30.ZVPxAA.heUGj4apU06DDImZfPK9yK6K9rc',
  flaskSession: 'eyJ1c2VyX2lkIjo0MiwibmFtZSI6ImFkYSJ9.ZVPxAA.rR5rt3_y0ArphgqavFR2ceuXVNM',
}

const sha1 = { digestMethod: 'sha1' } as const

function setNow(seconds: number): void {
  vi.setSystemTime(new Date(seconds * 1000))
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  setNow(TS)
})
afterEach(() => {
  vi.useRealTimers()
})

describe('interoperability with Python itsdangerous', () => {
  it('Signer produces identical signatures', () => {
    expect(new Signer('secret-key', sha1).sign('hello')).toBe(PY.signerSha1)
    expect(
      new Signer('secret-key', { salt: 'my-salt', keyDerivation: 'hmac', digestMethod: 'sha256' }).sign('hello wörld'),
    ).toBe(PY.signerSha256Hmac)
    expect(new Signer('k', { keyDerivation: 'concat', digestMethod: 'sha1' }).sign('x')).toBe(PY.signerConcat)
    expect(new Signer('k'.repeat(20), { keyDerivation: 'none', digestMethod: 'sha512' }).sign('x')).toBe(PY.signerNone)
    expect(new Signer('secret-key', sha1).unsign(PY.signerSha1)).toBe('hello')
  })

  it('TimestampSigner produces identical tokens', () => {
    const signer = new TimestampSigner('secret-key', sha1)
    expect(signer.sign('user-42')).toBe(PY.timestampSigner)
    const [value, date] = signer.unsign(PY.timestampSigner, { returnTimestamp: true })
    expect(value).toBe('user-42')
    expect(date.getTime()).toBe(TS * 1000)
  })

  it('URLSafeTimedSerializer produces identical tokens and loads Python ones', () => {
    const s = new URLSafeTimedSerializer('secret-key', { salt: 'email-confirm', signerOptions: sha1 })
    expect(s.dumps({ email: 'a@example.com', n: [1, 2, 3] })).toBe(PY.urlTimed)
    expect(s.loads(PY.urlTimed, { maxAge: 60 })).toEqual({ email: 'a@example.com', n: [1, 2, 3] })
    expect(s.loads(PY.urlTimedCompressed)).toEqual({ items: Array(50).fill('repeat me') })
    const u = new URLSafeTimedSerializer('secret-key', { signerOptions: sha1 })
    expect(u.dumps({ name: 'Zoë ✓' })).toBe(PY.urlTimedUnicode)
    expect(u.loads(PY.urlTimedUnicode)).toEqual({ name: 'Zoë ✓' })
  })

  it('URLSafeSerializer and Serializer load Python tokens', () => {
    const u = new URLSafeSerializer('secret-key', { signerOptions: sha1 })
    expect(u.loads(PY.url)).toEqual([1, 'two', null, true, 2.5])
    expect(u.dumps([1, 'two', null, true, 2.5])).toBe(PY.url)
    expect(new Serializer('secret-key', { signerOptions: sha1 }).loads(PY.plain)).toEqual({ a: 1, b: 'c' })
  })

  it("loads a Flask session cookie (salt 'cookie-session', hmac, sha1)", () => {
    const s = new URLSafeTimedSerializer('dev', {
      salt: 'cookie-session',
      signerOptions: { keyDerivation: 'hmac', digestMethod: 'sha1' },
    })
    expect(s.loads(PY.flaskSession)).toEqual({ user_id: 42, name: 'ada' })
  })

  it('accepts a Python token signed with a rotated-out key', () => {
    const s = new URLSafeTimedSerializer(['old-key', 'new-key'], { salt: 'reset', signerOptions: sha1 })
    expect(s.loads(PY.rotationOld)).toEqual({ id: 7 })
    expect(() => new URLSafeTimedSerializer('new-key', { salt: 'reset', signerOptions: sha1 }).loads(PY.rotationOld)).toThrow(
      BadSignature,
    )
  })
})

describe('Signer', () => {
  it('signs and unsigns, with sha256 by default', () => {
    const signer = new Signer('secret')
    const signed = signer.sign('value.with.dots')
    expect(signed.startsWith('value.with.dots.')).toBe(true)
    expect(signed.split('.').pop()).toHaveLength(43) // 32 bytes of base64url
    expect(signer.unsign(signed)).toBe('value.with.dots')
    expect(signer.validate(signed)).toBe(true)
    expect(signer.validate(`${signed}x`)).toBe(false)
    expect(signer.verifySignature('value.with.dots', signer.getSignature('value.with.dots'))).toBe(true)
  })

  it('signs bytes that are UTF-8 text', () => {
    const signer = new Signer('secret')
    expect(signer.sign(new TextEncoder().encode('héllo'))).toBe(signer.sign('héllo'))
    expect(() => signer.sign(new Uint8Array([0xff, 0xfe]))).toThrow(TypeError)
  })

  it('accepts bytes keys equal to their UTF-8 text', () => {
    expect(new Signer(new TextEncoder().encode('secret')).sign('a')).toBe(new Signer('secret').sign('a'))
  })

  it('throws BadSignature with the payload for a wrong signature', () => {
    const signer = new Signer('secret')
    const err = (() => {
      try {
        signer.unsign('hello.AAAA')
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(BadSignature)
    expect(err).toBeInstanceOf(BadData)
    expect((err as BadSignature).payload).toBe('hello')
    expect((err as Error).name).toBe('BadSignature')
  })

  it('throws BadSignature when the separator is missing', () => {
    expect(() => new Signer('secret').unsign('no-separator')).toThrow(/No '\.' found/)
  })

  it('separates signatures by salt and key', () => {
    const signed = new Signer('secret', { salt: 'a' }).sign('v')
    expect(new Signer('secret', { salt: 'b' }).validate(signed)).toBe(false)
    expect(new Signer('other', { salt: 'a' }).validate(signed)).toBe(false)
  })

  it('supports a custom separator', () => {
    const signer = new Signer('secret', { sep: '|' })
    const signed = signer.sign('a.b')
    expect(signed).toMatch(/^a\.b\|/)
    expect(signer.unsign(signed)).toBe('a.b')
  })

  it('rejects bad options', () => {
    expect(() => new Signer('secret', { sep: 'x' })).toThrow(TypeError)
    expect(() => new Signer('secret', { sep: '' })).toThrow(TypeError)
    expect(() => new Signer('secret', { sep: '=' })).toThrow(TypeError)
    expect(() => new Signer([])).toThrow(/at least one/)
    expect(() => new Signer('')).toThrow(/empty/)
    expect(() => new Signer('s', { digestMethod: 'md5' as 'sha1' })).toThrow(TypeError)
    expect(() => new Signer('s', { keyDerivation: 'pbkdf2' as 'hmac' })).toThrow(TypeError)
  })

  it('rotates keys: signs with the newest, accepts all', () => {
    const old = new Signer('k1')
    const both = new Signer(['k1', 'k2'])
    const newest = new Signer('k2')
    expect(both.unsign(old.sign('v'))).toBe('v')
    expect(both.sign('v')).toBe(newest.sign('v'))
    expect(old.validate(both.sign('v'))).toBe(false)
  })

  it('rejects non-canonical base64 in the signature', () => {
    const signer = new Signer('secret')
    const signed = signer.sign('v')
    // The last of 43 characters carries 4 signature bits and 2 padding bits;
    // a lenient decoder maps several characters to the same bytes.
    const last = signed.at(-1)!
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const idx = alphabet.indexOf(last)
    const sibling = alphabet[idx ^ 1]
    expect(Buffer.from(`${signed.slice(2, -1)}${sibling}`, 'base64url')).toEqual(
      Buffer.from(signed.slice(2), 'base64url'),
    )
    expect(signer.validate(`${signed.slice(0, -1)}${sibling}`)).toBe(false)
    expect(signer.validate(`${signed}=`)).toBe(false)
  })
})

describe('TimestampSigner', () => {
  it('enforces maxAge and returns the timestamp', () => {
    const signer = new TimestampSigner('secret')
    const token = signer.sign('v')
    setNow(TS + 10)
    expect(signer.unsign(token, { maxAge: 10 })).toBe('v')
    expect(signer.validate(token, { maxAge: 10 })).toBe(true)
    setNow(TS + 11)
    expect(() => signer.unsign(token, { maxAge: 10 })).toThrow(SignatureExpired)
    expect(signer.validate(token, { maxAge: 10 })).toBe(false)
    expect(signer.validate(token)).toBe(true)
    const [, date] = signer.unsign(token, { returnTimestamp: true })
    expect(date.toISOString()).toBe(new Date(TS * 1000).toISOString())
  })

  it('reports the expiry with dateSigned and the payload', () => {
    const signer = new TimestampSigner('secret')
    const token = signer.sign('v')
    setNow(TS + 100)
    try {
      signer.unsign(token, { maxAge: 5 })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(SignatureExpired)
      expect((err as SignatureExpired).dateSigned?.getTime()).toBe(TS * 1000)
      expect((err as SignatureExpired).payload).toBe('v')
      expect((err as Error).message).toBe('Signature age 100 > 5 seconds')
    }
  })

  it('treats a token from the future as expired', () => {
    const signer = new TimestampSigner('secret')
    setNow(TS + 50)
    const token = signer.sign('v')
    setNow(TS)
    expect(() => signer.unsign(token, { maxAge: 1000 })).toThrow(/< 0 seconds/)
  })

  it('gives BadTimeSignature with dateSigned for a bad signature', () => {
    const signer = new TimestampSigner('secret')
    const token = new TimestampSigner('other').sign('v')
    try {
      signer.unsign(token)
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(BadTimeSignature)
      expect(err).not.toBeInstanceOf(SignatureExpired)
      expect((err as BadTimeSignature).dateSigned?.getTime()).toBe(TS * 1000)
    }
  })

  it('reports a missing or malformed timestamp', () => {
    const plain = new Signer('secret')
    const timed = new TimestampSigner('secret')
    expect(() => timed.unsign(plain.sign('no-timestamp'))).toThrow(/timestamp missing/)
    expect(() => timed.unsign(plain.sign('v.!!!'))).toThrow(/Malformed timestamp/)
    expect(() => timed.unsign(plain.sign('v.AAAAAAAAAAAAAAAA'))).toThrow(/Malformed timestamp/)
  })

  it('can be subclassed to fix the clock', () => {
    class Frozen extends TimestampSigner {
      override getTimestamp(): number {
        return 1
      }
    }
    const token = new Frozen('secret').sign('v')
    expect(token.split('.')[1]).toBe('AQ')
    expect(new TimestampSigner('secret').unsign(token, { returnTimestamp: true })[1].getTime()).toBe(1000)
  })
})

describe('Serializer family', () => {
  it('Serializer signs JSON text', () => {
    const s = new Serializer<{ id: number }>('secret')
    const token = s.dumps({ id: 5 })
    expect(token.startsWith('{"id":5}.')).toBe(true)
    expect(s.loads(token)).toEqual({ id: 5 })
    expect(() => s.loads(token, { salt: 'other' })).toThrow(BadSignature)
    expect(s.loads(s.dumps({ id: 6 }, 'other'), { salt: 'other' })).toEqual({ id: 6 })
  })

  it('refuses maxAge on a serializer without timestamps', () => {
    const s = new URLSafeSerializer('secret')
    expect(() => s.loads(s.dumps(1), { maxAge: 5 } as never)).toThrow(/TimedSerializer/)
  })

  it('refuses values the serializer cannot represent', () => {
    expect(() => new URLSafeSerializer('secret').dumps(undefined)).toThrow(TypeError)
  })

  it('TimedSerializer enforces maxAge and returns timestamps', () => {
    const s = new TimedSerializer<string>('secret')
    const token = s.dumps('hi')
    setNow(TS + 3)
    expect(s.loads(token, { maxAge: 3 })).toBe('hi')
    const [value, date] = s.loads(token, { returnTimestamp: true })
    expect([value, date.getTime()]).toEqual(['hi', TS * 1000])
    expect(() => s.loads(token, { maxAge: 2 })).toThrow(SignatureExpired)
  })

  it('URL-safe tokens use only URL-safe characters and compress when shorter', () => {
    const s = new URLSafeTimedSerializer('secret')
    const small = s.dumps({ a: 1 })
    expect(small).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    const big = s.dumps({ list: Array(200).fill('same text') })
    expect(big.startsWith('.')).toBe(true)
    expect(big).toMatch(/^\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    expect(s.loads(big)).toEqual({ list: Array(200).fill('same text') })
  })

  it('reads the payload of an expired token with loadPayload', () => {
    const s = new URLSafeTimedSerializer<{ email: string }>('secret', { salt: 'confirm' })
    const token = s.dumps({ email: 'a@b.c' })
    setNow(TS + 7200)
    try {
      s.loads(token, { maxAge: 3600 })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(SignatureExpired)
      expect(s.loadPayload((err as SignatureExpired).payload as string)).toEqual({ email: 'a@b.c' })
    }
  })

  it('throws BadPayload for a signed payload that does not decode', () => {
    const s = new URLSafeTimedSerializer('secret')
    const signer = s.makeSigner()
    for (const payload of ['!!!', 'bm90IGpzb24', '.bm90IHpsaWI', '_w']) {
      const err = (() => {
        try {
          s.loads(signer.sign(payload))
        } catch (e) {
          return e
        }
      })()
      expect(err).toBeInstanceOf(BadPayload)
      expect(err).toBeInstanceOf(BadSignature)
      expect((err as BadPayload).originalError).toBeDefined()
    }
  })

  it('bounds decompression', () => {
    const bomb = `.${deflateSync(Buffer.alloc(11 * 1024 * 1024, 0x20)).toString('base64url')}`
    const s = new URLSafeTimedSerializer('secret')
    expect(() => s.loads(s.makeSigner().sign(bomb))).toThrow(BadPayload)
    const tight = new URLSafeSerializer('secret', { maxDecompressedSize: 1000 })
    const token = tight.dumps(Array(2000).fill(0))
    expect(token.startsWith('.')).toBe(true)
    expect(() => tight.loads(token)).toThrow(/larger than 1000 bytes/)
    expect(() => new URLSafeSerializer('secret', { maxDecompressedSize: 0 })).toThrow(TypeError)
  })

  it('accepts a custom value serializer', () => {
    const upper = {
      stringify: (v: unknown) => JSON.stringify(v).toUpperCase(),
      parse: (t: string) => JSON.parse(t.toLowerCase()) as unknown,
    }
    const s = new URLSafeSerializer<string>('secret', { serializer: upper })
    expect(s.loads(s.dumps('abc'))).toBe('abc')
  })

  it('passes signer options through; the serializer salt wins', () => {
    const s = new URLSafeTimedSerializer('secret', {
      salt: 'mine',
      signerOptions: { salt: 'ignored', digestMethod: 'sha512', keyDerivation: 'hmac' },
    })
    const signer = s.makeSigner()
    expect(signer.salt).toBe('mine')
    expect(signer.digestMethod).toBe('sha512')
    expect(signer).toBeInstanceOf(TimestampSigner)
    expect(s.dumps(1).split('.').pop()).toHaveLength(86)
  })
})

describe('properties', () => {
  const jsonArb = fc.jsonValue()
  const normalise = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown

  it('any JSON value round-trips through URLSafeTimedSerializer', () => {
    const s = new URLSafeTimedSerializer('secret', { salt: 'prop' })
    fc.assert(
      fc.property(jsonArb, (value) => {
        const token = s.dumps(value)
        expect(token).toMatch(/^\.?[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
        expect(s.loads(token, { maxAge: 10 })).toEqual(normalise(value))
      }),
      { numRuns: 300 },
    )
  })

  it('compression-sized JSON values round-trip', () => {
    const s = new URLSafeTimedSerializer('secret')
    let compressed = 0
    fc.assert(
      fc.property(jsonArb, fc.integer({ min: 10, max: 60 }), (value, times) => {
        const payload = { repeated: Array<unknown>(times).fill(value), text: 'abc'.repeat(times) }
        const token = s.dumps(payload)
        if (token.startsWith('.')) compressed++
        expect(s.loads(token)).toEqual(normalise(payload))
      }),
      { numRuns: 200 },
    )
    expect(compressed).toBeGreaterThan(150)
  })

  it('changing any single character makes loads throw BadSignature', () => {
    const s = new URLSafeTimedSerializer('secret', { salt: 'tamper' })
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ !%'
    fc.assert(
      fc.property(
        jsonArb,
        fc.nat(),
        fc.constantFrom(...chars.split('')),
        fc.boolean(),
        (value, pos, replacement, dropInstead) => {
          const token = s.dumps(value)
          const i = pos % token.length
          if (!dropInstead && token[i] === replacement) return
          const forged = token.slice(0, i) + (dropInstead ? '' : replacement) + token.slice(i + 1)
          let result: unknown = 'no error'
          try {
            result = s.loads(forged)
          } catch (err) {
            expect(err).toBeInstanceOf(BadSignature)
            return
          }
          throw new Error(`loads returned ${JSON.stringify(result)} for the forged token ${forged}`)
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('tokens older than maxAge throw SignatureExpired; younger ones load', () => {
    const s = new URLSafeTimedSerializer('secret')
    fc.assert(
      fc.property(
        jsonArb,
        fc.integer({ min: 0, max: 10 ** 7 }),
        fc.integer({ min: 1, max: 10 ** 6 }),
        (value, maxAge, extra) => {
          setNow(TS)
          const token = s.dumps(value)
          setNow(TS + maxAge)
          expect(s.loads(token, { maxAge })).toEqual(normalise(value))
          setNow(TS + maxAge + extra)
          expect(() => s.loads(token, { maxAge })).toThrow(SignatureExpired)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('key rotation: new keys accept old tokens, old keys reject new tokens', () => {
    const keyArb = fc.string({ minLength: 1, maxLength: 40 })
    fc.assert(
      fc.property(fc.uniqueArray(keyArb, { minLength: 3, maxLength: 3 }), jsonArb, ([k1, k2, k3], value) => {
        const old = new URLSafeTimedSerializer(k1)
        const rotated = new URLSafeTimedSerializer([k1, k2])
        const next = new URLSafeTimedSerializer([k2, k3])
        const oldToken = old.dumps(value)
        const rotatedToken = rotated.dumps(value)
        expect(rotated.loads(oldToken)).toEqual(normalise(value))
        expect(rotatedToken).toBe(new URLSafeTimedSerializer(k2).dumps(value))
        expect(next.loads(rotatedToken)).toEqual(normalise(value))
        expect(() => old.loads(rotatedToken)).toThrow(BadSignature)
        expect(() => next.loads(oldToken)).toThrow(BadSignature)
      }),
      { numRuns: 100 },
    )
  })
})
