/**
 * Where the blog's SECRET_KEY comes from (issue 18: it used to sign sessions
 * with the public key 'dev', so anyone could forge a login cookie).
 *
 * 1. `SECRET_KEY` from `instance/config.json`, `PHIAL_SECRET_KEY` or the
 *    `SECRET_KEY` environment variable;
 * 2. else the key kept in `instance/secret_key`;
 * 3. else, outside production, a new random key written there (mode 0600)
 *    and kept for the next starts. With `NODE_ENV=production` the blog
 *    refuses to start instead: every server must share one key, from the
 *    environment.
 */
import { randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Phial } from 'phial'

/** A key shorter than this (in characters) is not a real key. */
export const MIN_SECRET_KEY_LENGTH = 32

/** The file in the instance folder that keeps the generated key. */
export const SECRET_KEY_FILE = 'secret_key'

/** The key cannot be used: the blog must not start (or sign anything) with it. */
export class SecretKeyError extends Error {
  override name = 'SecretKeyError'
}

const HOW_TO_MAKE_ONE = `node -e "console.log(require('node:crypto').randomBytes(32).toString('hex'))"`

// long keys printed in Phial's own docs: public, however long
const PUBLISHED_KEYS = new Set(['change-me-to-a-long-random-string', 'super-secret-change-this-to-32-bytes-or-more'])

/** Keys too short to resist guessing ('dev'), or published in the docs. @example isWeakSecretKey('dev') // true */
export function isWeakSecretKey(key: string): boolean {
  return key.length < MIN_SECRET_KEY_LENGTH || PUBLISHED_KEYS.has(key)
}

function readKey(file: string): string | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  const key = text.trim()
  if (key.length < MIN_SECRET_KEY_LENGTH) {
    throw new SecretKeyError(`${file} holds no usable key (${key.length} characters, at least ${MIN_SECRET_KEY_LENGTH} needed): delete it to have a new one made, or put a key made by ${HOW_TO_MAKE_ONE} in it.`)
  }
  return key
}

/**
 * The key kept in `instancePath/secret_key`, made first when `create` and
 * there is none. Safe when several processes start at once: the key is
 * written to a file of its own, then linked into place, which fails for all
 * but the first; the others read the winner's key.
 *
 * @example
 * ```ts
 * const key = instanceSecretKey(app.instancePath, { create: true })
 * ```
 */
export function instanceSecretKey(instancePath: string, { create }: { create: boolean }): { key: string; created: boolean } | null {
  const file = join(instancePath, SECRET_KEY_FILE)
  const existing = readKey(file)
  if (existing !== null || !create) return existing === null ? null : { key: existing, created: false }
  mkdirSync(instancePath, { recursive: true, mode: 0o700 })
  const key = randomBytes(32).toString('hex')
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(draft, `${key}\n`, { mode: 0o600, flag: 'wx' })
  try {
    linkSync(draft, file)
    return { key, created: true }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    return { key: readKey(file)!, created: false }
  } finally {
    unlinkSync(draft)
  }
}

/**
 * Gives `app` its SECRET_KEY (see the module's order), or throws a
 * `SecretKeyError` that says what to do. Returns where the key came from.
 *
 * @example
 * ```ts
 * configureSecretKey(app) // 'config', 'file' or 'generated'
 * ```
 */
export function configureSecretKey(app: Phial, env: NodeJS.ProcessEnv = process.env): 'config' | 'file' | 'generated' {
  const production = env.NODE_ENV === 'production'
  const configured = app.config.SECRET_KEY ?? env.SECRET_KEY
  if (configured !== undefined && configured !== null && configured !== '') {
    const key = String(configured)
    if (isWeakSecretKey(key)) {
      const problem = `SECRET_KEY is a known or short key (${key.length} characters): anyone who guesses it can forge a login.`
      if (production) throw new SecretKeyError(`${problem} Set a random one of at least ${MIN_SECRET_KEY_LENGTH} characters, made by ${HOW_TO_MAKE_ONE}.`)
      app.logger.warn(problem)
    }
    app.config.SECRET_KEY = key
    return 'config'
  }
  const kept = instanceSecretKey(app.instancePath, { create: !production })
  if (kept === null) {
    throw new SecretKeyError(
      `NODE_ENV=production and no SECRET_KEY: set SECRET_KEY in the environment to a random value shared by every server (made by ${HOW_TO_MAKE_ONE}). The blog does not make one in production.`,
    )
  }
  const file = join(app.instancePath, SECRET_KEY_FILE)
  if ((statSync(file).mode & 0o077) !== 0) app.logger.warn(`${file} can be read by other users of this machine: chmod 600 it.`)
  if (kept.created) app.logger.info(`Generated a SECRET_KEY in ${file}; it is kept there for the next starts.`)
  app.config.SECRET_KEY = kept.key
  return kept.created ? 'generated' : 'file'
}
