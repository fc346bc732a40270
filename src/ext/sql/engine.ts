/**
 * An engine: one bind's TypeORM DataSource, opened on first use, with what
 * sessions need from it (the dialect, constraint names for errors, and on
 * SQLite the lock that gives each session the one connection in turn).
 */
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { DataSource, FindManyOptions, QueryRunner } from 'typeorm'
import { entitySchemas, type Dialect } from './entity.ts'
import { DatabaseUnavailable, ONLY_FOREIGN_KEY, translateError, type ConstraintLookup } from './errors.ts'
import type { Model } from './model.ts'
import { findShape, prepareCount, prepareFind, type PreparedCount, type PreparedFind } from './prepared-find.ts'
import { loadTransformer, preparePrimaryKeyRead, type PrimaryKeyRead, type Transformer } from './primary-key-read.ts'
import { constraintName, schemaState, type SchemaState } from './state.ts'
import type { ParsedUrl } from './url.ts'

type NamingBase = TypeOrm['DefaultNamingStrategy']
const tableOf = (t: { name: string } | string): string => (typeof t === 'string' ? t : t.name).split('.').pop()!

/**
 * TypeORM's naming with Phial's readable names for the keys TypeORM names
 * itself (join tables, one-to-one keys): `ix_<table>_<columns>`,
 * `uq_<table>_<columns>`, `fk_<table>_<columns>_<referenced table>`, the
 * same names `schemaState` gives, so TypeORM's diff and migrations agree.
 */
function phialNamingStrategy(Base: NamingBase): InstanceType<NamingBase> {
  class PhialNamingStrategy extends Base {
    override indexName(table: { name: string } | string, columns: string[]): string {
      return constraintName('ix', tableOf(table), columns)
    }
    override uniqueConstraintName(table: { name: string } | string, columns: string[]): string {
      return constraintName('uq', tableOf(table), columns)
    }
    override relationConstraintName(table: { name: string } | string, columns: string[]): string {
      return constraintName('uq', tableOf(table), columns)
    }
    override foreignKeyName(table: { name: string } | string, columns: string[], referenced?: string): string {
      return constraintName('fk', tableOf(table), columns, referenced === undefined ? undefined : tableOf(referenced))
    }
  }
  return new PhialNamingStrategy()
}

type TypeOrm = typeof import('typeorm')
let typeorm: Promise<TypeOrm> | undefined

/**
 * TypeORM, imported on first use (it is an optional peer dependency).
 *
 * @example
 * ```ts
 * const { DataSource } = await loadTypeOrm()
 * ```
 */
export function loadTypeOrm(): Promise<TypeOrm> {
  typeorm ??= import('typeorm').catch((err: unknown) => {
    typeorm = undefined
    throw new Error('phial/sql needs TypeORM and a driver: npm install typeorm better-sqlite3 (or pg, or mysql2).', { cause: err })
  })
  return typeorm
}

interface LockWaiter {
  readonly shared: boolean
  grant(): void
}

/**
 * SQLite's one connection, shared in turn: a readers-writer lock with a
 * timeout. A session's transaction (or a `read()` repository) holds it
 * alone (`acquire`); statements outside a transaction share it (`tryShare` /
 * `share`), so reads never wait for each other, only for an open
 * transaction — and a transaction waits for the reads in flight, so none of
 * them runs inside it. Waiters are served in order (a waiting transaction
 * is not starved by new reads).
 */
export class ConnectionLock {
  #held = false
  #readers = 0
  readonly #waiters: LockWaiter[] = []

  /**
   * Takes a share at once when nothing holds the lock alone and nobody waits;
   * false otherwise (then `share()` waits). Give it back with `unshare()`.
   *
   * @example
   * ```ts
   * if (lock.tryShare()) try { read() } finally { lock.unshare() }
   * ```
   */
  tryShare(): boolean {
    if (this.#held || this.#waiters.length > 0) return false
    this.#readers++
    return true
  }

  /** Waits for a share (see {@link tryShare}); after `timeoutMs` gives up with a 503. @example await lock.share(30_000) */
  share(timeoutMs: number): Promise<void> {
    if (this.tryShare()) return Promise.resolve()
    return this.#wait(true, timeoutMs).then(() => undefined)
  }

  /** Gives a share back. @example lock.unshare() */
  unshare(): void {
    if (--this.#readers === 0) this.#next()
  }

  /** Waits for the lock alone; after `timeoutMs` gives up with a 503. @example const release = await lock.acquire(30_000) */
  acquire(timeoutMs: number): Promise<() => void> {
    return Promise.resolve(this.tryAcquire() ?? this.#wait(false, timeoutMs))
  }

  /**
   * Takes the lock alone at once when it is free and nobody waits; null
   * otherwise (then `acquire()` waits). Returns the function that gives it back.
   *
   * @example
   * ```ts
   * const release = lock.tryAcquire()
   * if (release !== null) try { write() } finally { release() }
   * ```
   */
  tryAcquire(): (() => void) | null {
    if (this.#held || this.#readers > 0 || this.#waiters.length > 0) return null
    this.#held = true
    return this.#releaser()
  }

  #releaser(): () => void {
    let done = false
    return () => {
      if (done) return
      done = true
      this.#held = false
      this.#next()
    }
  }

  #wait(shared: boolean, timeoutMs: number): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const waiter: LockWaiter = {
        shared,
        grant: () => {
          clearTimeout(timer)
          resolve(shared ? noop : this.#releaser())
        },
      }
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
        reject(new DatabaseUnavailable(`Timed out after ${timeoutMs / 1000} s waiting for the SQLite database (another request holds it).`))
        this.#next() // readers queued behind a writer that gave up may go now
      }, timeoutMs)
      this.#waiters.push(waiter)
    })
  }

  /** Serves the waiters at the head of the queue that can go now. */
  #next(): void {
    while (!this.#held && this.#waiters.length > 0) {
      const head = this.#waiters[0]!
      if (head.shared) {
        this.#readers++
      } else {
        if (this.#readers > 0) return
        this.#held = true
      }
      this.#waiters.shift()
      head.grant()
    }
  }
}

