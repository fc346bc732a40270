/**
 * `cache.memoize()` and `cache.deleteMemoized()` (Flask-Caching's): results
 * of a function cached by its arguments, invalidated per argument list or
 * for the whole function through a version key.
 */
import { createHash, randomBytes } from 'node:crypto'
import { currentContext, hasContext } from 'phial'
import type { CacheBackend } from './backends/types.ts'
import type { Cache } from './cache.ts'
import { CacheUnavailable } from './errors.ts'
import { singleFlight } from './flight.ts'
import { decodeValue, encodeValue, readStored } from './serializer.ts'

/**
 * Options of {@link Cache.memoize}.
 *
 * @example
 * ```ts
 * const options: MemoizeOptions = { timeout: 600, name: 'user-profile' }
 * ```
 */
export interface MemoizeOptions {
  /** Seconds to keep a result (default `CACHE_DEFAULT_TIMEOUT`). */
  timeout?: number | null
  /** The function's name in keys (default: its `name`); the key also holds a hash of its source, so changed code starts afresh. */
  name?: string
  /** When it returns true, call the function without the cache. */
  unless?: (() => boolean) | null
  /** When it returns true, call the function and replace the cached result. */
  forcedUpdate?: (() => boolean) | null
}

/**
 * A function wrapped by {@link Cache.memoize}: same arguments, a promise of
 * the same result.
 *
 * @example
 * ```ts
 * const getUser: Memoized<[number], User> = cache.memoize()(loadUser)
 * ```
 */
export type Memoized<A extends unknown[], R> = ((...args: A) => Promise<Awaited<R>>) & {
  /** The function without the cache. */
  readonly uncached: (...args: A) => R
}

interface MemoMeta {
  cache: Cache
  namespace: string
}

const memoized = new WeakMap<object, MemoMeta>()

const versionKey = (namespace: string): string => `${namespace}:version`
const valueKey = (namespace: string, version: string, args: readonly unknown[]): string =>
  `${namespace}:${version}:${createHash('sha256').update(encodeValue(args)).digest('base64url').slice(0, 22)}`

/** The current version of a memoized function's entries; made (once, atomically) when missing. */
async function currentVersion(backend: CacheBackend, namespace: string, create: boolean): Promise<string | null> {
  const key = versionKey(namespace)
  const found = readStored(await backend.get(key))
  if (found.found && typeof found.value === 'string') return found.value
  if (!create) return null
  const fresh = randomBytes(6).toString('base64url')
  if (await backend.add(key, encodeValue(fresh), 0)) return fresh
  const again = readStored(await backend.get(key))
  return again.found && typeof again.value === 'string' ? again.value : fresh
}

function warn(err: unknown): void {
  if (hasContext()) currentContext().app.logger.warn({ err: (err as Error).message }, 'phial/caching: cache unavailable, calling the memoized function uncached')
}

/**
 * Wraps `fn` so that its results are cached by argument list (what
 * `cache.memoize()` returns).
 *
 * @example
 * ```ts
 * const cachedLookup = memoizeFunction(cache, { timeout: 60 }, lookup)
 * ```
 */
export function memoizeFunction<A extends unknown[], R>(cache: Cache, options: MemoizeOptions, fn: (...args: A) => R): Memoized<A, R> {
  if (typeof fn !== 'function') throw new TypeError('cache.memoize() wraps a function')
  const source = createHash('sha256').update(fn.toString()).digest('base64url').slice(0, 10)
  const namespace = `memoize/${options.name ?? (fn.name || 'anonymous')}:${source}`

  const wrapped = async function (this: unknown, ...args: A): Promise<Awaited<R>> {
    const call = (): Promise<Awaited<R>> => Promise.resolve(fn.apply(this, args)) as Promise<Awaited<R>>
    if (options.unless?.() === true) return call()
    const backend = cache.backend()
    let key: string
    const forced = options.forcedUpdate?.() === true
    try {
      key = valueKey(namespace, (await currentVersion(backend, namespace, true))!, args)
      if (!forced) {
        const text = await backend.get(key)
        if (readStored(text).found) return decodeValue(text!) as Awaited<R>
      }
    } catch (err) {
      if (!(err instanceof CacheUnavailable)) throw err
      warn(err)
      return call()
    }
    let ran = false
    try {
      const { result, leader } = await singleFlight(backend, key, async () => {
        ran = true
        const value = await call()
        const text = encodeValue(value)
        try {
          await backend.set(key, text, cache.ttl(backend, options.timeout))
        } catch (err) {
          if (!(err instanceof CacheUnavailable)) throw err
          warn(err)
        }
        return { value, text }
      })
      return leader ? result.value : (decodeValue(result.text) as Awaited<R>)
    } catch (err) {
      if (ran) throw err
      return call()
    }
  }
  Object.defineProperty(wrapped, 'name', { value: fn.name })
  Object.defineProperty(wrapped, 'uncached', { value: fn })
  memoized.set(wrapped, { cache, namespace })
  return wrapped as unknown as Memoized<A, R>
}

/**
 * Forgets the cached result of `fn(...args)`, or — without arguments — every
 * result of `fn` (its version changes, so old entries are never read again
 * and expire on their own).
 *
 * @example
 * ```ts
 * await deleteMemoizedFunction(cache, cachedLookup, [42])
 * ```
 */
export async function deleteMemoizedFunction(cache: Cache, fn: object, args: readonly unknown[]): Promise<void> {
  const meta = memoized.get(fn)
  if (meta === undefined || meta.cache !== cache) {
    throw new TypeError('cache.deleteMemoized() takes a function returned by this cache\'s memoize()')
  }
  const backend = cache.backend()
  if (args.length === 0) {
    await backend.delete(versionKey(meta.namespace))
    return
  }
  const version = await currentVersion(backend, meta.namespace, false)
  if (version !== null) await backend.delete(valueKey(meta.namespace, version, args))
}
