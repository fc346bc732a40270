/**
 * Redis for the tasks tests: reachable → run; absent → skip with a printed
 * reason, or fail when PHIAL_REQUIRE_SERVICES=1 (CI). Each test file uses its
 * own key prefix and deletes its keys (never FLUSHALL: Redis is shared).
 */
import { Redis } from 'ioredis'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export const requireServices = process.env.PHIAL_REQUIRE_SERVICES === '1'

/** Null when Redis answers PING, else why not. */
export async function redisProblem(url = REDIS_URL): Promise<string | null> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.ping()
    return null
  } catch (err) {
    return `Redis is not reachable at ${url} (${(err as Error).message})`
  } finally {
    client.disconnect()
  }
}

/** Whether Redis tests run; prints why they are skipped, throws when they are required. */
export async function redisAvailable(file: string): Promise<boolean> {
  const problem = await redisProblem()
  if (problem === null) return true
  if (requireServices) throw new Error(`${file}: Redis is required here (PHIAL_REQUIRE_SERVICES=1) but ${problem}`)
  console.warn(`${file}: skipping the Redis tests: ${problem}`)
  return false
}

let counter = 0
/** A BullMQ prefix no other test file or run uses. */
export function uniquePrefix(name: string): string {
  return `phialtest-${name}-${process.pid}-${Date.now().toString(36)}-${counter++}`
}

/** Deletes every key under a prefix (SCAN + DEL, bounded). */
export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 })
  client.on('error', () => {})
  try {
    let cursor = '0'
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500)
      if (keys.length > 0) await client.del(...keys)
      cursor = next
      if (cursor === '0') break
    }
  } finally {
    client.disconnect()
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Polls `check` until it is true (or throws after `timeout` ms). */
export async function until(check: () => boolean | Promise<boolean>, timeout = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeout
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}