const noop = (): void => undefined

/** How many shapes of find options an engine prepares (an app has a few per model; options built from user input could make many). */
export const MAX_FIND_SHAPES = 256

/** Called with each statement a session runs (for recording), and its timing. */
export type QueryListener = (statement: string, parameters: unknown[] | undefined, start: number, end: number) => void

/**
 * One bind's database.
 *
 * @example
 * ```ts
 * const engine = await db.engine()
 * engine.dialect // 'sqlite'
 * ```
 */
export class Engine {
  readonly state: SchemaState
  readonly lookup: ConstraintLookup
  /** SQLite only: the lock on the one connection. */
  readonly lock: ConnectionLock | null
  /** SQLite only: the session holding the lock, which statements are recorded for. */
  listener: QueryListener | null = null
  /** SQLite only: the DataSource's one query runner (instrumented), which every session uses in turn. */
  shared: QueryRunner | null = null
  /** TypeORM's row transformer for prepared primary-key reads; null: every read takes findOne. */
  #transformer: Transformer | null = null
  /** Each model's prepared primary-key read (null: not one where it is exactly findOne), made on first use. */
  readonly #primaryKeyReads = new Map<string, PrimaryKeyRead | null>()
  /** Prepared finds by model and shape of options, and counts (null: TypeORM's find or count), made on first use; a promise while TypeORM builds one. */
  readonly #finds = new Map<string, PreparedFind | PreparedCount | null | Promise<PreparedFind | PreparedCount | null>>()

  constructor(
    readonly bind: string,
    readonly dataSource: DataSource,
    readonly dialect: Dialect,
    readonly models: readonly Model[],
    readonly url: ParsedUrl,
    readonly poolTimeoutMs: number,
  ) {
    this.state = schemaState(models)
    const names = new Map<string, { table: string; columns: readonly string[] }>()
    for (const table of Object.values(this.state.tables)) {
      for (const i of [...table.indexes, ...table.uniques]) names.set(i.name, { table: table.name, columns: i.columns })
      for (const fk of table.foreignKeys) names.set(fk.name, { table: table.name, columns: fk.columns })
      if (table.foreignKeys.length === 1) names.set(`${ONLY_FOREIGN_KEY}${table.name}`, { table: table.name, columns: table.foreignKeys[0]!.columns })
    }
    this.lookup = (name) => names.get(name)
    this.lock = dialect === 'sqlite' ? new ConnectionLock() : null
  }

  /**
   * Opens the DataSource (creating the SQLite file's folder) for `models`.
   *
   * @example
   * ```ts
   * const engine = await Engine.open('default', parseDatabaseUrl(url, app.instancePath), [User, Post], 30_000)
   * ```
   */
  static async open(bind: string, url: ParsedUrl, models: readonly Model[], poolTimeoutMs: number, logger?: unknown): Promise<Engine> {
    const { DataSource, EntitySchema, DefaultNamingStrategy } = await loadTypeOrm()
    const database = url.options.database
    if (url.dialect === 'sqlite' && typeof database === 'string' && database !== ':memory:') await mkdir(dirname(database), { recursive: true })
    const connect = async (type: unknown): Promise<DataSource> => {
      const dataSource = new DataSource({
        ...url.options,
        type,
        entities: entitySchemas(models, url.dialect, EntitySchema),
        synchronize: false,
        namingStrategy: phialNamingStrategy(DefaultNamingStrategy),
        ...(logger !== undefined && { logger, logging: true }),
      } as never)
      return dataSource.initialize()
    }
    let dataSource: DataSource
    try {
      dataSource = await connect(url.options.type)
      // A mysql:// URL may reach MariaDB, whose schema TypeORM reads correctly only as 'mariadb'
      if (url.options.type === 'mysql') {
        const [row] = (await dataSource.query('SELECT VERSION() AS v')) as Array<{ v: string }>
        if (/mariadb/i.test(row?.v ?? '')) {
          await dataSource.destroy()
          dataSource = await connect('mariadb')
        }
      }
    } catch (err) {
      const translated = translateError(err, () => undefined)
      if (translated instanceof DatabaseUnavailable) {
        throw new DatabaseUnavailable(`Cannot connect to the database '${bind}' at ${url.display}: ${(err as Error).message}`, { cause: err })
      }
      throw err
    }
    const engine = new Engine(bind, dataSource, url.dialect, models, url, poolTimeoutMs)
    engine.#transformer = await loadTransformer()
    if (engine.lock !== null) engine.shared = engine.instrument(dataSource.createQueryRunner(), () => engine.listener)
    return engine
  }

