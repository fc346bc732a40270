/**
 * Stampede protection: while one caller computes a missing value, the others
 * that ask for the same key in this process wait for that computation instead
 * of starting their own.
 */
import type { CacheBackend } from './backends/types.ts'
import { decodeValue, encodeValue, readStored } from './serializer.ts'

const flights = new WeakMap<CacheBackend, Map<string, Promise<unknown>>>()

/**
 * Runs `work` for `key` unless a run for the same backend and key is already
 * in flight, in which case it returns that run's promise. `leader` tells the
 * caller whether its own `work` ran.
 *
 * @example
 * ```ts
 * const { result, leader } = await singleFlight(backend, key, () => computeAndStore())
 * ```
 */
export async function singleFlight<T>(backend: CacheBackend, key: string, work: () => Promise<T>): Promise<{ result: T; leader: boolean }> {
  let running = flights.get(backend)
  if (running === undefined) {
    running = new Map()
    flights.set(backend, running)
  }
  const pending = running.get(key) as Promise<T> | undefined
  if (pending !== undefined) return { result: await pending, leader: false }
  const map = running
  const promise = work().finally(() => map.delete(key))
  map.set(key, promise)
  return { result: await promise, leader: true }
}

/**
 * How many computations are in flight for a backend (for tests and metrics).
 *
 * @example
 * ```ts
 * inFlight(backend) // 0 when idle
 * ```
 */
export function inFlight(backend: CacheBackend): number {
  return flights.get(backend)?.size ?? 0
}

/**
 * The value of `key`, or `compute()`'s result stored for `ttl` seconds, with
 * one computation per key at a time in this process. The caller that
 * computed gets its own value; the others decode a copy each.
 *
 * @example
 * ```ts
 * const stats = await getOrCompute(backend, 'stats', 600, () => computeStats(), false)
 * ```
 */
export async function getOrCompute<T>(backend: CacheBackend, key: string, ttl: number, compute: () => T | Promise<T>, forced: boolean): Promise<T> {
  const { result, leader } = await singleFlight(backend, key, async () => {
    if (!forced) {
      const text = await backend.get(key)
      if (readStored(text).found) return { text: text!, value: undefined as T, computed: false }
    }
    const value = await compute()
    const text = encodeValue(value)
    await backend.set(key, text, ttl)
    return { text, value, computed: true }
  })
  if (leader && result.computed) return result.value
  return decodeValue(result.text) as T
}
