/**
 * The options of `Config`'s loaders, and `ConfigMapping`, the type of a
 * mapping whose known keys must have the right types.
 *
 * @module
 */
import type { ConfigValues } from './keys.ts'

/**
 * A mapping whose known keys must have the right types; other keys are free.
 *
 * @example
 * ```ts
 * function apply<M extends ConfigMapping<M>>(m: M) { app.config.fromMapping(m) }
 * apply({ DEBUG: true, DATABASE_URL: 'sqlite://' }) // ok
 * apply({ DEBUG: 'yes' })                           // type error
 * ```
 */
export type ConfigMapping<M> = {
  [K in keyof M]: K extends keyof ConfigValues ? ConfigValues[K] : unknown
}

/**
 * Options of {@link Config.fromFile}.
 *
 * @example
 * ```ts
 * const options: FromFileOptions = { silent: true, load: (text) => YAML.parse(text) }
 * ```
 */
export interface FromFileOptions {
  /** A missing file (or a directory) is not an error; nothing is loaded. */
  silent?: boolean
  /** Parses the file's text; required unless the name ends in `.json` or `.toml`. */
  load?: (text: string) => unknown
}

/**
 * Options of {@link Config.fromPrefixedEnv}.
 *
 * @example
 * ```ts
 * const options: FromPrefixedEnvOptions = { loads: (v) => v } // keep everything as strings
 * ```
 */
export interface FromPrefixedEnvOptions {
  /** Converts each value; a throw keeps the raw string. Default `JSON.parse`. */
  loads?: (value: string) => unknown
  /** The environment to read. Default `process.env`. */
  env?: Record<string, string | undefined>
}

/**
 * Options of {@link Config.fromEnvVar}.
 *
 * @example
 * ```ts
 * const options: FromEnvVarOptions = { silent: true }
 * ```
 */
export interface FromEnvVarOptions extends FromFileOptions {
  /** The environment to read. Default `process.env`. */
  env?: Record<string, string | undefined>
}

/**
 * Options of {@link Config.getNamespace}.
 *
 * @example
 * ```ts
 * const options: GetNamespaceOptions = { lowercase: false }
 * ```
 */
export interface GetNamespaceOptions {
  /** Lower-case the resulting keys. Default `true`. */
  lowercase?: boolean
  /** Remove the namespace from the resulting keys. Default `true`. */
  trimNamespace?: boolean
}
