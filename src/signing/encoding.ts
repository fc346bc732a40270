/**
 * Bytes, text, base64url and big-endian integers as itsdangerous encodes them
 * (its `encoding` module).
 *
 * @module
 */

/**
 * A secret key: text (UTF-8 encoded) or bytes.
 *
 * @example
 * ```ts
 * const key: SecretKey = process.env.SECRET_KEY ?? crypto.randomBytes(32)
 * ```
 */
export type SecretKey = string | Uint8Array

export const BASE64URL = /^[A-Za-z0-9_-]*$/
export const BASE64_ALPHABET = /[A-Za-z0-9_=-]/
export const utf8Decoder = new TextDecoder('utf-8', { fatal: true })

export function toBytes(value: string | Uint8Array): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
}

export function toText(value: string | Uint8Array): string {
  if (typeof value === 'string') return value
  try {
    return utf8Decoder.decode(value)
  } catch (err) {
    throw new TypeError('A value to sign given as bytes must be UTF-8 text', { cause: err })
  }
}

/** Base64url without padding, as itsdangerous writes it. Throws on anything non-canonical. */
export function base64Decode(text: string): Buffer {
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw new TypeError('Invalid base64-encoded data')
  return Buffer.from(text, 'base64url')
}

/**
 * Short base64url text (at most 8 characters: 6 bytes) as the big-endian
 * integer of its bytes, without a Buffer: what `bytesToInt(base64Decode(text))`
 * gives (the bits past the last whole byte dropped, as the decoder does), or
 * null where `base64Decode` throws. `undefined` for longer text (decode it).
 */
export function shortBase64ToInt(text: string): number | null | undefined {
  const n = text.length
  if (n > 8) return undefined
  if (n % 4 === 1) return null
  let v = 0
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    let d: number
    if (c >= 65 && c <= 90) d = c - 65
    else if (c >= 97 && c <= 122) d = c - 71
    else if (c >= 48 && c <= 57) d = c + 4
    else if (c === 45) d = 62
    else if (c === 95) d = 63
    else return null
    v = v * 64 + d
  }
  const extraBits = n * 6 - Math.floor((n * 6) / 8) * 8
  return Math.floor(v / 2 ** extraBits)
}

export function intToBytes(n: number): Buffer {
  const bytes: number[] = []
  let rest = n
  while (rest > 0) {
    bytes.unshift(rest % 256)
    rest = Math.floor(rest / 256)
  }
  return Buffer.from(bytes)
}

/** Big-endian bytes to a safe integer, or null (more than 8 bytes, or not safe). */
export function bytesToInt(bytes: Uint8Array): number | null {
  if (bytes.length > 8) return null
  let n = 0
  for (const b of bytes) n = n * 256 + b
  return Number.isSafeInteger(n) ? n : null
}
