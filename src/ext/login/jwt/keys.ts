/**
 * Signing and verification keys from the config: `JWT_SECRET_KEY` (or
 * `SECRET_KEY`) for HS* algorithms, PEM keys for the others. `jose` is
 * imported on first use, so an app without tokens never loads it.
 */
import type { Context } from 'phial'
import type * as Jose from 'jose'

type App = Context['app']
type Key = Jose.CryptoKey | Uint8Array

let josePromise: Promise<typeof Jose> | null = null

/**
 * The `jose` module, imported once on first use.
 *
 * @example
 * ```ts
 * const { decodeJwt } = await loadJose()
 * ```
 */
export function loadJose(): Promise<typeof Jose> {
  josePromise ??= import('jose')
  return josePromise
}

const cache = new WeakMap<App, Map<string, Promise<Key>>>()

function isHmac(alg: string): boolean {
  return alg === 'HS256' || alg === 'HS384' || alg === 'HS512'
}

/**
 * The key that signs (`'sign'`) or verifies (`'verify'`) tokens of `alg`.
 *
 * @throws Error naming the setting that is missing.
 *
 * @example
 * ```ts
 * const key = await jwtKey(app, 'HS256', 'sign')
 * ```
 */
export function jwtKey(app: App, alg: string, use: 'sign' | 'verify'): Promise<Key> {
  const config = app.config
  const material = isHmac(alg)
    ? (config.JWT_SECRET_KEY ?? config.SECRET_KEY)
    : use === 'sign'
      ? config.JWT_PRIVATE_KEY
      : config.JWT_PUBLIC_KEY
  if (!material) {
    const setting = isHmac(alg) ? 'JWT_SECRET_KEY (or SECRET_KEY)' : use === 'sign' ? 'JWT_PRIVATE_KEY' : 'JWT_PUBLIC_KEY'
    return Promise.reject(new Error(`phial/login: ${setting} must be set to ${use} ${alg} tokens.`))
  }
  let perApp = cache.get(app)
  if (perApp === undefined) {
    perApp = new Map()
    cache.set(app, perApp)
  }
  const cacheKey = `${alg}\0${use}\0${material}`
  let key = perApp.get(cacheKey)
  if (key === undefined) {
    if (perApp.size >= 16) perApp.clear()
    key = isHmac(alg)
      ? Promise.resolve(new TextEncoder().encode(material))
      : loadJose().then((jose) => (use === 'sign' ? jose.importPKCS8(material, alg) : jose.importSPKI(material, alg)))
    perApp.set(cacheKey, key)
  }
  return key
}