  /**
   * The prepared primary-key read of `model` (see primary-key-read.ts), or
   * null when `session.get` must take `findOne` for it.
   *
   * @example
   * ```ts
   * engine.primaryKeyRead(Post)?.sql // 'SELECT "Post"."id" AS "Post_id", … WHERE (("Post"."id" = ?)) LIMIT 1'
   * ```
   */
  primaryKeyRead(model: Model): PrimaryKeyRead | null {
    let read = this.#primaryKeyReads.get(model.name)
    if (read === undefined) {
      read = this.#transformer === null ? null : preparePrimaryKeyRead(this.dataSource, model.name, model.primaryKey, this.#transformer)
      this.#primaryKeyReads.set(model.name, read)
    }
    return read
  }

  /**
   * The prepared find of `model` for the shape of `options` (see
   * prepared-find.ts): null when `session.find` must take TypeORM's `find`,
   * a promise the first time a shape is seen (TypeORM builds it then).
   * At most {@link MAX_FIND_SHAPES} shapes are kept; past that, finds of new shapes take `find`.
   *
   * @example
   * ```ts
   * const found = await engine.preparedFind(Post, { relations: { author: true }, take: 20 })
   * ```
   */
  preparedFind(model: Model, options: FindManyOptions | undefined): PreparedFind | null | Promise<PreparedFind | null> {
    const transformer = this.#transformer
    const shape = transformer === null ? null : findShape(options)
    if (shape === null) return null
    return this.#prepared(`${model.name}\u0000${shape}`, () => prepareFind(this.dataSource, model.name, options, transformer!))
  }

  /**
   * The prepared `count()` of `model` without options (see prepared-find.ts),
   * as {@link preparedFind}: null when `session.count` must take TypeORM's `count`.
   *
   * @example
   * ```ts
   * const count = await engine.preparedCount(Post)
   * ```
   */
  preparedCount(model: Model): PreparedCount | null | Promise<PreparedCount | null> {
    return this.#prepared(`${model.name}\u0000count`, () => prepareCount(this.dataSource, model.name))
  }

  /** The cached preparation under `key`, made on first use (a promise until then; null when it cannot be made). */
  #prepared<T extends PreparedFind | PreparedCount>(key: string, make: () => Promise<T | null>): T | null | Promise<T | null> {
    const known = this.#finds.get(key) as T | null | Promise<T | null> | undefined
    if (known !== undefined) return known
    if (this.#finds.size >= MAX_FIND_SHAPES) return null
    const pending = make().then(
      (made) => {
        this.#finds.set(key, made)
        return made
      },
      () => {
        this.#finds.set(key, null)
        return null
      },
    )
    this.#finds.set(key, pending)
    return pending
  }

  /**
   * Wraps a query runner's `query` so that every statement through it — the
   * entity manager's, a query builder's, raw SQL — has its driver errors
   * translated and is reported to the listener.
   *
   * @example
   * ```ts
   * engine.instrument(runner, () => session.listener)
   * ```
   */
  instrument(runner: QueryRunner, listener: () => QueryListener | null): QueryRunner {
    const original = runner.query.bind(runner)
    const lookup = this.lookup
    runner.query = ((statement: string, parameters?: unknown[], structured?: boolean) => {
      const listen = listener()
      // not an async function: one promise per statement instead of three (each costs a hook call under AsyncLocalStorage on Node 20)
      if (listen === null) {
        return original(statement, parameters as never[], structured as never).catch((err: unknown) => {
          throw translateError(err, lookup, statement)
        })
      }
      const start = performance.now()
      return original(statement, parameters as never[], structured as never).then(
        (result) => {
          listen(statement, parameters, start, performance.now())
          return result
        },
        (err: unknown) => {
          listen(statement, parameters, start, performance.now())
          throw translateError(err, lookup, statement)
        },
      )
    }) as QueryRunner['query']
    return runner
  }

  /** Closes the DataSource (the pool's connections, or the SQLite file). @example await engine.close() */
  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy()
  }
}
