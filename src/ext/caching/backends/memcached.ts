/**
 * `CACHE_TYPE: 'memcached'`: values in Memcached (memjs), under a key
 * prefix; long or unusual keys are hashed to fit Memcached's key rules.
 */
import { createHash } from 'node:crypto'
import type { Client } from 'memjs'
import { CacheUnavailable } from '../errors.ts'
import type { CacheBackend } from './types.ts'

/**
 * Options of {@link MemcachedBackend}.
 *
 * @example
 * ```ts
 * const options: MemcachedBackendOptions = { servers: ['127.0.0.1:11211'] }
 * ```
 */
export interface MemcachedBackendOptions {
  /** `host:port` of each server (default `['127.0.0.1:11211']`). */
  servers?: readonly string[] | string | null
  /** SASL user name and password, when the servers need them. */
  username?: string | null
  password?: string | null
  /** memjs options, passed through; they win over Phial's defaults. */
  options?: Record<string, unknown> | null
}

/** Memcached reads a lifetime over 30 days as a Unix time. */
const THIRTY_DAYS = 30 * 24 * 3600
/** Keys Memcached takes as they are: at most 250 printable bytes without spaces. */
const PLAIN_KEY = /^[\x21-\x7e]{1,200}$/

function expires(ttl: number): number {
  if (ttl <= 0) return 0
  return ttl > THIRTY_DAYS ? Math.floor(Date.now() / 1000) + ttl : ttl
}

const missing = (err: unknown): boolean =>
  err instanceof Error && ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(err.message))

/**
 * The Memcached backend. Requests time out after half a second; a server
 * that cannot be reached is a `CacheUnavailable` (503). `clear()` flushes the
 * whole server (Memcached cannot list keys), and counters are unsigned:
 * `dec` stops at 0.
 *
 * @example
 * ```ts
 * const backend = new MemcachedBackend('myapp:', { servers: ['127.0.0.1:11211'] })
 * ```
 */
export class MemcachedBackend implements CacheBackend {
  readonly type = 'memcached'
  readonly prefix: string
  readonly #options: MemcachedBackendOptions
  #client: Promise<Client> | null = null

  constructor(prefix: string, options: MemcachedBackendOptions = {}) {
    this.prefix = prefix
    this.#options = options
  }

  async #create(): Promise<Client> {
    let memjs: typeof import('memjs')
    try {
      memjs = await import('memjs')
    } catch (err) {
      if (missing(err)) throw new Error('CACHE_TYPE "memcached" needs the memjs package: npm install memjs', { cause: err })
      throw err
    }
    const o = this.#options
    const servers = o.servers == null ? '127.0.0.1:11211' : typeof o.servers === 'string' ? o.servers : o.servers.join(',')
    const create = (memjs.Client ?? (memjs as unknown as { default: typeof memjs }).default.Client).create
    return create(servers, {
      timeout: 0.5,
      conntimeout: 0.5,
      retries: 1,
      retry_delay: 0.05,
      keepAlive: true,
      failover: servers.includes(','),
      logger: { log: () => {} },
      ...(o.username ? { username: o.username, password: o.password ?? '' } : {}),
      ...o.options,
    })
  }

  async #run<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    this.#client ??= this.#create()
    const client = await this.#client
    try {
      return await fn(client)
    } catch (err) {
      if (err instanceof TypeError) throw err
      throw new CacheUnavailable('memcached', err)
    }
  }

  #k(key: string): string {
    const full = this.prefix + key
    if (PLAIN_KEY.test(full)) return full
    return `${this.prefix}#${createHash('sha256').update(key).digest('base64url')}`
  }

  get(key: string): Promise<string | undefined> {
    return this.#run(async (c) => {
      const { value } = await c.get(this.#k(key))
      if (value === null) return undefined
      const text = value.toString('utf8')
      // a counter that lost digits may come back space-padded ("7 " after 11 - 4)
      return text.endsWith(' ') && /^\d+ +$/.test(text) ? text.trimEnd() : text
    })
  }

  getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    return Promise.all(keys.map((k) => this.get(k)))
  }

  set(key: string, text: string, ttl: number): Promise<void> {
    return this.#run(async (c) => {
      await c.set(this.#k(key), text, { expires: expires(ttl) })
    })
  }

  add(key: string, text: string, ttl: number): Promise<boolean> {
    return this.#run((c) => c.add(this.#k(key), text, { expires: expires(ttl) }))
  }

  async setMany(entries: ReadonlyArray<readonly [string, string]>, ttl: number): Promise<void> {
    await Promise.all(entries.map(([key, text]) => this.set(key, text, ttl)))
  }

  delete(key: string): Promise<boolean> {
    return this.#run((c) => c.delete(this.#k(key)))
  }

  async deleteMany(keys: readonly string[]): Promise<number> {
    const results = await Promise.all(keys.map((k) => this.delete(k)))
    return results.filter(Boolean).length
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined
  }

  clear(): Promise<void> {
    return this.#run(async (c) => {
      await c.flush()
    })
  }

  incr(key: string, delta: number): Promise<number> {
    return this.#run(async (c) => {
      const k = this.#k(key)
      let result: { success: boolean; value?: number | null }
      try {
        result = delta >= 0 ? await c.increment(k, delta, { initial: delta }) : await c.decrement(k, -delta, { initial: 0 })
      } catch (err) {
        if (err instanceof Error && /non-numeric/i.test(err.message)) {
          throw new TypeError(`cache.inc: the value of ${JSON.stringify(key)} is not an integer`, { cause: err })
        }
        throw err
      }
      if (!result.success || result.value == null) throw new TypeError(`cache.inc: the value of ${JSON.stringify(key)} is not an integer`)
      return Number(result.value)
    })
  }

  async close(): Promise<void> {
    const pending = this.#client
    this.#client = null
    if (pending !== null) (await pending).close()
  }
}
