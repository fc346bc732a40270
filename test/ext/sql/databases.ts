/**
 * The databases the phial/sql and phial/migrate tests run on: SQLite always,
 * PostgreSQL and MariaDB when they answer. Each test file gets its own
 * PostgreSQL schema / MariaDB database (`phial_sql_<name>`), so files running
 * in parallel never share tables. An absent server skips its tests with a
 * printed reason, and fails them when PHIAL_REQUIRE_SERVICES=1.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Phial } from 'phial'
import type { SQL } from 'phial/sql'

export const requireServices = process.env.PHIAL_REQUIRE_SERVICES === '1'
export const POSTGRES_URL = process.env.PHIAL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const MYSQL_URL = process.env.PHIAL_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'

export interface TestDatabase {
  name: 'sqlite' | 'postgres' | 'mysql'
  /** The DATABASE_URL for this file; a fresh, empty schema after `reset()`. */
  url: string
  /** Why it is skipped, or null. */
  missing: string | null
  /** Empties the schema / database (or gives a new SQLite file). */
  reset(): Promise<void>
  /** Runs SQL on a separate connection (to check what was committed). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  cleanup(): Promise<void>
}

async function probePostgres(): Promise<string | null> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (err) {
    return `PostgreSQL is not reachable at ${POSTGRES_URL} (${(err as Error).message})`
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function probeMysql(): Promise<string | null> {
  const mysql = await import('mysql2/promise')
  try {
    const conn = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 2000 })
    await conn.end()
    return null
  } catch (err) {
    return `MariaDB/MySQL is not reachable at ${MYSQL_URL} (${(err as Error).message})`
  }
}

function sqlite(): TestDatabase {
  let dir = mkdtempSync(join(tmpdir(), 'phial-sql-'))
  let n = 0
  const db: TestDatabase = {
    name: 'sqlite',
    url: `sqlite:///${join(dir, 'test-0.sqlite')}`,
    missing: null,
    async reset() {
      db.url = `sqlite:///${join(dir, `test-${++n}.sqlite`)}`
    },
    async query(sql, params = []) {
      const { default: Database } = await import('better-sqlite3')
      const conn = new Database(db.url.slice('sqlite:///'.length))
      try {
        const stmt = conn.prepare(sql)
        return (stmt.reader ? stmt.all(...params) : (stmt.run(...params), [])) as never
      } finally {
        conn.close()
      }
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true })
      dir = ''
    },
  }
  return db
}

async function postgres(prefix: string): Promise<TestDatabase> {
  const missing = await probePostgres()
  const schema = `phial_sql_${prefix}`
  const { default: pg } = await import('pg')
  const run = async <T>(sql: string, params: unknown[] = [], searchPath = true): Promise<T[]> => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, ...(searchPath && { options: `-c search_path=${schema}` }) })
    await client.connect()
    try {
      return (await client.query(sql, params)).rows as T[]
    } finally {
      await client.end()
    }
  }
  return {
    name: 'postgres',
    url: `${POSTGRES_URL}?schema=${schema}`,
    missing,
    async reset() {
      await run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`, [], false)
      await run(`CREATE SCHEMA ${schema}`, [], false)
    },
    query: (sql, params) => run(sql, params),
    async cleanup() {
      if (!missing) await run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`, [], false)
    },
  }
}

async function mysql(prefix: string): Promise<TestDatabase> {
  const missing = await probeMysql()
  const database = `phial_sql_${prefix}`
  const driver = await import('mysql2/promise')
  const base = new URL(MYSQL_URL)
  const run = async <T>(sql: string, params: unknown[] = [], useDb = true): Promise<T[]> => {
    const conn = await driver.createConnection({ uri: MYSQL_URL, ...(useDb && { database }) })
    try {
      const [rows] = await conn.query(sql, params)
      return (Array.isArray(rows) ? rows : []) as T[]
    } finally {
      await conn.end()
    }
  }
  base.pathname = `/${database}`
  return {
    name: 'mysql',
    url: base.toString(),
    missing,
    async reset() {
      await run(`DROP DATABASE IF EXISTS \`${database}\``, [], false)
      await run(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`, [], false)
    },
    query: (sql, params) => run(sql, params),
    async cleanup() {
      if (!missing) await run(`DROP DATABASE IF EXISTS \`${database}\``, [], false)
    },
  }
}

/**
 * The three databases for a test file named `prefix` (letters, digits, _).
 * Use with `describe.each(await testDatabases('models'))`; call `skipIfMissing(db)` first in the suite.
 *
 * @example
 * ```ts
 * const dbs = await testDatabases('session')
 * describe.each(dbs)('$name', (db) => { ... })
 * ```
 */
export async function testDatabases(prefix: string): Promise<TestDatabase[]> {
  const all = [sqlite(), await postgres(prefix), await mysql(prefix)]
  for (const db of all) {
    if (db.missing && !requireServices) console.warn(`[skip] phial/sql ${prefix} on ${db.name}: ${db.missing}`)
  }
  return all
}

/** True when the suite for `db` should be skipped (absent, and not required). @example describe.skipIf(skip(db)) */
export function skip(db: TestDatabase): boolean {
  return db.missing !== null && !requireServices
}

/**
 * Empties `target`, points `app` at it (`TESTING`, silent logs), binds `db`
 * to the app and creates its tables: the usual start of a suite on one database.
 *
 * @example
 * ```ts
 * beforeAll(async () => { await openOn(target, app, db); await app.appContext(seed) })
 * ```
 */
export async function openOn(target: TestDatabase, app: Phial, db: SQL): Promise<void> {
  await target.reset()
  app.config.fromMapping({ TESTING: true, DATABASE_URL: target.url, LOG_LEVEL: 'silent' })
  db.initApp(app)
  await app.appContext(() => db.createAll())
}
