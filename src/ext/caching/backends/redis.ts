/**
 * `CACHE_TYPE: 'redis'`: values in Redis (ioredis), under a key prefix, with
 * Redis expiry; cluster and sentinel through ioredis' own options.
 */
import type { Cluster, Redis } from 'ioredis'
import { RedisConnection, type RedisConnectionOptions } from '../redis-connection.ts'
import type { CacheBackend, CacheBroadcast } from './types.ts'

/** Escapes glob characters so the prefix matches itself in SCAN. */
const globEscape = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&')

const isCluster = (client: Redis | Cluster): client is Cluster => (client as { isCluster?: boolean }).isCluster === true

/**
 * The Redis backend. Every failure to reach Redis is a `CacheUnavailable`
 * (503) within about a second.
 *
 * @example
 * ```ts
 * const backend = new RedisBackend('myapp:', { url: 'redis://127.0.0.1:6379/0' })
 * ```
 */
export class RedisBackend implements CacheBackend {
  readonly type = 'redis'
  readonly prefix: string
  readonly connection: RedisConnection
  readonly broadcast: CacheBroadcast
  #subscriber: Promise<Redis | Cluster> | null = null

  constructor(prefix: string, options: RedisConnectionOptions) {
    this.prefix = prefix
    this.connection = new RedisConnection({ label: 'redis', ...options })
    const channel = `${prefix}__phial_invalidate__`
    this.broadcast = {
      publish: (keys) =>
        this.connection.run(async (c) => {
          await c.publish(channel, JSON.stringify(keys))
        }),
      subscribe: (handler, onSubscribed) => {
        // a connection of its own (a subscribed connection takes no other commands),
        // which ioredis reconnects and resubscribes by itself
        this.#subscriber ??= this.connection.client().then((client) => {
          const sub = isCluster(client) ? client.duplicate() : client.duplicate({ lazyConnect: false, enableOfflineQueue: true, autoResubscribe: true })
          sub.on('error', () => {})
          return sub
        })
        this.#subscriber
          .then((sub) => {
            sub.on('message', (from: string, message: string) => {
              if (from !== channel) return
              try {
                const keys: unknown = JSON.parse(message)
                if (Array.isArray(keys)) handler(keys.filter((k): k is string => typeof k === 'string'))
              } catch {
                /* not ours */
              }
            })
            // after a reconnection, messages sent while disconnected are lost
            let subscribed = false
            sub.on('ready', () => {
              if (subscribed) onSubscribed()
            })
            return sub.subscribe(channel).then(() => {
              subscribed = true
              onSubscribed()
            })
          })
          .catch(() => {})
      },
    }
  }

  #k(key: string): string {
    return this.prefix + key
  }

  get(key: string): Promise<string | undefined> {
    return this.connection.run(async (c) => (await c.get(this.#k(key))) ?? undefined)
  }

  getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    if (keys.length === 0) return Promise.resolve([])
    return this.connection.run(async (c) => {
      // MGET needs one hash slot in a cluster; ask key by key there
      const values = isCluster(c) ? await Promise.all(keys.map((k) => c.get(this.#k(k)))) : await c.mget(keys.map((k) => this.#k(k)))
      return values.map((v) => v ?? undefined)
    })
  }

  set(key: string, text: string, ttl: number): Promise<void> {
    return this.connection.run(async (c) => {
      if (ttl > 0) await c.set(this.#k(key), text, 'EX', ttl)
      else await c.set(this.#k(key), text)
    })
  }

  add(key: string, text: string, ttl: number): Promise<boolean> {
    return this.connection.run(async (c) => {
      const reply = ttl > 0 ? await c.set(this.#k(key), text, 'EX', ttl, 'NX') : await c.set(this.#k(key), text, 'NX')
      return reply === 'OK'
    })
  }

  setMany(entries: ReadonlyArray<readonly [string, string]>, ttl: number): Promise<void> {
    if (entries.length === 0) return Promise.resolve()
    return this.connection.run(async (c) => {
      const pipeline = c.pipeline()
      for (const [key, text] of entries) {
        if (ttl > 0) pipeline.set(this.#k(key), text, 'EX', ttl)
        else pipeline.set(this.#k(key), text)
      }
      const results = (await pipeline.exec()) ?? []
      const failed = results.find(([err]) => err !== null)
      if (failed) throw failed[0]
    })
  }

  delete(key: string): Promise<boolean> {
    return this.connection.run(async (c) => (await c.del(this.#k(key))) > 0)
  }

  deleteMany(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return Promise.resolve(0)
    return this.connection.run(async (c) => {
      if (isCluster(c)) return (await Promise.all(keys.map((k) => c.del(this.#k(k))))).reduce((a, b) => a + b, 0)
      return c.del(...keys.map((k) => this.#k(k)))
    })
  }

  has(key: string): Promise<boolean> {
    return this.connection.run(async (c) => (await c.exists(this.#k(key))) > 0)
  }

  clear(): Promise<void> {
    return this.connection.run(async (c) => {
      // Flask-Caching's rule: without a prefix the cache owns the database
      if (this.prefix === '') {
        await (isCluster(c) ? Promise.all(c.nodes('master').map((n) => n.flushdb())) : c.flushdb())
        return
      }
      const nodes: Redis[] = isCluster(c) ? c.nodes('master') : [c]
      const match = `${globEscape(this.prefix)}*`
      for (const node of nodes) {
        let cursor = '0'
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 500)
          cursor = next
          if (keys.length > 0) await node.unlink(...keys)
        } while (cursor !== '0')
      }
    })
  }

  incr(key: string, delta: number): Promise<number> {
    return this.connection.run(async (c) => {
      try {
        return await c.incrby(this.#k(key), delta)
      } catch (err) {
        if (err instanceof Error && err.name === 'ReplyError') {
          throw new TypeError(`cache.inc: the value of ${JSON.stringify(key)} is not an integer`, { cause: err })
        }
        throw err
      }
    })
  }

  async close(): Promise<void> {
    const sub = this.#subscriber
    this.#subscriber = null
    if (sub !== null) (await sub.catch(() => null))?.disconnect()
    await this.connection.close()
  }
}
