/**
 * Session records in a SQL table through `phial/sql` (Flask-Session's
 * `SqlAlchemySessionInterface`): SQLite, PostgreSQL and MariaDB/MySQL.
 */
import { currentContext, hasContext, type Phial } from 'phial'
import type { SQL, Session as SqlSession } from 'phial/sql'
import type { SessionRecordStore } from './stores.ts'

/** A table name the store accepts: a plain identifier, never quoted or interpolated from input. */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * Options of {@link SqlSessionStore}.
 *
 * @example
 * ```ts
 * const options: SqlSessionStoreOptions = { table: 'sessions', createTable: true, cleanupEvery: 1000 }
 * ```
 */
export interface SqlSessionStoreOptions {
  /** The table (`SESSION_SQL_TABLE`, default `'sessions'`). */
  table?: string
  /** The `phial/sql` bind of the table (`SESSION_SQL_BIND_KEY`); null for the default database. */
  bind?: string | null
  /** Create the table (and its expiry index) if missing, on first use (`SESSION_SQL_CREATE_TABLE`, default true). */
  createTable?: boolean
  /** On average every this many loads, delete the expired rows (`SESSION_CLEANUP_N_REQUESTS`); 0 never. Default 1000. */
  cleanupEvery?: number
  /** The clock, in ms (tests). */
  now?: () => number
  /** The random source of the cleanup draw, in [0, 1) (tests). */
  random?: () => number
}

/**
 * The SQL that creates the session table (for a migration of your own when
 * `SESSION_SQL_CREATE_TABLE` is false): the session id (the primary key), the
 * data as JSON text, and the expiry in ms since the epoch, indexed for the
 * cleanup.
 *
 * @example
 * ```ts
 * for (const statement of sessionTableDdl('sessions')) await op.execute(statement)
 * ```
 */
