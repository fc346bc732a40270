/**
 * One ioredis client with the settings that make an outage a fast, clear
 * error instead of a hang: lazy connect, bounded connect and command
 * timeouts, no offline queue, quick reconnects. Shared by the Redis cache
 * backend and `phial/session-store`.
 */
import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis'
import { CacheUnavailable } from './errors.ts'

/**
 * Options of {@link RedisConnection}.
 *
 * @example
 * ```ts
 * const options: RedisConnectionOptions = { url: 'redis://127.0.0.1:6379/0', options: { connectTimeout: 500 } }
 * ```
 */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port/db` or `rediss://` (default `redis://127.0.0.1:6379`). */
  url?: string | null
  /** ioredis options, passed through (sentinels, tls, db, password, ...); they win over Phial's defaults. */
  options?: RedisOptions | null
  /** Cluster start-up nodes: connects with `new Cluster(nodes, { redisOptions })`. */
  cluster?: ClusterNode[] | null
  /** Options of the cluster client. */
  clusterOptions?: ClusterOptions | null
  /** An ioredis client of your own; used as is and never closed here. */
  client?: Redis | Cluster | null
  /** Called with connection errors, at most once per outage. */
  onError?: (err: Error) => void
  /** Name used in errors (`'redis'`). */
  label?: string
  /** What a client reads in the 503 while Redis is down (default: "The cache service is unavailable…"). */
  unavailableMessage?: string
}

/** How long the first command waits for the first connection, ms. */
const FIRST_CONNECT_WAIT = 2000

/**
 * Phial's defaults for ioredis: commands fail after 1 s instead of waiting
 * forever, commands sent while disconnected fail at once (no offline queue,
 * which would hold every request until Redis returns), and reconnection is
 * tried every 50–500 ms so service resumes within half a second of Redis
 * coming back.
 *
 * @example
 * ```ts
 * new Redis(url, { ...REDIS_DEFAULTS, db: 2 })
 * ```
 */
export const REDIS_DEFAULTS: Readonly<RedisOptions> = Object.freeze({
  lazyConnect: true,
  connectTimeout: 1000,
  commandTimeout: 1000,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  retryStrategy: (times: number) => Math.min(times * 50, 500),
})

const missing = (err: unknown): boolean =>
  err instanceof Error && ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(err.message))

/**
 * Loads ioredis (an optional peer dependency) or throws an error that says
 * how to install it.
 *
 * @example
 * ```ts
 * const { Redis } = await loadIoredis('CACHE_TYPE "redis"')
 * ```
 */
export async function loadIoredis(feature: string): Promise<{ Redis: typeof Redis; Cluster: typeof Cluster }> {
  try {
    const ioredis = await import('ioredis')
    return { Redis: ioredis.Redis, Cluster: ioredis.Cluster }
  } catch (err) {
    if (missing(err)) throw new Error(`${feature} needs the ioredis package: npm install ioredis`, { cause: err })
    throw err
  }
}

/**
 * A lazily connected Redis client whose failures are {@link CacheUnavailable}
 * (503). Connects on first use; while Redis is down every command fails in
 * well under a second; the client reconnects on its own.
 *
 * @example
 * ```ts
 * const redis = new RedisConnection({ url: 'redis://127.0.0.1:6379' })
 * const value = await redis.run((client) => client.get('key'))
 * await redis.close()
 * ```
 */
export class RedisConnection {
  readonly label: string
  readonly #options: RedisConnectionOptions
  readonly #owned: boolean
  #client: Promise<Redis | Cluster> | null = null
  #ready: Promise<void> | null = null
  #everReady = false
  #reported = false

  constructor(options: RedisConnectionOptions = {}) {
    this.#options = options
    this.#owned = options.client == null
    this.label = options.label ?? 'redis'
  }

  /** The client (created on first call). */
  client(): Promise<Redis | Cluster> {
    this.#client ??= this.#create()
    return this.#client
  }

  async #create(): Promise<Redis | Cluster> {
    const o = this.#options
    let client: Redis | Cluster
    if (o.client != null) client = o.client
    else {
      const ioredis = await loadIoredis(`phial ${this.label}`)
      const options: RedisOptions = { ...REDIS_DEFAULTS, ...o.options }
      if (o.cluster != null && o.cluster.length > 0) {
        client = new ioredis.Cluster(o.cluster, { enableOfflineQueue: false, lazyConnect: true, ...o.clusterOptions, redisOptions: options })
      } else {
        client = new ioredis.Redis(o.url ?? 'redis://127.0.0.1:6379', options)
      }
    }
    client.on('ready', () => {
      this.#everReady = true
      this.#reported = false
    })
    client.on('error', (err: Error) => {
      // one report per outage, not one per reconnection attempt
      if (this.#reported) return
      this.#reported = true
      this.#options.onError?.(err)
    })
    return client
  }

  /** Resolves when the client can take commands; rejects fast while Redis is down. */
  async #whenReady(client: Redis | Cluster): Promise<void> {
    const status = client.status
    if (status === 'ready') return
    if (status === 'end' || status === 'close') {
      if (!this.#owned) throw new Error('Redis connection is closed')
    }
    // Once Redis has been up, a reconnecting client means an outage: fail now, do not queue.
    if (this.#everReady && status !== 'wait' && status !== 'end') throw new Error(`Redis is not connected (${status})`)
    this.#ready ??= new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer)
        client.off('ready', onReady)
        client.off('end', onEnd)
        this.#ready = null
        if (err) reject(err)
        else resolve()
      }
      const onReady = (): void => done()
      const onEnd = (): void => done(new Error('Redis connection ended'))
      const timer = setTimeout(() => done(new Error(`Redis did not answer within ${FIRST_CONNECT_WAIT} ms`)), FIRST_CONNECT_WAIT)
      client.once('ready', onReady)
      client.once('end', onEnd)
      if (client.status === 'wait' || client.status === 'end') client.connect().catch((err: Error) => done(err))
    })
    return this.#ready
  }

  /**
   * Runs commands on the client. Connection failures and timeouts become a
   * {@link CacheUnavailable}; a Redis reply error (a wrong type, say), a
   * TypeError or a RangeError is rethrown as is.
   *
   * @example
   * ```ts
   * await redis.run((client) => client.set('k', 'v', 'EX', 60))
   * ```
   */
  async run<T>(fn: (client: Redis | Cluster) => Promise<T>): Promise<T> {
    let client: Redis | Cluster
    try {
      client = await this.client()
      await this.#whenReady(client)
    } catch (err) {
      throw this.#unavailable(err)
    }
    try {
      return await fn(client)
    } catch (err) {
      // Redis answered (a wrong type...) or the caller erred: not an outage
      if (err instanceof TypeError || err instanceof RangeError || (err instanceof Error && err.name === 'ReplyError')) throw err
      throw this.#unavailable(err)
    }
  }

  #unavailable(err: unknown): Error {
    if (err instanceof CacheUnavailable) return err
    if (err instanceof Error && /needs the ioredis package/.test(err.message)) return err
    return new CacheUnavailable(this.label, err, this.#options.unavailableMessage)
  }

  /**
   * Closes the client (unless it was given in the options).
   *
   * @example
   * ```ts
   * await redis.close()
   * ```
   */
  async close(): Promise<void> {
    const pending = this.#client
    this.#client = null
    if (pending === null || !this.#owned) return
    const client = await pending
    if (client.status === 'wait' || client.status === 'end') {
      client.disconnect()
      return
    }
    try {
      await client.quit()
    } catch {
      client.disconnect()
    }
  }
}
