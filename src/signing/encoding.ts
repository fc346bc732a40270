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