export function sessionTableDdl(table = 'sessions'): string[] {
  checkTable(table)
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (session_id VARCHAR(255) NOT NULL PRIMARY KEY, data TEXT NOT NULL, expiry BIGINT NOT NULL)`,
    `CREATE INDEX ${table}_expiry ON ${table} (expiry)`,
  ]
}

function checkTable(table: string): void {
  if (!TABLE_NAME.test(table)) throw new TypeError(`SESSION_SQL_TABLE must be a plain SQL identifier (letters, digits, _), got ${JSON.stringify(table)}`)
}

/**
 * Session records in a table of a `phial/sql` database. Each record keeps
 * its expiry (`now + ttl`): a load of an expired row finds nothing, and
 * about every `cleanupEvery` loads, one `DELETE` removes
 * every expired row (call {@link cleanup} from a periodic task for more).
 *
 * As Flask-Session's SQLAlchemy interface, reads and writes go through the
 * request's `db.session` (its connection — and on SQLite its lock — is the
 * request's), and a save commits it: commit or roll back your own changes in
 * the view. Outside a request, each call uses a session of its own.
 *
 * @example
 * ```ts
 * const db = new SQL()
 * app.config.SESSION_TYPE = 'sql'
 * new SessionStore(app, { db })            // or: new SqlSessionStore(db, app)
 * ```
 */
export class SqlSessionStore implements SessionRecordStore {
  readonly db: SQL
  readonly app: Phial
  readonly table: string
  readonly bind: string | null
  readonly createTable: boolean
  readonly cleanupEvery: number
  readonly #now: () => number
  readonly #random: () => number
  #prepared = false
  #dialect: string | null = null

  constructor(db: SQL, app: Phial, options: SqlSessionStoreOptions = {}) {
    this.db = db
    this.app = app
    this.table = options.table ?? 'sessions'
    checkTable(this.table)
    this.bind = options.bind ?? null
    this.createTable = options.createTable ?? true
    this.cleanupEvery = options.cleanupEvery ?? 1000
    if (!Number.isInteger(this.cleanupEvery) || this.cleanupEvery < 0) throw new TypeError(`SESSION_CLEANUP_N_REQUESTS must be a whole number ≥ 0, got ${String(this.cleanupEvery)}`)
    this.#now = options.now ?? Date.now
    this.#random = options.random ?? Math.random
  }

  /** Runs `fn` on the request's SQL session (committing when `commit`), or on one of its own outside a request. */
  async #run<T>(commit: boolean, fn: (session: SqlSession) => Promise<T>): Promise<T> {
    const go = async (session: SqlSession): Promise<T> => {
      const created = await this.#prepare(session)
      const result = await fn(session)
      if (commit || created) await session.commit()
      if (created) this.#prepared = true
      return result
    }
    if (hasContext() && currentContext().app === this.app) return go(this.db.sessionFor(this.bind))
    return this.app.appContext(async () => {
      const session = this.db.sessionFor(this.bind)
      try {
        return await go(session)
      } finally {
        await session.close()
      }
    })
  }

  /**
   * Learns the dialect and, the first time, creates the table and its index
   * if missing — on the caller's session, so that SQLite's one connection is
   * never asked for twice. True when it ran DDL (to be committed).
   */
  async #prepare(session: SqlSession): Promise<boolean> {
    if (this.#prepared) return false
    this.#dialect ??= (await this.db.engine(this.bind, this.app)).dialect
    if (!this.createTable) {
      this.#prepared = true
      return false
    }
    const [createTable, createIndex] = sessionTableDdl(this.table)
    await session.execute(createTable!)
    if (this.#dialect === 'mysql') {
      // MySQL has no CREATE INDEX IF NOT EXISTS
      const { rows } = await session.execute<{ n: number | string }>(
        'SELECT COUNT(*) AS n FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = :table AND index_name = :index',
        { table: this.table, index: `${this.table}_expiry` },
      )
      if (Number(rows[0]?.n ?? 0) === 0) await session.execute(createIndex!)
    } else await session.execute(createIndex!.replace('CREATE INDEX', 'CREATE INDEX IF NOT EXISTS'))
    return true
  }

  async load(sid: string): Promise<Record<string, unknown> | null> {
    const now = this.#now()
    const cleanup = this.cleanupEvery > 0 && this.#random() * this.cleanupEvery < 1
    // the load runs before the view: ending its read here gives SQLite's lock back at once
    return this.#run(true, async (session) => {
      if (cleanup) await session.execute(`DELETE FROM ${this.table} WHERE expiry <= :now`, { now })
      const { rows } = await session.execute<{ data: string; expiry: number | string }>(`SELECT data, expiry FROM ${this.table} WHERE session_id = :sid`, { sid })
      const row = rows[0]
      if (row === undefined) return null
      if (Number(row.expiry) <= now) return null // expired: the next cleanup removes it
      return parseRecord(row.data)
    })
  }

  async save(sid: string, data: Record<string, unknown>, ttl: number): Promise<void> {
    const expiry = this.#now() + Math.max(1, Math.ceil(ttl)) * 1000
    const text = JSON.stringify(data)
    await this.#run(true, async (session) => {
      const upsert =
        this.#dialect === 'mysql'
          ? `INSERT INTO ${this.table} (session_id, data, expiry) VALUES (:sid, :text, :expiry) ON DUPLICATE KEY UPDATE data = VALUES(data), expiry = VALUES(expiry)`
          : `INSERT INTO ${this.table} (session_id, data, expiry) VALUES (:sid, :text, :expiry) ON CONFLICT (session_id) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`
      await session.execute(upsert, { sid, text, expiry })
    })
  }

  async destroy(sid: string): Promise<void> {
    await this.#run(true, (session) => session.execute(`DELETE FROM ${this.table} WHERE session_id = :sid`, { sid }))
  }

  /**
   * Deletes every expired row now; returns how many.
   *
   * @example
   * ```ts
   * tasks.periodic('0 * * * *', tasks.task('sessions.cleanup', () => store.cleanup()))
   * ```
   */
  async cleanup(): Promise<number> {
    const now = this.#now()
    return this.#run(true, async (session) => (await session.execute(`DELETE FROM ${this.table} WHERE expiry <= :now`, { now })).rowCount)
  }
}

function parseRecord(text: string): Record<string, unknown> | null {
  try {
    const data: unknown = JSON.parse(text)
    return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null
  } catch {
    return null
  }
}
