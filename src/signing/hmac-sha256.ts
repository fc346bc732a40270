/**
 * HMAC-SHA256 of short ASCII strings in JavaScript, from the key's inner and
 * outer states computed once (issue 12). Node's `createHmac` costs ~3 µs per
 * call whatever the length — OpenSSL 3 fetches the algorithm and builds a
 * context each time — while the two or three SHA-256 blocks of a session
 * token take about a microsecond here. The result is the same HMAC
 * (test/signing_hmac_sha256.test.ts checks it against `createHmac`); longer
 * (over 384 characters, where Node's block function wins) or non-ASCII input
 * goes to Node. SHA-256 has no data-dependent branches or
 * table look-ups, so this code's timing depends on the length only, as
 * OpenSSL's does.
 *
 * @module
 */

/** Input longer than this goes to `createHmac` (there, the native block function wins). */
export const JS_HMAC_MAX_LENGTH = 384

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])

// scratch space, shared (JavaScript runs one call at a time)
const W = new Int32Array(64)
const H = new Int32Array(8)

/** SHA-256's compression function: the 16 words in W[0..15] into `state`. */
function compress(state: Int32Array): void {
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!
    const w2 = W[t - 2]!
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3)
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10)
    W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0
  }
  let a = state[0]!
  let b = state[1]!
  let c = state[2]!
  let d = state[3]!
  let e = state[4]!
  let f = state[5]!
  let g = state[6]!
  let h = state[7]!
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t]! + W[t]!) | 0
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  state[0] = (state[0]! + a) | 0
  state[1] = (state[1]! + b) | 0
  state[2] = (state[2]! + c) | 0
  state[3] = (state[3]! + d) | 0
  state[4] = (state[4]! + e) | 0
  state[5] = (state[5]! + f) | 0
  state[6] = (state[6]! + g) | 0
  state[7] = (state[7]! + h) | 0
}

/** The state after one 64-byte block of `key ^ pad` (the key already at most 64 bytes). */
function padState(key: Uint8Array, pad: number): Int32Array {
  const state = new Int32Array(IV)
  for (let i = 0; i < 16; i++) {
    let word = 0
    for (let j = 0; j < 4; j++) word = (word << 8) | (((key[i * 4 + j] ?? 0) ^ pad) & 0xff)
    W[i] = word
  }
  compress(state)
  return state
}

/** HMAC-SHA256 with a fixed key: the pad states made once. */
export class HmacSha256 {
  readonly #inner: Int32Array
  readonly #outer: Int32Array

  /** @param key - the HMAC key, at most 64 bytes (a derived key is 32). */
  constructor(key: Uint8Array) {
    if (key.length > 64) throw new RangeError('HmacSha256 takes keys of at most 64 bytes')
    this.#inner = padState(key, 0x36)
    this.#outer = padState(key, 0x5c)
  }

  /**
   * The 32-byte MAC of `text` when it is ASCII of at most
   * {@link JS_HMAC_MAX_LENGTH} characters; otherwise null (ask Node).
   */
  digest(text: string): Buffer | null {
    const n = text.length
    if (n > JS_HMAC_MAX_LENGTH) return null
    H.set(this.#inner)
    let seen = 0 // every code unit ORed: above 127 means not ASCII (the result is then thrown away)
    let i = 0
    for (; i + 64 <= n; i += 64) {
      for (let w = 0; w < 16; w++) {
        const p = i + w * 4
        const c0 = text.charCodeAt(p)
        const c1 = text.charCodeAt(p + 1)
        const c2 = text.charCodeAt(p + 2)
        const c3 = text.charCodeAt(p + 3)
        seen |= c0 | c1 | c2 | c3
        W[w] = (c0 << 24) | (c1 << 16) | (c2 << 8) | c3
      }
      compress(H)
    }
    // the last block(s): the rest, the 0x80 byte, zeros, the length in bits (below 2^32: n is bounded)
    W.fill(0, 0, 16)
    const rest = n - i
    for (let k = 0; k < rest; k++) {
      const c = text.charCodeAt(i + k)
      seen |= c
      W[k >> 2]! |= c << (24 - ((k & 3) << 3))
    }
    if (seen > 127) return null
    W[rest >> 2]! |= 0x80 << (24 - ((rest & 3) << 3))
    if (rest >= 56) {
      compress(H)
      W.fill(0, 0, 16)
    }
    W[15] = (64 + n) * 8
    compress(H)
    // outer: the outer pad's state, then the inner digest as the one last block
    for (let k = 0; k < 8; k++) W[k] = H[k]!
    W[8] = 0x80000000
    W.fill(0, 9, 15)
    W[15] = (64 + 32) * 8
    H.set(this.#outer)
    compress(H)
    const out = Buffer.allocUnsafe(32)
    for (let k = 0; k < 8; k++) out.writeInt32BE(H[k]!, k * 4)
    return out
  }
}
