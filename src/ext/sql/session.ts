/**
 * The session (Flask-SQLAlchemy's scoped `db.session`): one per request and
 * bind, on a TypeORM QueryRunner. It begins a transaction on first use; the
 * view's `commit()` makes the work permanent; whatever is not committed when
 * the request ends — an error, or no commit — is rolled back, and the
 * connection goes back to the pool.
 */
import { NotFound } from 'phial'
import { DatabaseUnavailable, translateError } from './errors.ts'
import type { DeepPartial, EntityManager, FindManyOptions, FindOneOptions, FindOptionsWhere, QueryResult, QueryRunner, Repository, SelectQueryBuilder } from 'typeorm'
import type { Engine, QueryListener } from './engine.ts'
import type { Model, Insert, Row } from './model.ts'
import { bindParameters, type SqlParameters } from './params.ts'
import { isNoOptions, runPreparedCount, runPreparedFind, type PreparedCount, type PreparedFind } from './prepared-find.ts'
import { isPlainKey, readByPrimaryKey } from './primary-key-read.ts'

/** True when `options` has an own key (find options were given). */
function hasKeys(options: object): boolean {
  for (const _ in options) return true
  return false
}

/** Statements that only read, which need no transaction of their own. */
const READ_ONLY = /^\s*(SELECT|SHOW|EXPLAIN|VALUES|PRAGMA\s+\w+\s*$|WITH\s(?![\s\S]*\b(INSERT|UPDATE|DELETE|MERGE)\b))/i

/**
 * A statement the session ran, with its timing (Flask-SQLAlchemy's `_QueryInfo`).
 *
 * @example
 * ```ts
 * for (const q of getRecordedQueries()) console.log(q.duration.toFixed(2), q.statement)
 * ```
 */
export interface RecordedQuery {
  readonly statement: string
  readonly parameters: readonly unknown[]
  /** `performance.now()` milliseconds. */
  readonly startTime: number
  readonly endTime: number
  /** Milliseconds. */
  readonly duration: number
  readonly bind: string
}

/**
 * The result of {@link Session.execute}: the rows (for a SELECT, or RETURNING)
 * and how many rows a write touched.
 *
 * @example
 * ```ts
 * const { rows } = await db.execute<{ n: number }>('SELECT count(*) AS n FROM post')
 * ```
 */
export interface ExecuteResult<T> {
  rows: T[]
  rowCount: number
}

/** What a session reports a statement to: the recorder, and the N+1 check. */
export interface SessionObserver {
  record: boolean
  onQuery(query: RecordedQuery): void
}

/** Closes a session without making a promise when there is nothing to close (see {@link Session}). */
export const closeSession: unique symbol = Symbol('phial.sql.closeSession')

/**
 * A unit of work on one database. Get it from `db.session` (the request's) or
 * `db.sessionFor(bind)`.
 *
 * @example
 * ```ts
 * const user = await db.session.add(User, { username: 'alice' })
 * await db.session.commit()
 * ```
 */
export class Session {
  /** The connection this session holds: its transaction's, or one held for `read()`; null between (reads then run on the pool). */
  #runner: QueryRunner | null = null
  #opening: Promise<QueryRunner> | null = null
  /** SQLite: gives back the lock this session holds alone (with `#runner`). */
  #releaseLock: (() => void) | null = null
  #closed = false
  #listener: QueryListener | null = null
  #engine: Engine | null = null
  readonly #ready: Promise<Engine> | null = null
  readonly #observer: SessionObserver | null

  constructor(engine: Engine | Promise<Engine>, observer: SessionObserver | null) {
    this.#observer = observer
    if (engine instanceof Promise) {
      this.#ready = engine
      this.#ready.catch(() => undefined) // reported by the first use, not as an unhandled rejection
    } else {
      this.#known(engine)
    }
  }

