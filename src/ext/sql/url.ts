/**
 * `DATABASE_URL` → TypeORM connection options (SQLAlchemy's URL forms):
 * `sqlite:///relative.db` (in the instance folder), `sqlite:////abs/path.db`,
 * `sqlite://` (in memory), `postgresql://user:pass@host:5432/db?schema=s`,
 * `mysql://user:pass@host:3306/db` (`mariadb://` too).
 */
import { isAbsolute, resolve } from 'node:path'
import type { Dialect } from './entity.ts'

/**
 * Engine options (Flask-SQLAlchemy's `SQLALCHEMY_ENGINE_OPTIONS`), for one bind.
 *
 * @example
 * ```ts
 * app.config.SQLALCHEMY_ENGINE_OPTIONS = { poolSize: 20, ssl: { rejectUnauthorized: true } }
 * ```
 */
export interface EngineOptions {
  /** Connections in the pool (PostgreSQL, MySQL). Default 10. */
  poolSize?: number
  /** Seconds a request waits for a connection (SQLite: for the database lock) before a 503. Default 30. */
  poolTimeout?: number
  /** TLS options passed to the driver (`true`, or node:tls options). */
  ssl?: boolean | Record<string, unknown>
  /** SQLite: write-ahead logging, so readers do not wait for a writer. Default true for a file. */
  wal?: boolean
  /** PostgreSQL: the schema tables live in (also `?schema=` in the URL). */
  schema?: string
  /** Log every statement through the app's logger (SQLAlchemy's `echo`). */
  echo?: boolean
  /** More TypeORM DataSource options, passed as they are. */
  typeorm?: Record<string, unknown>
}

/** The parsed URL: dialect and TypeORM options. @example parseDatabaseUrl('sqlite://', '/tmp').dialect // 'sqlite' */
export interface ParsedUrl {
  dialect: Dialect
  options: Record<string, unknown>
  /** The URL with its password hidden, for messages. */
  display: string
}

/**
 * Parses a database URL; relative SQLite paths resolve against `instancePath`.
 *
 * @example
 * ```ts
 * parseDatabaseUrl('sqlite:///blog.sqlite', app.instancePath).options.database // '<instance>/blog.sqlite'
 * ```
 */
export function parseDatabaseUrl(url: string, instancePath: string, engine: EngineOptions = {}): ParsedUrl {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase().split('+')[0]
  if (scheme === 'sqlite') {
    const rest = url.slice(url.indexOf(':') + 1)
    if (rest !== '//' && !rest.startsWith('///') && rest !== '///:memory:') {
      throw new Error(`Bad SQLite URL '${url}': use sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite:// (in memory).`)
    }
    const path = rest === '//' || rest === '///:memory:' ? ':memory:' : decodeURIComponent(rest.slice(3).split('?')[0]!)
    const database = path === ':memory:' ? path : isAbsolute(path) ? path : resolve(instancePath, path)
    return {
      dialect: 'sqlite',
      display: `sqlite:///${database}`,
      options: { type: 'better-sqlite3', database, ...(database !== ':memory:' && engine.wal !== false && { enableWAL: true }), ...engine.typeorm },
    }
  }
  if (scheme === 'postgres' || scheme === 'postgresql' || scheme === 'mysql' || scheme === 'mariadb') {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new Error(`Bad database URL '${hidePassword(url)}'.`)
    }
    const postgres = scheme.startsWith('postgres')
    const schema = engine.schema ?? parsed.searchParams.get('schema') ?? undefined
    parsed.searchParams.delete('schema')
    const timeoutMs = (engine.poolTimeout ?? 30) * 1000
    const extra: Record<string, unknown> = postgres
      ? { connectionTimeoutMillis: timeoutMs, ...(schema && { options: `-c search_path=${schema}` }) }
      : { connectTimeout: timeoutMs }
    const options: Record<string, unknown> = {
      type: postgres ? 'postgres' : scheme === 'mariadb' ? 'mariadb' : 'mysql',
      url: parsed.toString(),
      poolSize: engine.poolSize ?? 10,
      extra,
      ...(schema && postgres && { schema }),
      ...(engine.ssl !== undefined && { ssl: engine.ssl }),
      ...(!postgres && { connectorPackage: 'mysql2', charset: 'utf8mb4' }),
      ...engine.typeorm,
    }
    return { dialect: postgres ? 'postgres' : 'mysql', options, display: hidePassword(url) }
  }
  throw new Error(
    `Unsupported DATABASE_URL '${hidePassword(url)}': phial/sql speaks sqlite://, postgresql:// and mysql:// (or mariadb://).`,
  )
}

/** `postgres://u:secret@h/db` → `postgres://u:***@h/db`. @example hidePassword(url) */
export function hidePassword(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@')
}
