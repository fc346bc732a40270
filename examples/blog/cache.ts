/**
 * The blog's cache (`phial/caching`, Flask-Caching): in memory by default
 * (`CACHE_TYPE: 'simple'`, an LRU of this process); set `CACHE_TYPE: 'redis'`
 * and `CACHE_REDIS_URL` (in instance/config.json, or `PHIAL_CACHE_TYPE` /
 * `PHIAL_CACHE_REDIS_URL`) so that every worker shares it. It holds the
 * login throttle's counters (throttle.ts) and the index page's fragment
 * (blog.ts), under the key prefix `flaskr:`.
 */
import type { Phial } from 'phial'
import { Cache } from 'phial/caching'

export const cache = new Cache()

/** Sets up the cache on the app (`CACHE_KEY_PREFIX` defaults to `flaskr:`). */
export function initApp(app: Phial): void {
  app.config.setDefault('CACHE_KEY_PREFIX', 'flaskr:')
  cache.initApp(app)
}
