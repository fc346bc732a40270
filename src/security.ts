/**
 * Werkzeug's security helpers: safe file names for uploads and salted,
 * slow password hashes.
 *
 * Password hashes use Werkzeug's format and derivation
 * (`scrypt:32768:8:1$<salt>$<hex>` and `pbkdf2:sha256:1000000$<salt>$<hex>`),
 * so hashes made by Werkzeug (Flask) verify here and the other way round.
 *
 * @module
 */
import { createHash, getHashes, pbkdf2, randomInt, scrypt, timingSafeEqual } from 'node:crypto'
import { ServiceUnavailable } from './http/server-errors.ts'

const WINDOWS_DEVICE_NAMES = new Set([
  'CON',
  'PRN',
  'AUX',
  'NUL',
  'CONIN$',
  'CONOUT$',
  ...Array.from({ length: 10 }, (_, i) => `COM${i}`),
  ...Array.from({ length: 10 }, (_, i) => `LPT${i}`),
])

/**
 * Makes a user-supplied file name safe to store on any file system: the
 * result is a plain ASCII name without directory parts.
 *
 * Follows Werkzeug's `secure_filename`: the name is NFKD-normalised and
 * stripped to ASCII, path separators (`/` and `\`) become spaces, runs of
 * whitespace become one `_`, every character outside `[A-Za-z0-9_.-]` is
 * dropped, leading and trailing `.` and `_` are removed, and a Windows device
 * name (`CON`, `PRN`, `AUX`, `NUL`, `COM0`-`COM9`, `LPT0`-`LPT9`) gets a `_`
 * prefix. Unlike Werkzeug, the last two rules apply on every platform (files
 * uploaded on one OS are often served from another).
 *
 * **The result may be an empty string** (for a name like `'../../'` or one
 * made only of non-Latin characters): callers must handle that, for example
 * by generating a random name. It also does not make names unique.
 *
 * @example
 * ```ts
 * secureFilename('My cool movie.mov')          // 'My_cool_movie.mov'
 * secureFilename('../../../etc/passwd')        // 'etc_passwd'
 * secureFilename('i contain cool ümläuts.txt') // 'i_contain_cool_umlauts.txt'
 * const name = secureFilename(file.filename) || `${crypto.randomUUID()}.bin`
 * ```
 */
export function secureFilename(filename: string): string {
  let name = filename.normalize('NFKD').replace(/[^\x00-\x7f]/g, '')
  name = name.replace(/[/\\]/g, ' ')
  // Python's str.split() also treats \x1c-\x1f as whitespace.
  name = name
    .split(/[\s\x1c-\x1f]+/)
    .filter((part) => part !== '')
    .join('_')
  name = name.replace(/[^A-Za-z0-9_.-]/g, '').replace(/^[._]+|[._]+$/g, '')
  if (name !== '' && WINDOWS_DEVICE_NAMES.has(name.split('.')[0].toUpperCase())) name = `_${name}`
  return name
}

/**
 * Options of {@link generatePasswordHash}.
 *
 * @example
 * ```ts
 * const options: PasswordHashOptions = { method: 'pbkdf2:sha256:600000', saltLength: 16 }
 * ```
 */
export interface PasswordHashOptions {
  /**
   * `'scrypt'` (default, N=32768, r=8, p=1), `'scrypt:N:r:p'`, `'pbkdf2'`
   * (SHA-256, 1,000,000 iterations), `'pbkdf2:<digest>'` or
   * `'pbkdf2:<digest>:<iterations>'`.
   */
  method?: string
  /** Number of salt characters (letters and digits). Default 16. */
  saltLength?: number
}

const SALT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const DEFAULT_PBKDF2_ITERATIONS = 1_000_000
/** Werkzeug (hashlib) scrypt output length in bytes. */
const SCRYPT_KEYLEN = 64
/** Refuse parameters beyond these: they would stall or exhaust the process. */
const MAX_SCRYPT_MEMORY = 1024 * 1024 * 1024
const MAX_PBKDF2_ITERATIONS = 50_000_000

interface ParsedMethod {
  kind: 'scrypt' | 'pbkdf2'
  /** The canonical method string written into the hash. */
  canonical: string
  derive(password: Buffer, salt: Buffer): Promise<Buffer>
}

const digestLengths = new Map<string, number>()

function digestLength(name: string): number | null {
  const known = digestLengths.get(name)
  if (known !== undefined) return known
  if (!/^[a-z0-9-]+$/i.test(name) || !getHashes().includes(name.toLowerCase())) return null
  let length: number
  try {
    length = createHash(name).digest().length
  } catch {
    return null
  }
  if (length === 0) return null
  digestLengths.set(name, length)
  return length
}

