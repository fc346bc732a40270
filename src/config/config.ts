/**
 * Flask's `Config`: the application's settings as upper-case keys on
 * `app.config`, with loaders for objects, JSON and TOML files, mappings and
 * environment variables.
 *
 * Only UPPER_CASE keys are configuration. That rule is what lets the loaders
 * read whole objects, files and environments safely, and it keeps keys apart
 * from the methods (`fromFile`, `getNamespace`, …) that live on the same
 * object.
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { extname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_CONFIG, type ConfigValues } from './keys.ts'
import type { ConfigMapping, FromEnvVarOptions, FromFileOptions, FromPrefixedEnvOptions, GetNamespaceOptions } from './options.ts'

export type { ConfigMapping, FromEnvVarOptions, FromFileOptions, FromPrefixedEnvOptions, GetNamespaceOptions } from './options.ts'



/** Python's `str.isupper()`: at least one cased character, none lower-case. */
function isUpper(key: string): boolean {
  return key !== key.toLowerCase() && key === key.toUpperCase()
}

/** Keys that would reach into prototypes when used on plain objects. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

const require = createRequire(import.meta.url)

const LOADERS: Record<string, (text: string) => unknown> = {
  '.json': (text) => JSON.parse(text) as unknown,
  // smol-toml (~20 ms of CPU to import) is loaded only when a TOML file is read
  '.toml': (text) => (require('smol-toml') as typeof import('smol-toml')).parse(text),
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * The application's configuration: Flask's upper-case keys as properties,
 * typed by {@link ConfigValues}, plus loaders that chain.
 *
 * @example
 * ```ts
 * const config = new Config('/srv/app')
 * config
 *   .fromObject(BaseSettings)
 *   .fromFile('config.toml', { silent: true })
 *   .fromPrefixedEnv('PHIAL')
 *   .fromMapping({ TESTING: true })
 * config.SECRET_KEY // string | null
 * ```
 */
export interface Config extends ConfigValues {}

/**
 * The application's configuration (`app.config`). Starts from
 * {@link DEFAULT_CONFIG}; every loader copies upper-case keys only and returns
 * the config so calls chain.
 *
 * @example
 * ```ts
 * app.config.fromObject(defaults).fromPrefixedEnv('PHIAL').fromMapping(overrides)
 * if (app.config.DEBUG) console.log(app.config.getNamespace('MAIL_'))
 * ```
 */
export class Config {
  /** Any other upper-case configuration key. */
  [key: string]: unknown

  readonly #rootPath: string

  /**
   * @param rootPath - directory that relative file names are resolved against
   *   (the app's root path); a `file:` URL is accepted.
   * @param defaults - values applied over {@link DEFAULT_CONFIG} (upper-case
   *   keys only).
   *
   * @example
   * ```ts
   * const config = new Config(new URL('.', import.meta.url), { SECRET_KEY: 'dev' })
   * ```
   */
  constructor(rootPath: string | URL, defaults?: Partial<ConfigValues> & Record<string, unknown>) {
    const path =
      rootPath instanceof URL || rootPath.startsWith('file:') ? fileURLToPath(rootPath) : rootPath
    this.#rootPath = resolve(path)
    for (const key of Object.keys(DEFAULT_CONFIG)) this[key] = (DEFAULT_CONFIG as unknown as Record<string, unknown>)[key]
    if (defaults !== undefined) this.#copyUpper(defaults)
  }

  /**
   * The absolute directory relative file names are resolved against.
   *
   * @example
   * ```ts
   * app.config.rootPath // '/srv/app'
   * ```
   */
  get rootPath(): string {
    return this.#rootPath
  }

  /**
   * Copies the upper-case attributes of an object: own properties, getters
   * and inherited ones, so a class with static fields, an instance with
   * prototype getters, or a module namespace (`import * as settings`) all
   * work, as Flask's `from_object` reads a class or module.
   *
   * @example
   * ```ts
   * class BaseConfig { static TESTING = false; static DATABASE_URL = 'sqlite://:memory:' }
   * class ProductionConfig extends BaseConfig { static DATABASE_URL = 'postgres://db/prod' }
   * app.config.fromObject(ProductionConfig) // TESTING and DATABASE_URL
   * ```
   */
  fromObject(obj: object): this {
    if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function'))
      throw new TypeError('fromObject needs an object, a class or a module namespace')
    const seen = new Set<string>()
    for (
      let current: object | null = obj;
      current !== null && current !== Object.prototype && current !== Function.prototype;
      current = Object.getPrototypeOf(current) as object | null
    ) {
      for (const key of Object.getOwnPropertyNames(current)) {
        if (seen.has(key)) continue
        seen.add(key)
        if (isUpper(key)) this[key] = Reflect.get(obj, key) as unknown
      }
    }
    return this
  }

