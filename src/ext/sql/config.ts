/**
 * The `DATABASE_URL` and `SQLALCHEMY_*` settings: their types on `app.config`
 * and their defaults.
 */
import type { Config } from 'phial'
import type { EngineOptions } from './url.ts'

/**
 * A bind: a URL, or a URL with its own engine options.
 *
 * @example
 * ```ts
 * const bind: BindConfig = { url: 'postgresql://reports@db/reports', poolSize: 2 }
 * ```
 */
export type BindConfig = string | (EngineOptions & { url: string })

declare module 'phial' {
  interface ConfigValues {
    /** The database (SQLAlchemy URL form). Default: the `DATABASE_URL` environment variable, else `sqlite:///<app name>.sqlite` in the instance folder. */
    DATABASE_URL: string | null
    /** More databases by key, for models with `bind: key` (Flask-SQLAlchemy's `SQLALCHEMY_BINDS`). Default `{}`. */
    SQLALCHEMY_BINDS: Record<string, BindConfig>
    /** Pool size, timeouts, SSL, SQLite WAL… for the default database. Default `{}`. */
    SQLALCHEMY_ENGINE_OPTIONS: EngineOptions
    /** Record each statement with its timing for `getRecordedQueries()`; `null`: when `DEBUG` or `TESTING`. Default `null`. */
    SQLALCHEMY_RECORD_QUERIES: boolean | null
    /** Log every statement (SQLAlchemy's `echo`). Default `false`. */
    SQLALCHEMY_ECHO: boolean
    /** Warn when one request runs the same statement this many times (an N+1 pattern) while recording; 0 turns it off. Default 10. */
    SQLALCHEMY_WARN_REPEATED_QUERIES: number
  }
}

/** The settings phial/sql reads, typed (also when the `ConfigValues` augmentation is not visible). */
export interface SqlConfig {
  DATABASE_URL: string | null
  SQLALCHEMY_BINDS: Record<string, BindConfig>
  SQLALCHEMY_ENGINE_OPTIONS: EngineOptions
  SQLALCHEMY_RECORD_QUERIES: boolean | null
  SQLALCHEMY_ECHO: boolean
  SQLALCHEMY_WARN_REPEATED_QUERIES: number
  DEBUG?: boolean
  TESTING?: boolean
}

/**
 * An app's config as phial/sql reads it.
 *
 * @example
 * ```ts
 * sqlConfig(app.config).DATABASE_URL
 * ```
 */
export function sqlConfig(config: Config): SqlConfig {
  return config as unknown as SqlConfig
}

/**
 * The defaults `SQL.initApp` puts in `app.config` (keys already set win).
 *
 * @example
 * ```ts
 * SQL_DEFAULTS.SQLALCHEMY_WARN_REPEATED_QUERIES // 10
 * ```
 */
export const SQL_DEFAULTS = Object.freeze({
  DATABASE_URL: null,
  SQLALCHEMY_BINDS: {},
  SQLALCHEMY_ENGINE_OPTIONS: {},
  SQLALCHEMY_RECORD_QUERIES: null,
  SQLALCHEMY_ECHO: false,
  SQLALCHEMY_WARN_REPEATED_QUERIES: 10,
} as const)

/**
 * Sets each key that is not set yet to its default (objects copied).
 *
 * @example
 * ```ts
 * applySqlDefaults(app.config)
 * ```
 */
export function applySqlDefaults(config: Config): void {
  for (const [key, value] of Object.entries(SQL_DEFAULTS)) {
    (config as unknown as { setDefault(k: string, v: unknown): unknown }).setDefault(key, value !== null && typeof value === 'object' ? { ...value } : value)
  }
}