function parseInteger(text: string): number | null {
  if (!/^[0-9]{1,16}$/.test(text)) return null
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : null
}

/** Parses a Werkzeug method string; throws a RangeError explaining what is wrong. */
function parseMethod(method: string): ParsedMethod {
  const [name, ...args] = method.split(':')
  if (name === 'scrypt') {
    let n = 2 ** 15
    let r = 8
    let p = 1
    if (args.length > 0) {
      if (args.length !== 3) throw new RangeError("'scrypt' takes 3 arguments: scrypt:N:r:p")
      const parsed = args.map(parseInteger)
      if (parsed.some((v) => v === null)) throw new RangeError(`Invalid scrypt parameters in '${method}'`)
      ;[n, r, p] = parsed as number[]
    }
    if (n < 2 || (n & (n - 1)) !== 0 || n > 2 ** 24) throw new RangeError('scrypt N must be a power of two between 2 and 2^24')
    if (r < 1 || p < 1 || r * p >= 2 ** 30) throw new RangeError('scrypt r and p must be positive')
    const maxmem = 132 * n * r * p
    if (maxmem > MAX_SCRYPT_MEMORY) throw new RangeError('scrypt parameters need more than 1 GiB of memory')
    return {
      kind: 'scrypt',
      canonical: `scrypt:${n}:${r}:${p}`,
      derive: (password, salt) =>
        new Promise((resolve, reject) => {
          scrypt(password, salt, SCRYPT_KEYLEN, { N: n, r, p, maxmem: maxmem + 1024 * 1024 }, (err, key) =>
            err ? reject(err) : resolve(key),
          )
        }),
    }
  }
  if (name === 'pbkdf2') {
    if (args.length > 2) throw new RangeError("'pbkdf2' takes 2 arguments: pbkdf2:digest:iterations")
    const digest = args[0] ?? 'sha256'
    const iterations = args.length === 2 ? parseInteger(args[1]) : DEFAULT_PBKDF2_ITERATIONS
    const keylen = digestLength(digest)
    if (keylen === null) throw new RangeError(`Unknown pbkdf2 digest '${digest}'`)
    if (iterations === null || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS)
      throw new RangeError(`pbkdf2 iterations must be between 1 and ${MAX_PBKDF2_ITERATIONS}`)
    return {
      kind: 'pbkdf2',
      canonical: `pbkdf2:${digest}:${iterations}`,
      derive: (password, salt) =>
        new Promise((resolve, reject) => {
          pbkdf2(password, salt, iterations, keylen, digest, (err, key) => (err ? reject(err) : resolve(key)))
        }),
    }
  }
  throw new RangeError(`Invalid hash method '${name}'`)
}

// ------------------------------------------------ hashing's own concurrency

/**
 * How many password derivations may run at once: half of libuv's thread
 * pool (`UV_THREADPOOL_SIZE`, 4 by default), at least 1. scrypt and pbkdf2
 * run on that pool, and so do file reads, `dns.lookup` and zlib: with every
 * thread hashing (60 concurrent wrong-password logins), a static file waited
 * 2.5 s. The other half stays free for them; more hashes queue here, in order.
 */
const HASH_SLOTS = Math.max(1, Math.floor((Number(process.env.UV_THREADPOOL_SIZE) || 4) / 2))
let hashesRunning = 0
const hashQueue: Array<() => void> = []

/**
 * Most derivations that may wait for a slot (`PHIAL_PASSWORD_HASH_QUEUE`,
 * default 128: about 3 s of scrypt on two slots). One more is refused with a
 * {@link PasswordHashQueueFull} (503 with `Retry-After`) instead of waiting:
 * a flood of logins must not grow memory and latency without bound.
 */
let hashQueueLimit = queueLimitOf(process.env.PHIAL_PASSWORD_HASH_QUEUE, 128)
/** Average milliseconds of one derivation (moving average), for `Retry-After`. */
let hashMillis = 100

function queueLimitOf(value: unknown, fallback: number): number {
  const n = Number(value)
  return value === undefined || value === '' || !Number.isInteger(n) || n < 0 ? fallback : n
}

/**
 * A 503 (`Retry-After` in seconds): too many password hashes are waiting
 * already (see {@link setPasswordHashQueueLimit}).
 *
 * @example
 * ```ts
 * try { await checkPasswordHash(hash, password) } catch (err) { if (err instanceof PasswordHashQueueFull) log(err.retryAfter) ; throw err }
 * ```
 */
export class PasswordHashQueueFull extends ServiceUnavailable {}

/**
 * Sets how many password derivations may wait for a slot in this process
 * (default 128, or `PHIAL_PASSWORD_HASH_QUEUE`); `0` refuses any that cannot
 * start at once. Returns the previous limit.
 *
 * @example
 * ```ts
 * setPasswordHashQueueLimit(32)
 * ```
 */
