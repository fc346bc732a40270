/**
 * The message queue that joins processes: socket.io's Redis adapter over two
 * ioredis connections (publish, subscribe), loaded only when a queue is set.
 */
import { createRequire } from 'node:module'
import type { Logger } from 'pino'

const require = createRequire(import.meta.url)

/** A Redis adapter and the connections it holds. */
export interface QueueAdapter {
  /** The adapter factory for `io.adapter(...)`. */
  readonly adapter: unknown
  /** Closes both connections. */
  close(): Promise<void>
}

function load<T>(name: string): T {
  try {
    return require(name) as T
  } catch (err) {
    throw new Error(`phial/socketio: a message queue needs the '${name}' package (npm install @socket.io/redis-adapter ioredis): ${(err as Error).message}`)
  }
}

/**
 * Connects to Redis at `url` and makes the adapter that publishes each
 * broadcast on channels under `channel` and delivers the others' to this
 * process's clients.
 *
 * @example
 * ```ts
 * const queue = redisQueue('redis://127.0.0.1:6379', 'phial-socketio', app.logger)
 * io.adapter(queue.adapter as never)
 * ```
 */
export function redisQueue(url: string, channel: string, logger: Logger): QueueAdapter {
  const { Redis } = load<typeof import('ioredis')>('ioredis')
  const { createAdapter } = load<typeof import('@socket.io/redis-adapter')>('@socket.io/redis-adapter')
  const pub = new Redis(url, { maxRetriesPerRequest: 3 })
  const sub = pub.duplicate()
  let logged = false
  const onError = (err: Error): void => {
    // ioredis reconnects by itself; one line per outage is enough
    if (!logged) logger.error({ err }, `phial/socketio: the message queue at ${url} is unreachable`)
    logged = true
  }
  pub.on('error', onError)
  sub.on('error', onError)
  pub.on('ready', () => (logged = false))
  return {
    adapter: createAdapter(pub, sub, { key: channel }),
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()])
    },
  }
}
