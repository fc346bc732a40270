/**
 * One set of errors for every database: each driver's constraint codes become
 * an {@link IntegrityError} that names the constraint, table and columns, and
 * a lost or refused connection becomes {@link DatabaseUnavailable}, a 503 that
 * the app's error handling renders like any other HTTP error.
 */
import { ServiceUnavailable } from 'phial'

/** Which rule a write broke. @example if (err.kind === 'unique') flash('Taken') */
export type IntegrityKind = 'unique' | 'foreignKey' | 'notNull' | 'check'

/**
 * A write broke a constraint (SQLAlchemy's `IntegrityError`): the same class,
 * with the same fields, on SQLite, PostgreSQL and MySQL/MariaDB.
 *
 * @example
 * ```ts
 * try {
 *   await db.session.add(User, { username })
 *   await db.session.commit()
 * } catch (err) {
 *   if (err instanceof IntegrityError && err.kind === 'unique') flash(`User ${username} is already registered.`)
 *   else throw err
 * }
 * ```
 */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError'
  constructor(
    message: string,
    readonly kind: IntegrityKind,
    /** The constraint's name, when the database says it (SQLite does not for foreign keys). */
    readonly constraint: string | null,
    readonly table: string | null,
    /** The columns involved (database names). */
    readonly columns: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }

  /** The first column, or null. @example err.column // 'username' */
  get column(): string | null {
    return this.columns[0] ?? null
  }
}

/**
 * The database cannot be reached (refused, lost, timed out, busy): a 503
 * Service Unavailable with `Retry-After`. The pool opens a new connection on
 * the next request.
 *
 * @example
 * ```ts
 * app.errorHandler(DatabaseUnavailable, () => ['The database is down; try again in a minute.', 503])
 * ```
 */
export class DatabaseUnavailable extends ServiceUnavailable {
  constructor(description: string, options?: { cause?: unknown }) {
    super(description, { cause: options?.cause, retryAfter: 5 } as never)
  }
}

/**
 * An index or foreign key's table and columns, from the registered models.
 *
 * @example
 * ```ts
 * const lookup: ConstraintLookup = (name) => (name === 'uq_user_username' ? { table: 'user', columns: ['username'] } : undefined)
 * ```
 */
export type ConstraintLookup = (name: string) => { table: string; columns: readonly string[] } | undefined

interface DriverError {
  code?: string
  errno?: number
  constraint?: string
  table?: string
  column?: string
  detail?: string
  message?: string
  sqlMessage?: string
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ECONNCLOSED',
  '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006',
  'SQLITE_BUSY', 'SQLITE_CANTOPEN', 'SQLITE_LOCKED',
])
const CONNECTION_MESSAGES = /connection terminated|not queryable|closed state|connection is closed|timeout exceeded when trying to connect|terminating connection|server has gone away|lost connection|pool is (closed|draining)|cannot use a pool after calling end/i

/** The driver's own error inside TypeORM's wrapper. */
function driverErrorOf(err: unknown): DriverError | null {
  if (typeof err !== 'object' || err === null) return null
  const inner = (err as { driverError?: unknown }).driverError
  return (typeof inner === 'object' && inner !== null ? inner : err) as DriverError
}

/**
 * True for an error that means the connection is gone (the driver's code or message).
 *
 * @example
 * ```ts
 * if (isConnectionError(err)) await reconnect()
 * ```
 */
export function isConnectionError(err: unknown): boolean {
  const d = driverErrorOf(err)
  if (d === null) return false
  if (d.code !== undefined && CONNECTION_CODES.has(d.code)) return true
  return CONNECTION_MESSAGES.test(d.message ?? '') || CONNECTION_MESSAGES.test((err as Error).message ?? '')
}

/** Lookup key prefix for "the only foreign key of this table" (SQLite does not name the one that failed). */
export const ONLY_FOREIGN_KEY = '\0fk:'