export function setPasswordHashQueueLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`The password hash queue limit must be an integer >= 0, got ${String(limit)}`)
  const previous = hashQueueLimit
  hashQueueLimit = limit
  return previous
}

function releaseHashSlot(): void {
  const next = hashQueue.shift()
  if (next !== undefined) next()
  else hashesRunning--
}

/** Runs `derive` when a slot is free (a slot passes straight to the next in the queue); a full queue is a 503. */
async function withHashSlot<T>(derive: () => Promise<T>): Promise<T> {
  if (hashesRunning < HASH_SLOTS) hashesRunning++
  else if (hashQueue.length >= hashQueueLimit) {
    // the queue drains at HASH_SLOTS derivations per hashMillis
    const seconds = Math.max(1, Math.ceil(((hashQueue.length + 1) * hashMillis) / HASH_SLOTS / 1000))
    throw new PasswordHashQueueFull(`Too many password checks are waiting (${hashQueue.length}); try again in ${seconds} s.`, { retryAfter: seconds })
  } else await new Promise<void>((resolve) => hashQueue.push(resolve))
  const start = performance.now()
  try {
    return await derive()
  } finally {
    hashMillis = hashMillis * 0.8 + (performance.now() - start) * 0.2
    releaseHashSlot()
  }
}

function generateSalt(length: number): string {
  let salt = ''
  for (let i = 0; i < length; i++) salt += SALT_CHARS[randomInt(SALT_CHARS.length)]
  return salt
}

/**
 * Hashes a password with a random salt, in Werkzeug's format
 * `method$salt$hexhash`, e.g. `scrypt:32768:8:1$Xo3...$9a1c...`. Store the
 * whole string; {@link checkPasswordHash} reads the method and salt from it.
 *
 * The work runs on libuv's thread pool, so it does not block the event loop;
 * at most half of the pool hashes at once (more calls wait their turn), so
 * file I/O keeps its threads, and at most 128 wait (then a
 * {@link PasswordHashQueueFull}, a 503). See `UV_THREADPOOL_SIZE` in
 * docs/deployment.md. Throws a `RangeError` for an unknown method or
 * unreasonable parameters.
 *
 * @example
 * ```ts
 * const pwhash = await generatePasswordHash('correct horse battery staple')
 * // 'scrypt:32768:8:1$k9X2...$3f0a...'
 * const legacy = await generatePasswordHash('hunter2', { method: 'pbkdf2:sha256:600000' })
 * ```
 */
export async function generatePasswordHash(password: string, options: PasswordHashOptions = {}): Promise<string> {
  const parsed = parseMethod(options.method ?? 'scrypt')
  const saltLength = options.saltLength ?? 16
  if (!Number.isInteger(saltLength) || saltLength < 1 || saltLength > 1024)
    throw new RangeError('saltLength must be an integer between 1 and 1024')
  const salt = generateSalt(saltLength)
  const key = await withHashSlot(() => parsed.derive(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8')))
  return `${parsed.canonical}$${salt}$${key.toString('hex')}`
}

/**
 * Checks a password against a hash made by {@link generatePasswordHash} or by
 * Werkzeug's `generate_password_hash`. The comparison runs in constant time.
 *
 * A malformed hash, an unknown method, or parameters beyond the safety
 * limits (scrypt memory over 1 GiB, more than 50,000,000 pbkdf2 iterations)
 * give `false`. It throws only a {@link PasswordHashQueueFull} (503 with
 * `Retry-After`) when too many checks are waiting already.
 *
 * @example
 * ```ts
 * if (!(await checkPasswordHash(user.passwordHash, form.password))) abort(401)
 * ```
 */
export async function checkPasswordHash(pwhash: string, password: string): Promise<boolean> {
  if (typeof pwhash !== 'string' || typeof password !== 'string') return false
  const first = pwhash.indexOf('$')
  const second = first === -1 ? -1 : pwhash.indexOf('$', first + 1)
  if (second === -1) return false
  const method = pwhash.slice(0, first)
  const salt = pwhash.slice(first + 1, second)
  const expectedHex = pwhash.slice(second + 1)
  let parsed: ParsedMethod
  try {
    parsed = parseMethod(method)
  } catch {
    return false
  }
  let actual: Buffer
  try {
    actual = await withHashSlot(() => parsed.derive(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8')))
  } catch (err) {
    if (err instanceof PasswordHashQueueFull) throw err
    return false
  }
  // Werkzeug compares the hex strings; so do we, in constant time.
  const a = Buffer.from(actual.toString('hex'), 'utf8')
  const b = Buffer.from(expectedHex, 'utf8')
  if (a.length !== b.length) return false
  return timingSafeEqual(a, b)
}