  #known(engine: Engine): Engine {
    const observer = this.#observer
    if (observer !== null) {
      const bind = engine.bind
      this.#listener = (statement, parameters, start, end) =>
        observer.onQuery({ statement, parameters: parameters ?? [], startTime: start, endTime: end, duration: end - start, bind })
    }
    this.#engine = engine
    return engine
  }

  /** The session's engine; known once the session has been used. @example (await db.engine()) === db.session.engine */
  get engine(): Engine {
    if (this.#engine === null) throw new Error('The session has not connected yet: use it (or await db.engine()) first.')
    return this.#engine
  }

  /** True between the first write (or `begin()`) and `commit()` / `rollback()`. @example if (db.session.inTransaction) ... */
  get inTransaction(): boolean {
    return this.#runner?.isTransactionActive === true
  }

  /**
   * The session's connection in a transaction, begun now if none is open.
   * Writes begin one by themselves; reads before the first write run
   * without one (each sees the latest committed data, as under READ
   * COMMITTED), so a read-only request costs no BEGIN and no ROLLBACK.
   * Call it first to read from one snapshot.
   *
   * @example
   * ```ts
   * await db.session.begin()
   * ```
   */
  async begin(): Promise<QueryRunner> {
    return this.#connect(true)
  }

  /**
   * The query runner, in a transaction (see {@link begin}).
   *
   * @example
   * ```ts
   * const runner = await db.session.runner()
   * await runner.query('SELECT 1')
   * ```
   */
  runner(): Promise<QueryRunner> {
    return this.#connect(true)
  }

  /** The connection this session holds (taken now if none), in a transaction when `transaction`. */
  #connect(transaction: boolean): Promise<QueryRunner> {
    if (this.#closed) return Promise.reject(closedError())
    const runner = this.#runner
    if (runner !== null && this.#opening === null && (!transaction || runner.isTransactionActive) && !lost(runner, this.#engine!)) return Promise.resolve(runner)
    if (runner === null && this.#opening === null && !transaction) {
      const taken = this.#takeNow()
      if (taken !== null) return Promise.resolve(taken)
    }
    const previous = this.#opening ?? Promise.resolve(null)
    const opening = previous.catch(() => null).then(() => this.#open(transaction))
    const settled = opening.finally(() => {
      if (this.#opening === settled) this.#opening = null
    })
    this.#opening = settled
    return settled
  }

  /**
   * A connection for reads taken at once, when that needs no waiting: the
   * engine is open and (SQLite) nobody holds or waits for the one
   * connection. Null otherwise (then {@link #open} waits for it).
   */
  #takeNow(): QueryRunner | null {
    const engine = this.#engine
    if (engine === null) return null
    let runner: QueryRunner
    if (engine.lock !== null) {
      const release = engine.lock.tryAcquire()
      if (release === null) return null
      this.#releaseLock = release
      engine.listener = this.#listener
      runner = engine.shared!
    } else {
      runner = engine.instrument(engine.dataSource.createQueryRunner(), () => this.#listener)
    }
    this.#runner = runner
    return runner
  }

  async #open(transaction: boolean): Promise<QueryRunner> {
    const engine = this.#engine ?? this.#known(await this.#ready!)
    let runner = this.#runner
    if (runner !== null && lost(runner, engine)) {
      // The driver dropped the connection. Inside a transaction its work is gone: say so
      // (a 503) rather than carry on in a new one; rollback() starts afresh. Outside, reconnect.
      if (runner.isTransactionActive) throw new DatabaseUnavailable('The connection to the database was lost during this request.')
      this.#runner = runner = null
    }
    try {
      if (runner === null) {
        if (engine.lock !== null) {
          // SQLite: the one connection, alone until commit, rollback or the end of the request
          this.#releaseLock = await engine.lock.acquire(engine.poolTimeoutMs)
          engine.listener = this.#listener
          runner = engine.shared!
        } else {
          runner = engine.instrument(engine.dataSource.createQueryRunner(), () => this.#listener)
        }
        this.#runner = runner
      }
      if (transaction && !runner.isTransactionActive) await runner.startTransaction()
    } catch (err) {
      await this.#finish()
      throw err
    }
    return runner
  }

  /**
   * Runs `read` on a connection for reads: the one this session holds (its
   * transaction's), else — no transaction — a pooled connection given back
   * as soon as the statements are done (on SQLite, the one connection
   * shared with the other sessions' reads, never inside another session's
   * transaction). Not an async function: the common case makes no promise
   * of its own.
   */
  #reading<T>(read: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const engine = this.#engine
    const held = this.#runner
    // the connection this session holds (a read() repository's, or its transaction's): it is instrumented, so errors are translated and statements recorded there
    if (held !== null && this.#opening === null && !this.#closed && !lost(held, engine!)) {
      try {
        return read(held)
      } catch (err) {
        return Promise.reject(err)
      }
    }
    if (engine === null || held !== null || this.#opening !== null || this.#closed || this.#listener !== null) return this.#readingSlowly(read)
    const lock = engine.lock
    if (lock === null) return onPooled(engine, read)
    if (!lock.tryShare()) return this.#readingSlowly(read)
    let pending: Promise<T>
    try {
      pending = read(engine.shared!)
    } catch (err) {
      lock.unshare()
      throw err
    }
    return pending.then(
      (value) => {
        lock.unshare()
        return value
      },
      (err: unknown) => {
        lock.unshare()
        throw err
      },
    )
  }

  async #readingSlowly<T>(read: (runner: QueryRunner) => Promise<T>): Promise<T> {
    if (this.#closed) throw closedError()
    if (this.#opening !== null) await this.#opening.catch(() => undefined)
    const engine = this.#engine ?? this.#known(await this.#ready!)
    const held = this.#runner
    if (held !== null) {
      if (!lost(held, engine)) return read(held)
      if (held.isTransactionActive) throw new DatabaseUnavailable('The connection to the database was lost during this request.')
      this.#runner = null // a connection held for reads died: read on without it
    }
    const lock = engine.lock
    if (lock === null) {
      if (this.#listener === null) return onPooled(engine, read)
      const runner = engine.instrument(engine.dataSource.createQueryRunner(), () => this.#listener)
      try {
        return await read(runner)
      } finally {
        await runner.release().catch(() => undefined)
      }
    }
    if (this.#listener !== null) {
      // recorded: the connection alone for this read, so its statements are this session's
      const release = await lock.acquire(engine.poolTimeoutMs)
      engine.listener = this.#listener
      try {
        return await read(engine.shared!)
      } finally {
        if (engine.listener === this.#listener) engine.listener = null
        release()
      }
    }
    await lock.share(engine.poolTimeoutMs)
    try {
      return await read(engine.shared!)
    } finally {
      lock.unshare()
    }
  }

  /**
   * A repository for reads only: no transaction is begun for it (what
   * `find`, `get` and `paginate` use). Use {@link repository} to write.
   *
   * @example
   * ```ts
   * const posts = await (await db.session.read(Post)).findAndCount({ take: 5 })
   * ```
   */
  async read<M extends Model>(model: M): Promise<Repository<Row<M>>> {
    // the repository outlives any one statement: the session holds a connection for it (on SQLite, alone) until commit, rollback or close
    return (await this.#connect(false)).manager.getRepository<Row<M>>(model.name)
  }

  /** The entity manager on this session's transaction. @example const m = await db.session.manager() */
  async manager(): Promise<EntityManager> {
    return (await this.runner()).manager
  }

  /** TypeORM's repository of `model`, on this session's transaction. @example const users = await db.session.repository(User) */
  async repository<M extends Model>(model: M): Promise<Repository<Row<M>>> {
    return (await this.runner()).manager.getRepository<Row<M>>(model.name)
  }

  /**
   * A query builder on `model` (TypeORM's SelectQueryBuilder) for filters,
   * joins, ordering and limits, inside this session's transaction.
   *
   * @example
   * ```ts
   * const qb = await db.session.query(Post, 'post')
   * const posts = await qb.leftJoinAndSelect('post.author', 'author').where('post.published = :p', { p: true }).orderBy('post.created', 'DESC').limit(10).getMany()
   * ```
   */
  async query<M extends Model>(model: M, alias: string = model.tableName): Promise<SelectQueryBuilder<Row<M>>> {
    return (await this.repository(model)).createQueryBuilder(alias)
  }

  /** The row with this primary key, or null (SQLAlchemy's `session.get`). @example await db.session.get(User, 1) */
  get<M extends Model>(model: M, id: unknown, options?: Omit<FindOneOptions<Row<M>>, 'where'>): Promise<Row<M> | null> {
    const read = options === undefined && isPlainKey(id) ? (this.#engine?.primaryKeyRead(model) ?? null) : null
    if (read !== null) return this.#reading((r) => readByPrimaryKey(read, r, id) as Promise<Row<M> | null>)
    const where = { [model.primaryKey]: id } as FindOptionsWhere<Row<M>>
    return this.#reading((r) => r.manager.getRepository<Row<M>>(model.name).findOne(options === undefined ? { where } : { ...options, where }))
  }

  /**
   * The row with this primary key, or a 404 (Flask-SQLAlchemy's `get_or_404`).
   *
   * @example
   * ```ts
   * const post = await db.session.getOr404(Post, id, { description: `Post id ${id} doesn't exist.` })
   * ```
   */
  async getOr404<M extends Model>(model: M, id: unknown, options: Omit<FindOneOptions<Row<M>>, 'where'> & { description?: string } = {}): Promise<Row<M>> {
    const { description, ...find } = options
    const row = await this.get(model, id, hasKeys(find) ? find : undefined)
    if (row === null) throw new NotFound(description)
    return row
  }

  /** The first matching row, or a 404 (`first_or_404`). @example await db.session.firstOr404(User, { where: { username } }) */
  async firstOr404<M extends Model>(model: M, options: FindOneOptions<Row<M>> & { description?: string } = {}): Promise<Row<M>> {
    const { description, ...find } = options
    const row = await this.findOne(model, find)
    if (row === null) throw new NotFound(description)
    return row
  }

  /** The only matching row; a 404 when there is none or more than one (`one_or_404`). @example await db.session.oneOr404(User, { where: { email } }) */
  async oneOr404<M extends Model>(model: M, options: FindManyOptions<Row<M>> & { description?: string } = {}): Promise<Row<M>> {
    const { description, ...find } = options
    const rows = await this.find(model, { ...find, take: 2 })
    if (rows.length !== 1) throw new NotFound(description)
    return rows[0]!
  }

  /** Matching rows (TypeORM's find options: `where`, `order`, `relations`, `take`, `skip`). @example await db.session.find(Post, { order: { id: 'DESC' } }) */
  find<M extends Model>(model: M, options?: FindManyOptions<Row<M>>): Promise<Row<M>[]> {
    const found = this.#engine?.preparedFind(model, options as FindManyOptions) ?? null
    // the numbers of the shape just checked (whole numbers ≥ 0 or undefined when found is not null)
    const skip = options?.skip
    const take = options?.take
    const run = (f: PreparedFind | null): Promise<Row<M>[]> =>
      f === null
        ? this.#reading((r) => r.manager.getRepository<Row<M>>(model.name).find(options))
        : this.#reading((r) => runPreparedFind(f, r, skip, take) as Promise<Row<M>[]>)
    // a shape seen for the first time: TypeORM builds its statements first
    return found instanceof Promise ? found.then(run) : run(found)
  }

  /** The first matching row or null. @example await db.session.findOne(User, { where: { username } }) */
  findOne<M extends Model>(model: M, options: FindOneOptions<Row<M>>): Promise<Row<M> | null> {
    return this.#reading((r) => r.manager.getRepository<Row<M>>(model.name).findOne(options))
  }

  /** How many rows match. @example await db.session.count(Post, { where: { authorId: 1 } }) */
  count<M extends Model>(model: M, options?: FindManyOptions<Row<M>>): Promise<number> {
    const prepared = isNoOptions(options) ? (this.#engine?.preparedCount(model) ?? null) : null
    const run = (c: PreparedCount | null): Promise<number> =>
      c === null ? this.#reading((r) => r.manager.getRepository<Row<M>>(model.name).count(options)) : this.#reading((r) => runPreparedCount(c, r))
    return prepared instanceof Promise ? prepared.then(run) : run(prepared)
  }

  /**
   * Inserts a row and returns it with its generated values (`session.add` + flush).
   *
   * @example
   * ```ts
   * const post = await db.session.add(Post, { title: 'Hi', body: '', authorId: user.id })
   * post.id // set
   * ```
   */
  async add<M extends Model>(model: M, values: Insert<M>): Promise<Row<M>> {
    const repo = await this.repository(model)
    return (await repo.save(repo.create(values as DeepPartial<Row<M>>))) as Row<M>
  }

  /** Saves a row (insert or update by primary key), relations included. @example post.title = 'New'; await db.session.save(Post, post) */
  async save<M extends Model>(model: M, row: DeepPartial<Row<M>>): Promise<Row<M>> {
    return (await (await this.repository(model)).save(row)) as Row<M>
  }

  /** Updates the matching rows; returns how many. @example await db.session.update(Post, { id }, { title }) */
  async update<M extends Model>(model: M, where: FindOptionsWhere<Row<M>>, values: DeepPartial<Row<M>>): Promise<number> {
    return (await (await this.repository(model)).update(where, values as never)).affected ?? 0
  }

  /** Deletes the matching rows; returns how many. @example await db.session.delete(Post, { id }) */
  async delete<M extends Model>(model: M, where: FindOptionsWhere<Row<M>>): Promise<number> {
    return (await (await this.repository(model)).delete(where)).affected ?? 0
  }

  /**
   * Runs SQL with bound parameters — never interpolated: `:name` with an
   * object, or `?` with an array, on every database.
   *
   * @example
   * ```ts
   * const { rows } = await db.session.execute<{ title: string }>('SELECT title FROM post WHERE author_id = :id', { id: 1 })
   * ```
   */
  async execute<T = Record<string, unknown>>(statement: string, parameters?: SqlParameters): Promise<ExecuteResult<T>> {
    const run = (runner: QueryRunner): Promise<QueryResult> => {
      const [sql, values] = bindParameters(statement, parameters, this.#engine!.dialect)
      return runner.query(sql, values, true) as Promise<QueryResult>
    }
    const result = READ_ONLY.test(statement) ? await this.#reading(run) : await run(await this.#connect(true))
    const records = Array.isArray(result.records) ? (result.records as T[]) : []
    return { rows: records, rowCount: result.affected ?? records.length }
  }

  /** Commits the transaction; the next statement begins a new one. @example await db.session.commit() */
  async commit(): Promise<void> {
    if (this.#opening) await this.#opening.catch(() => undefined)
    const runner = this.#runner
    if (runner?.isTransactionActive) {
      try {
        await runner.commitTransaction()
      } catch (err) {
        await this.rollback()
        throw err
      }
    }
    this.#unlock()
  }

  /** Rolls the transaction back. @example await db.session.rollback() */
  async rollback(): Promise<void> {
    if (this.#opening) await this.#opening.catch(() => undefined)
    const runner = this.#runner
    try {
      if (runner !== null && lost(runner, this.#engine!)) this.#runner = null // lost: nothing to roll back
      else if (runner?.isTransactionActive) await runner.rollbackTransaction()
    } finally {
      this.#unlock()
    }
  }

  /** Rolls back what was not committed and returns the connection (done in teardown). @example await session.close() */
  async close(): Promise<void> {
    await this[closeSession]()
  }

  /**
   * What {@link close} does, without a promise when the session holds
   * nothing (it only read, or was never used): the request's teardown calls it.
   *
   * @example
   * ```ts
   * const closing = session[closeSession]()
   * if (closing !== undefined) await closing
   * ```
   */
  [closeSession](): Promise<void> | undefined {
    if (this.#closed) return undefined
    if (this.#runner === null && this.#opening === null && this.#releaseLock === null) {
      this.#closed = true
      return undefined
    }
    const runner = this.#runner
    if (runner !== null && this.#opening === null && !runner.isTransactionActive) return this.#closeReader(runner)
    return this.#closeHeld()
  }

  /**
   * Closes a session that holds a connection for reads only (a `read()`
   * repository, no transaction): nothing to roll back. SQLite gives the
   * lock back without a promise; a pooled connection goes back to its pool.
   */
  #closeReader(runner: QueryRunner): Promise<void> | undefined {
    this.#closed = true
    this.#runner = null
    this.#unlock()
    if (this.#engine?.lock !== null || runner.isReleased) return undefined
    return runner.release().catch(() => undefined)
  }

  async #closeHeld(): Promise<void> {
    try {
      await this.rollback()
    } catch {
      /* a lost connection: nothing to roll back; the pool drops it */
    } finally {
      this.#closed = true
      await this.#finish()
    }
  }

  async #finish(): Promise<void> {
    const runner = this.#runner
    this.#runner = null
    // SQLite's query runner is the DataSource's only one: it stays open
    if (runner !== null && this.#engine?.lock === null && !runner.isReleased) await runner.release().catch(() => undefined)
    this.#unlock()
  }

  /** SQLite: gives the one connection back (after a commit or rollback, the next statement takes it again). */
  #unlock(): void {
    if (this.#releaseLock === null) return
    const engine = this.#engine!
    if (engine.listener === this.#listener) engine.listener = null
    const release = this.#releaseLock
    this.#releaseLock = null
    this.#runner = null
    release()
  }
}

/** A runner whose connection the driver dropped (PostgreSQL and MySQL release it; SQLite's never goes). */
function lost(runner: QueryRunner, engine: Engine): boolean {
  return runner.isReleased && engine.lock === null
}

function closedError(): Error {
  return new Error('This database session is closed (its request or app context has ended).')
}

/**
 * Runs `read` on a query runner of the pool (PostgreSQL, MySQL), outside any
 * transaction, and gives the connection back as soon as it is done — what
 * TypeORM's own repositories do per statement. Errors are translated here
 * (the runner is not instrumented: nothing records).
 */
function onPooled<T>(engine: Engine, read: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = engine.dataSource.createQueryRunner()
  let pending: Promise<T>
  try {
    pending = read(runner)
  } catch (err) {
    giveBack(runner)
    throw translateError(err, engine.lookup)
  }
  return pending.then(
    (value) => {
      giveBack(runner)
      return value
    },
    (err: unknown) => {
      giveBack(runner)
      throw translateError(err, engine.lookup, (err as { query?: string } | null)?.query)
    },
  )
}

function giveBack(runner: QueryRunner): void {
  runner.release().catch(() => undefined)
}