const unquote = (s: string): string => s.replace(/^[`"']|[`"']$/g, '')

/**
 * Turns a driver's error into Phial's: an {@link IntegrityError}, a
 * {@link DatabaseUnavailable}, or the error unchanged.
 *
 * @example
 * ```ts
 * try { await runner.query(sql) } catch (err) { throw translateError(err, lookup) }
 * ```
 */
export function translateError(err: unknown, lookup: ConstraintLookup, query = ''): unknown {
  if (err instanceof IntegrityError || err instanceof DatabaseUnavailable) return err
  const d = driverErrorOf(err)
  if (d === null) return err
  // TypeORM releases a PostgreSQL query runner whose connection died, and says so on the next query
  if ((err as Error).name === 'QueryRunnerAlreadyReleasedError') {
    return new DatabaseUnavailable('The connection to the database was lost.', { cause: err })
  }
  const integrity = (kind: IntegrityKind, constraint: string | null, table: string | null, columns: readonly string[]): IntegrityError => {
    const known = constraint === null ? undefined : lookup(constraint)
    const cols = columns.length > 0 ? columns : (known?.columns ?? [])
    const tbl = table ?? known?.table ?? tableOfQuery(query)
    const what = { unique: 'unique', foreignKey: 'foreign key', notNull: 'not-null', check: 'check' }[kind]
    const where = [tbl && cols.length ? `${tbl}.${cols.join(', ')}` : tbl, constraint && `(${constraint})`].filter(Boolean).join(' ')
    return new IntegrityError(`${what} constraint failed${where ? `: ${where}` : ''}`, kind, constraint, tbl, cols, { cause: err })
  }
  const code = d.code ?? ''
  // SQLite (better-sqlite3): the message names table.column for unique and not-null
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    const message = d.message ?? ''
    const named = /failed: (.+)$/.exec(message)?.[1] ?? ''
    const parts = named.split(', ').map((p) => p.split('.'))
    const table = parts[0]?.length === 2 ? parts[0][0]! : null
    const columns = parts.filter((p) => p.length === 2).map((p) => p[1]!)
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      const index = table === null ? undefined : findIndex(lookup, table, columns)
      return integrity('unique', index ?? null, table, columns)
    }
    if (code === 'SQLITE_CONSTRAINT_NOTNULL') return integrity('notNull', null, table, columns)
    if (code === 'SQLITE_CONSTRAINT_CHECK') return integrity('check', named || null, null, [])
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      // SQLite names neither: when the table has a single foreign key, it is that one
      const written = tableOfQuery(query)
      const only = written === null ? undefined : lookup(`${ONLY_FOREIGN_KEY}${written}`)
      return integrity('foreignKey', null, written, only?.columns ?? [])
    }
    return integrity('check', null, table, columns)
  }
  // PostgreSQL: SQLSTATE class 23, with constraint, table, column and detail fields
  if (/^23\d{3}$/.test(code)) {
    const keyColumns = /^Key \(([^)]+)\)/.exec(d.detail ?? '')?.[1]?.split(', ').map(unquote) ?? []
    const kind: IntegrityKind = code === '23505' ? 'unique' : code === '23503' ? 'foreignKey' : code === '23502' ? 'notNull' : 'check'
    const columns = d.column ? [d.column] : kind === 'foreignKey' ? (lookup(d.constraint ?? '')?.columns ?? keyColumns) : keyColumns
    return integrity(kind, d.constraint ?? null, d.table ?? null, columns)
  }
  // MySQL / MariaDB: errno, and names only in the message
  const message = d.sqlMessage ?? d.message ?? ''
  switch (d.errno) {
    case 1062: {
      const key = /for key '([^']+)'/.exec(message)?.[1] ?? null
      const constraint = key?.includes('.') ? key.slice(key.lastIndexOf('.') + 1) : key
      return integrity('unique', constraint === 'PRIMARY' ? null : constraint, null, [])
    }
    case 1451:
    case 1452:
    case 1216:
    case 1217: {
      const m = /\(`[^`]+`\.`([^`]+)`, CONSTRAINT `([^`]+)` FOREIGN KEY \(([^)]+)\)/.exec(message)
      return integrity('foreignKey', m?.[2] ?? null, m?.[1] ?? null, m?.[3]?.split(', ').map(unquote) ?? [])
    }
    case 1048:
    case 1364: {
      const column = /(?:Column|Field) '([^']+)'/.exec(message)?.[1]
      return integrity('notNull', null, null, column ? [column] : [])
    }
    case 3819:
    case 4025:
      return integrity('check', /constraint '?`?([^'`\s]+)/i.exec(message)?.[1] ?? null, null, [])
  }
  if (isConnectionError(err)) {
    return new DatabaseUnavailable(`The database is unavailable (${d.code ?? d.message ?? 'connection error'}).`, { cause: err })
  }
  return err
}

function findIndex(lookup: ConstraintLookup, table: string, columns: readonly string[]): string | undefined {
  for (const prefix of ['uq', 'ix']) {
    const name = [prefix, table, ...columns].join('_')
    if (lookup(name) !== undefined) return name
  }
  return undefined
}

/** The table an INSERT / UPDATE / DELETE statement writes to. */
function tableOfQuery(query: string): string | null {
  const m = /^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([`"]?)([\w.]+)\1/i.exec(query)
  return m ? m[2]!.split('.').pop()! : null
}
