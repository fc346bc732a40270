/**
 * The session (Flask-SQLAlchemy's scoped `db.session`): one per request and
 * bind, on a TypeORM QueryRunner. It begins a transaction on first use; the
 * view's `commit()` makes the work permanent; whatever is not committed when
 * the request ends — an error, or no commit — is rolled back, and the
 * connection goes back to the pool.
 */
import { NotFound } from 'phial'
import { DatabaseUnavailable } from './errors.ts'
import type { DeepPartial, EntityManager, FindManyOptions, FindOneOptions, FindOptionsWhere, QueryRunner, Repository, SelectQueryBuilder } from 'typeorm'
import type { Engine, QueryListener } from './engine.ts'
import type { Model, Insert, Row } from './model.ts'
import { bindParameters, type SqlParameters } from './params.ts'

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
  #runner: QueryRunner | null = null
  #opening: Promise<QueryRunner> | null = null
  #releaseLock: (() => void) | null = null
  #closed = false
  #listener: QueryListener | null = null
  #engine: Engine | null = null
  readonly #ready: Promise<Engine>
  readonly #observer: SessionObserver | null

  constructor(engine: Engine | Promise<Engine>, observer: SessionObserver | null) {
    this.#ready = Promise.resolve(engine)
    this.#ready.catch(() => undefined) // reported by the first use, not as an unhandled rejection
    this.#observer = observer
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

  /** The connection (opened on first use), in a transaction when `transaction`. */
  #connect(transaction: boolean): Promise<QueryRunner> {
    if (this.#closed) return Promise.reject(new Error('This database session is closed (its request or app context has ended).'))
    const runner = this.#runner
    if (runner !== null && runner.isReleased && this.#engine?.lock === null) {
      // The driver dropped the connection. Inside a transaction its work is gone: say so
      // (a 503) rather than carry on in a new one; rollback() starts afresh. Outside, reconnect.
      if (runner.isTransactionActive) return Promise.reject(new DatabaseUnavailable('The connection to the database was lost during this request.'))
      this.#runner = null
    } else if (runner !== null && this.#opening === null && (!transaction || runner.isTransactionActive) && (this.#engine?.lock === null || this.#releaseLock !== null)) {
      // (on SQLite only while this session holds the one connection: a commit gives it up)
      return Promise.resolve(runner)
    }
    const previous = this.#opening ?? Promise.resolve(null)
    const opening = previous.catch(() => null).then(() => this.#open(transaction))
    const settled = opening.finally(() => {
      if (this.#opening === settled) this.#opening = null
    })
    this.#opening = settled
    return settled
  }

  async #open(transaction: boolean): Promise<QueryRunner> {
    if (this.#engine === null) {
      const engine = await this.#ready
      const observer = this.#observer
      const bind = engine.bind
      this.#listener =
        observer === null
          ? null
          : (statement, parameters, start, end) =>
              observer.onQuery({ statement, parameters: parameters ?? [], startTime: start, endTime: end, duration: end - start, bind })
      this.#engine = engine
    }
    const engine = this.#engine
    if (engine.lock !== null && this.#releaseLock === null) {
      this.#releaseLock = await engine.lock.acquire(engine.poolTimeoutMs)
      engine.listener = this.#listener
    }
    try {
      if (this.#runner === null) {
        const runner = engine.dataSource.createQueryRunner()
        this.#runner = engine.lock === null ? engine.instrument(runner, () => this.#listener) : runner
      }
      if (transaction && !this.#runner.isTransactionActive) await this.#runner.startTransaction()
    } catch (err) {
      await this.#finish()
      throw err
    }
    return this.#runner
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
  read<M extends Model>(model: M): Promise<Repository<Row<M>>> {
    return this.#reader(model)
  }

  /** A repository for reads: no transaction is begun for it. */
  async #reader<M extends Model>(model: M): Promise<Repository<Row<M>>> {
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
  async get<M extends Model>(model: M, id: unknown, options: Omit<FindOneOptions<Row<M>>, 'where'> = {}): Promise<Row<M> | null> {
    return (await this.#reader(model)).findOne({ ...options, where: { [model.primaryKey]: id } as FindOptionsWhere<Row<M>> })
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
    const row = await this.get(model, id, find)
    if (row === null) throw new NotFound(description)
    return row
  }

  /** The first matching row, or a 404 (`first_or_404`). @example await db.session.firstOr404(User, { where: { username } }) */
  async firstOr404<M extends Model>(model: M, options: FindOneOptions<Row<M>> & { description?: string } = {}): Promise<Row<M>> {
    const { description, ...find } = options
    const row = await (await this.#reader(model)).findOne(find)
    if (row === null) throw new NotFound(description)
    return row
  }

  /** The only matching row; a 404 when there is none or more than one (`one_or_404`). @example await db.session.oneOr404(User, { where: { email } }) */
  async oneOr404<M extends Model>(model: M, options: FindManyOptions<Row<M>> & { description?: string } = {}): Promise<Row<M>> {
    const { description, ...find } = options
    const rows = await (await this.#reader(model)).find({ ...find, take: 2 })
    if (rows.length !== 1) throw new NotFound(description)
    return rows[0]!
  }

  /** Matching rows (TypeORM's find options: `where`, `order`, `relations`, `take`, `skip`). @example await db.session.find(Post, { order: { id: 'DESC' } }) */
  async find<M extends Model>(model: M, options: FindManyOptions<Row<M>> = {}): Promise<Row<M>[]> {
    return (await this.#reader(model)).find(options)
  }

  /** The first matching row or null. @example await db.session.findOne(User, { where: { username } }) */
  async findOne<M extends Model>(model: M, options: FindOneOptions<Row<M>>): Promise<Row<M> | null> {
    return (await this.#reader(model)).findOne(options)
  }

  /** How many rows match. @example await db.session.count(Post, { where: { authorId: 1 } }) */
  async count<M extends Model>(model: M, options: FindManyOptions<Row<M>> = {}): Promise<number> {
    return (await this.#reader(model)).count(options)
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
    const runner = await this.#connect(!READ_ONLY.test(statement))
    const [sql, values] = bindParameters(statement, parameters, this.engine.dialect)
    const result = await runner.query(sql, values, true)
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
      if (runner !== null && runner.isReleased && this.#engine?.lock === null) this.#runner = null // lost: nothing to roll back
      else if (runner?.isTransactionActive) await runner.rollbackTransaction()
    } finally {
      this.#unlock()
    }
  }

  /** Rolls back what was not committed and returns the connection (done in teardown). @example await session.close() */
  async close(): Promise<void> {
    if (this.#closed) return
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

  #unlock(): void {
    if (this.#releaseLock === null) return
    if (this.#engine !== null && this.#engine.listener === this.#listener) this.#engine.listener = null
    const release = this.#releaseLock
    this.#releaseLock = null
    release()
  }
}