  /**
   * Loads a file, relative to {@link Config.rootPath}, and copies its
   * upper-case top-level keys. `.json` and `.toml` are read by extension;
   * anything else needs `load`. A missing file is an error naming the
   * absolute path, unless `silent`.
   *
   * @throws an `Error` (with `code` and `path`) when the file cannot be read
   *   or parsed, or does not hold an object.
   *
   * @example
   * ```ts
   * app.config.fromFile('config.toml')
   * app.config.fromFile('instance/local.json', { silent: true })
   * app.config.fromFile('config.yaml', { load: (text) => YAML.parse(text) })
   * ```
   */
  fromFile(filename: string, options: FromFileOptions = {}): this {
    const path = resolve(this.#rootPath, filename)
    const load = options.load ?? LOADERS[extname(path).toLowerCase()]
    if (load === undefined)
      throw new TypeError(`Cannot tell how to load the configuration file ${path}: use .json or .toml, or pass options.load`)
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (options.silent && (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR')) return this
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : describeError(err)
      throw Object.assign(new Error(`Unable to load configuration file (${reason}): ${path}`, { cause: err }), {
        code,
        path,
      })
    }
    let data: unknown
    try {
      data = load(text)
    } catch (err) {
      throw Object.assign(new Error(`Invalid configuration file ${path}: ${describeError(err)}`, { cause: err }), {
        code: 'EINVALIDCONFIG',
        path,
      })
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw Object.assign(new Error(`The configuration file ${path} must hold an object (a table) at the top level`), {
        code: 'EINVALIDCONFIG',
        path,
      })
    this.#copyUpper(data as Record<string, unknown>)
    return this
  }

  /**
   * Copies the upper-case keys of `mapping`, then of `extra` (which wins).
   * Known keys are type-checked.
   *
   * @example
   * ```ts
   * app.config.fromMapping({ TESTING: true, SECRET_KEY: 'test' })
   * app.config.fromMapping(loadedSettings, { DEBUG: false })
   * ```
   */
  fromMapping<M extends ConfigMapping<M>, E extends ConfigMapping<E> = Record<string, never>>(mapping?: M, extra?: E): this {
    if (mapping !== undefined && mapping !== null) this.#copyUpper(mapping as Record<string, unknown>)
    if (extra !== undefined && extra !== null) this.#copyUpper(extra as Record<string, unknown>)
    return this
  }

  /**
   * Loads environment variables that start with `prefix + '_'`:
   * `PHIAL_SECRET_KEY` sets `SECRET_KEY`. Values go through `loads`
   * (`JSON.parse` by default, so `true`, `5`, `null`, `["a"]` and `{"k": 1}`
   * get their types; text that is not JSON stays a string). A double
   * underscore sets a nested key: `PHIAL_SQL__POOL_SIZE=5` sets
   * `config.SQL.POOL_SIZE` (creating or copying `SQL` as needed). Variables
   * are applied in sorted order; the top-level key must be upper-case.
   *
   * @example
   * ```ts
   * // PHIAL_SECRET_KEY=s3cret PHIAL_DEBUG=true PHIAL_MAIL__PORT=587
   * app.config.fromPrefixedEnv() // SECRET_KEY 's3cret', DEBUG true, MAIL { PORT: 587 }
   * ```
   */
  fromPrefixedEnv(prefix = 'PHIAL', options: FromPrefixedEnvOptions = {}): this {
    const env = options.env ?? process.env
    const loads = options.loads ?? ((value: string) => JSON.parse(value) as unknown)
    const start = `${prefix}_`
    for (const name of Object.keys(env).sort()) {
      if (!name.startsWith(start)) continue
      const raw = env[name]
      if (raw === undefined) continue
      const parts = name.slice(start.length).split('__')
      if (parts.some((p) => p === '' || UNSAFE_KEYS.has(p)) || !isUpper(parts[0])) continue
      let value: unknown
      try {
        value = loads(raw)
      } catch {
        value = raw
      }
      if (parts.length === 1) {
        this[parts[0]] = value
        continue
      }
      // Copy each level on the way down so shared objects (defaults, other
      // configs) are never mutated.
      let parent: Record<string, unknown> = this
      for (const part of parts.slice(0, -1)) {
        const existing = Object.hasOwn(parent, part) ? parent[part] : undefined
        let child: Record<string, unknown>
        if (existing === undefined) child = {}
        else if (isPlainObject(existing)) child = { ...existing }
        else
          throw new TypeError(
            `Cannot apply environment variable ${name}: ${parts.slice(0, parts.indexOf(part) + 1).join('.')} is not an object`,
          )
        if (parent === this) this[part] = child
        else defineOwn(parent, part, child)
        parent = child
      }
      defineOwn(parent, parts[parts.length - 1], value)
    }
    return this
  }

  /**
   * Loads the configuration file whose path is in the environment variable
   * `name` (see {@link Config.fromFile}). An unset variable is an error that
   * says so, unless `silent`.
   *
   * @example
   * ```ts
   * // PHIAL_SETTINGS=/etc/myapp/production.toml
   * app.config.fromEnvVar('PHIAL_SETTINGS', { silent: true })
   * ```
   */
  fromEnvVar(name: string, options: FromEnvVarOptions = {}): this {
    const path = (options.env ?? process.env)[name]
    if (!path) {
      if (options.silent) return this
      throw new Error(
        `The environment variable '${name}' is not set and as such configuration could not be loaded. ` +
          'Set this variable and make it point to a configuration file.',
      )
    }
    return this.fromFile(path, { silent: options.silent, load: options.load })
  }

  /**
   * Collects the keys that start with `namespace`, by default with the
   * namespace removed and lower-cased, e.g. to pass options to a library.
   *
   * @example
   * ```ts
   * // MAIL_HOST='smtp.example.com', MAIL_PORT=587
   * app.config.getNamespace('MAIL_') // { host: 'smtp.example.com', port: 587 }
   * app.config.getNamespace('MAIL_', { lowercase: false, trimNamespace: false }) // { MAIL_HOST: …, MAIL_PORT: … }
   * ```
   */
  getNamespace(namespace: string, options: GetNamespaceOptions = {}): Record<string, unknown> {
    const lowercase = options.lowercase ?? true
    const trim = options.trimNamespace ?? true
    const result: Record<string, unknown> = {}
    for (const key of Object.keys(this)) {
      if (!key.startsWith(namespace)) continue
      let name = trim ? key.slice(namespace.length) : key
      if (lowercase) name = name.toLowerCase()
      defineOwn(result, name, this[key])
    }
    return result
  }

  /**
   * Returns the value of `key`, first setting it to `value` if it is not set
   * (Python's `dict.setdefault`).
   *
   * @throws `TypeError` for a name that would hide a method (such as
   *   `fromFile`) or `__proto__`.
   *
   * @example
   * ```ts
   * app.config.setDefault('CACHE_TYPE', 'memory')
   * ```
   */
  setDefault<K extends keyof ConfigValues>(key: K, value: ConfigValues[K]): ConfigValues[K]
  setDefault<K extends string>(key: K, value: unknown): unknown
  setDefault(key: string, value: unknown): unknown {
    if (Object.hasOwn(this, key)) return this[key]
    if (key in Config.prototype || UNSAFE_KEYS.has(key))
      throw new TypeError(`'${key}' cannot be a configuration key: it is a name of the Config class`)
    this[key] = value
    return value
  }

  /**
   * Reads a key; the same as `config[key]`.
   *
   * @example
   * ```ts
   * const lifetime = app.config.get('PERMANENT_SESSION_LIFETIME') // number
   * ```
   */
  get<K extends keyof ConfigValues>(key: K): ConfigValues[K]
  get(key: string): unknown
  get(key: string): unknown {
    return Object.hasOwn(this, key) ? this[key] : undefined
  }

  /**
   * A shallow copy of every configuration key and value, as a plain object.
   *
   * @example
   * ```ts
   * console.log(JSON.stringify({ ...app.config.toObject(), SECRET_KEY: '***' }, null, 2))
   * ```
   */
  toObject(): Record<string, unknown> {
    const result: Record<string, unknown> = {}
    for (const key of Object.keys(this)) defineOwn(result, key, this[key])
    return result
  }

  #copyUpper(source: Record<string, unknown>): void {
    for (const key of Object.keys(source)) if (isUpper(key)) this[key] = source[key]
  }
}
