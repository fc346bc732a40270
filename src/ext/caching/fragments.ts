/**
 * The copies of template fragments a process keeps when its cache backend
 * cannot be read synchronously (Redis, Memcached): Phial renders templates
 * synchronously, so the `{% cache %}` tag reads and writes here, and a
 * fragment deleted in any process is dropped in every process through the
 * backend's broadcast (Redis pub/sub).
 */
import { LRUCache } from 'lru-cache'
import type { CacheBackend, SyncCacheAccess } from './backends/types.ts'

/**
 * The prefix of fragment keys (Flask-Caching's).
 *
 * @example
 * ```ts
 * key.startsWith(TEMPLATE_FRAGMENT_KEY_PREFIX) // a {% cache %} fragment
 * ```
 */
export const TEMPLATE_FRAGMENT_KEY_PREFIX = '_template_fragment_cache_'

/** Bounds of a process's fragment copies. */
const MAX_FRAGMENTS = 1000
const MAX_FRAGMENT_CHARS = 16 * 1024 * 1024

interface LocalFragments extends SyncCacheAccess {
  delete(key: string): void
  clear(): void
}

const locals = new WeakMap<CacheBackend, LocalFragments>()

function createLocal(backend: CacheBackend): LocalFragments {
  const lru = new LRUCache<string, string>({
    max: MAX_FRAGMENTS,
    maxSize: MAX_FRAGMENT_CHARS,
    maxEntrySize: MAX_FRAGMENT_CHARS,
    sizeCalculation: (value, key) => value.length + key.length,
  })
  // With a broadcast, keep nothing until subscribed: a copy made before
  // could miss its invalidation. Without one (Memcached), copies are per process.
  let listening = backend.broadcast === undefined
  const local: LocalFragments = {
    get: (key) => (listening ? lru.get(key) : undefined),
    set: (key, text, ttl) => {
      if (listening) lru.set(key, text, { ttl: ttl > 0 ? ttl * 1000 : 0 })
    },
    delete: (key) => void lru.delete(key),
    clear: () => lru.clear(),
  }
  backend.broadcast?.subscribe(
    (keys) => {
      for (const key of keys) {
        if (key === '*') lru.clear()
        else lru.delete(key)
      }
    },
    () => {
      // (re)subscribed: invalidations may have been missed meanwhile
      lru.clear()
      listening = true
    },
  )
  return local
}

/**
 * Where the `{% cache %}` tag keeps fragments for `backend`: the backend
 * itself when it lives in this process, else this process's copies.
 *
 * @example
 * ```ts
 * fragmentStore(backend).get('_template_fragment_cache_sidebar')
 * ```
 */
export function fragmentStore(backend: CacheBackend): SyncCacheAccess {
  if (backend.sync !== undefined) return backend.sync
  let local = locals.get(backend)
  if (local === undefined) {
    local = createLocal(backend)
    locals.set(backend, local)
  }
  return local
}

/**
 * Drops fragment copies after `cache.delete`/`deleteMany`/`clear` (`'*'`):
 * here at once, in the other processes through the broadcast. Keys that are
 * not fragments are ignored; a backend in this process needs nothing.
 *
 * @example
 * ```ts
 * await forgetFragments(backend, ['_template_fragment_cache_sidebar'])
 * ```
 */
export async function forgetFragments(backend: CacheBackend, keys: readonly string[]): Promise<void> {
  if (backend.sync !== undefined) return
  const fragments = keys.filter((k) => k === '*' || k.startsWith(TEMPLATE_FRAGMENT_KEY_PREFIX))
  if (fragments.length === 0) return
  const local = locals.get(backend)
  for (const key of fragments) {
    if (key === '*') local?.clear()
    else local?.delete(key)
  }
  await backend.broadcast?.publish(fragments)
}
