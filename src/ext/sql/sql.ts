/**
 * The `SQL` extension (Flask-SQLAlchemy's `SQLAlchemy`): models, the
 * per-request session, engines per bind, and the shortcuts views use.
 */
import { currentContext, type Context, type Phial } from 'phial'
import type { FindManyOptions, SelectQueryBuilder } from 'typeorm'
import { applySqlDefaults, sqlConfig, type BindConfig } from './config.ts'
import { createTables, dropTables } from './tables.ts'
import { Engine } from './engine.ts'
import { defineModel, type ColumnMap, type Model, type ModelOptions, type RelationMap, type Row } from './model.ts'
import { Pagination, type PageOptions } from './pagination.ts'
import type { SqlParameters } from './params.ts'
import { Session, closeSession, type ExecuteResult, type RecordedQuery, type SessionObserver } from './session.ts'
import { parseDatabaseUrl, type EngineOptions } from './url.ts'

/** The default bind's key. */
const DEFAULT_BIND = 'default'

interface AppState {
  db: SQL
  engines: Map<string, Promise<Engine>>
  /** The engines that are open, by bind: a new session gets its engine without waiting for a promise. */
  open: Map<string, Engine>
}

/** A context's database state: one per request that uses the database, kept small (most requests use one bind and record nothing). */
interface ContextState {
  main: Session | null
  others: Map<string, Session> | null
  queries: RecordedQuery[]
  counts: Map<string, number> | null
}

const NO_QUERIES: readonly RecordedQuery[] = Object.freeze([])

/**
 * The database layer of an app (Flask-SQLAlchemy's `db = SQLAlchemy(app)`).
 *
 * @example
 * ```ts
 * import { SQL, column } from 'phial/sql'
 *
 * export const db = new SQL()
 * export const User = db.defineModel('User', { id: column.id(), username: column.string({ unique: true }) })
 *
 * const app = new Phial(import.meta.url)
 * app.config.DATABASE_URL = 'sqlite:///project.db'
 * db.initApp(app)
 * app.get('/users/<int:id>', async function user({ id }) {
 *   return await db.getOr404(User, id)
 * })
 * ```
 */
export class SQL {
  readonly #models: Model[] = []
  readonly #contexts = new WeakMap<Context, ContextState>()
  readonly #apps = new Set<Phial>()

  /**
   * @example
   * ```ts
   * const db = new SQL(app, { models: [User, Post] })
   * ```
   */
  constructor(app?: Phial, options: { models?: readonly Model[] } = {}) {
    this.register(...(options.models ?? []))
    if (app !== undefined) this.initApp(app)
  }

  /**
   * Sets up an app: `app.extensions.sql`, the config defaults, and the
   * teardown that closes the context's sessions (rolling back what was not
   * committed).
   *
   * @example
   * ```ts
   * db.initApp(app)
   * ```
   */
  initApp(app: Phial): void {
    applySqlDefaults(app.config)
    const state: AppState = { db: this, engines: new Map(), open: new Map() }
    app.extensions.sql = state
    this.#apps.add(app)
    // synchronous when the context never used the database: no promise per request for nothing
    const closeSessions = (_error: unknown, ctx: Context): Promise<unknown> | undefined => {
      const own = this.#contexts.get(ctx)
      if (own === undefined) return undefined
      this.#contexts.delete(ctx)
      // a session that only read holds nothing: closing it makes no promise
      const closing: Promise<void>[] = []
      const main = own.main?.[closeSession]()
      if (main !== undefined) closing.push(main)
      if (own.others !== null) {
        for (const s of own.others.values()) {
          const c = s[closeSession]()
          if (c !== undefined) closing.push(c)
        }
      }
      return closing.length === 0 ? undefined : Promise.all(closing)
    }
    Object.defineProperty(closeSessions, 'name', { value: 'closeDatabaseSessions' })
    app.teardownAppContext(closeSessions)
    app.shellContextProcessor(() => ({ db: this, ...Object.fromEntries(this.#models.map((m) => [m.name, m])) }))
  }

  /** The registered models. @example db.models.map((m) => m.name) */
  get models(): readonly Model[] {
    return this.#models
  }

  /**
   * Registers models defined with `defineModel` (needed before the first query).
   *
   * @example
   * ```ts
   * db.register(User, Post, Tag)
   * ```
   */
  register(...models: Model[]): void {
    for (const model of models) {
      if (this.#models.includes(model)) continue
      if (this.#models.some((m) => m.name === model.name)) throw new Error(`A model named '${model.name}' is already registered.`)
      for (const app of this.#apps) {
        if ((app.extensions.sql as AppState).engines.size > 0) {
          throw new Error(`Register the model '${model.name}' before the first query: the database of app '${app.name}' is already open.`)
        }
      }
      this.#models.push(model)
    }
  }

  /**
   * Defines and registers a model (see {@link defineModel}).
   *
   * @example
   * ```ts
   * export const Post = db.defineModel('Post', { id: column.id(), title: column.string() })
   * ```
   */
  defineModel<const N extends string, const C extends ColumnMap, const R extends RelationMap = {}>(
    name: N,
    columns: C,
    options: ModelOptions<R> = {},
  ): Model<N, C, R> {
    const model = defineModel(name, columns, options)
    this.register(model)
    return model
  }

  #appState(app: Phial): AppState {
    const state = app.extensions.sql as AppState | undefined
    if (state === undefined || state.db !== this) throw new Error(`phial/sql is not set up for the app '${app.name}': call db.initApp(app) first.`)
    return state
  }

  /**
   * The engine of a bind (opened on first use): its TypeORM DataSource and dialect.
   *
   * @example
   * ```ts
   * const engine = await db.engine()
   * engine.dataSource.options.type // 'better-sqlite3'
   * ```
   */
  engine(bind: string | null = null, app: Phial = currentContext().app): Promise<Engine> {
    const state = this.#appState(app)
    const key = bind ?? DEFAULT_BIND
    let engine = state.engines.get(key)
    if (engine === undefined) {
      const opening = this.#open(app, key)
      engine = opening
      opening.then(
        (e) => {
          if (state.engines.get(key) === opening) state.open.set(key, e)
        },
        () => state.engines.delete(key),
      )
      state.engines.set(key, opening)
    }
    return engine
  }

  async #open(app: Phial, bind: string): Promise<Engine> {
    const config = sqlConfig(app.config)
    let url: string
    let options: EngineOptions
    if (bind === DEFAULT_BIND) {
      url = config.DATABASE_URL ?? process.env.DATABASE_URL ?? `sqlite:///${app.name.replace(/[^\w.-]/g, '_')}.sqlite`
      options = config.SQLALCHEMY_ENGINE_OPTIONS
    } else {
      const entry: BindConfig | undefined = config.SQLALCHEMY_BINDS[bind]
      if (entry === undefined) throw new Error(`There is no bind '${bind}' in SQLALCHEMY_BINDS (known: ${Object.keys(config.SQLALCHEMY_BINDS).join(', ') || 'none'}).`)
      ;({ url, ...options } = typeof entry === 'string' ? { url: entry } : entry)
    }
    const parsed = parseDatabaseUrl(url, app.instancePath, options)
    const models = this.#models.filter((m) => (m.bind ?? DEFAULT_BIND) === bind)
    const echo = options.echo ?? (bind === DEFAULT_BIND && config.SQLALCHEMY_ECHO)
    return Engine.open(bind, parsed, models, (options.poolTimeout ?? 30) * 1000, echo ? sqlLogger(app) : undefined)
  }

  /**
   * The current context's session on a bind; a new one per request (or app context).
   *
   * @example
   * ```ts
   * const archive = db.sessionFor('archive')
   * ```
   */
  sessionFor(bind: string | null = null, ctx: Context = currentContext()): Session {
    let own = this.#contexts.get(ctx)
    if (own === undefined) {
      own = { main: null, others: null, queries: [], counts: null }
      this.#contexts.set(ctx, own)
    }
    const key = bind ?? DEFAULT_BIND
    if (key === DEFAULT_BIND) return (own.main ??= this.#newSession(key, ctx, own))
    own.others ??= new Map()
    let session = own.others.get(key)
    if (session === undefined) {
      session = this.#newSession(key, ctx, own)
      own.others.set(key, session)
    }
    return session
  }

  #newSession(key: string, ctx: Context, own: ContextState): Session {
    const open = (ctx.app.extensions.sql as AppState | undefined)?.open.get(key)
    return new Session(open !== undefined && open.dataSource.isInitialized ? open : this.engine(key, ctx.app), this.#observer(ctx, own))
  }

  /** The observer that records the context's statements and warns about repeats, or null when not recording. */
  #observer(ctx: Context, own: ContextState): SessionObserver | null {
    const config = sqlConfig(ctx.app.config)
    const record = config.SQLALCHEMY_RECORD_QUERIES ?? (config.DEBUG === true || config.TESTING === true)
    if (!record) return null
    const warnAt = config.SQLALCHEMY_WARN_REPEATED_QUERIES
    return {
      record,
      onQuery(query) {
        own.queries.push(query)
        if (warnAt <= 0 || /^\s*(START|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(query.statement)) return
        own.counts ??= new Map()
        const n = (own.counts.get(query.statement) ?? 0) + 1
        own.counts.set(query.statement, n)
        if (n === warnAt) {
          ctx.app.logger.warn(
            { statement: query.statement, count: n },
            `The same query ran ${n} times in one request (an N+1 pattern?): load the relation with { relations: [...] } or a join.`,
          )
        }
      },
    }
  }

  /**
   * The current request's session on the default database (Flask-SQLAlchemy's `db.session`).
   *
   * @example
   * ```ts
   * await db.session.add(Post, { title, body, authorId: g.user.id })
   * await db.session.commit()
   * ```
   */
  get session(): Session {
    return this.sessionFor()
  }

  /**
   * The statements the current context ran, with timings (when recording:
   * `SQLALCHEMY_RECORD_QUERIES`, or debug / testing).
   *
   * @example
   * ```ts
   * expect(db.getRecordedQueries()).toHaveLength(2)
   * ```
   */
  getRecordedQueries(ctx: Context = currentContext()): readonly RecordedQuery[] {
    return this.#contexts.get(ctx)?.queries ?? NO_QUERIES
  }

  /** `db.session.getOr404(...)`. @example await db.getOr404(User, id) */
  getOr404: Session['getOr404'] = (model, id, options) => this.session.getOr404(model, id, options)
  /** `db.session.firstOr404(...)`. @example await db.firstOr404(User, { where: { username } }) */
  firstOr404: Session['firstOr404'] = (model, options) => this.session.firstOr404(model, options)
  /** `db.session.oneOr404(...)`. @example await db.oneOr404(User, { where: { email } }) */
  oneOr404: Session['oneOr404'] = (model, options) => this.session.oneOr404(model, options)

  /** Raw SQL with bound parameters on the request's session. @example await db.execute('DELETE FROM post WHERE id = :id', { id }) */
  execute<T = Record<string, unknown>>(statement: string, parameters?: SqlParameters): Promise<ExecuteResult<T>> {
    return this.session.execute<T>(statement, parameters)
  }

  /**
   * One page of a model's rows (find options: `where`, `order`, `relations`)
   * or of a query builder, as a {@link Pagination}.
   *
   * @example
   * ```ts
   * const page = await db.paginate(Post, { order: { created: 'DESC' }, relations: { author: true }, perPage: 10 })
   * return renderTemplate('index.html', { page })
   * ```
   */
  async paginate<M extends Model>(model: M, options?: PageOptions & FindManyOptions<Row<M>>): Promise<Pagination<Row<M>>>
  async paginate<T extends object>(query: SelectQueryBuilder<T>, options?: PageOptions): Promise<Pagination<T>>
  async paginate(source: Model | SelectQueryBuilder<object>, options: PageOptions & FindManyOptions<object> = {}): Promise<Pagination<object>> {
    const { page, perPage, defaultPerPage, maxPerPage, errorOut, count, ...find } = options
    const pageOptions: PageOptions = { page, perPage, defaultPerPage, maxPerPage, errorOut, count }
    for (const key of Object.keys(pageOptions) as (keyof PageOptions)[]) if (pageOptions[key] === undefined) delete pageOptions[key]
    if ('getMany' in source) {
      return Pagination.create({ items: (offset, limit) => source.clone().skip(offset).take(limit).getMany(), count: () => source.getCount() }, pageOptions)
    }
    const session = this.session
    return Pagination.create({ items: (skip, take) => session.find(source, { ...find, skip, take }), count: () => session.count(source, { where: find.where }) }, pageOptions)
  }

  /**
   * Creates the tables of the registered models that do not exist yet
   * (Flask-SQLAlchemy's `create_all`: it never alters a table; use migrations for that).
   *
   * @example
   * ```ts
   * await app.appContext(() => db.createAll())
   * ```
   */
  async createAll(options: { bind?: string | null; app?: Phial } = {}): Promise<void> {
    for (const engine of await this.#engines(options)) await createTables(engine)
  }

  /**
   * Drops the tables of the registered models (Flask-SQLAlchemy's `drop_all`).
   *
   * @example
   * ```ts
   * await app.appContext(() => db.dropAll())
   * ```
   */
  async dropAll(options: { bind?: string | null; app?: Phial } = {}): Promise<void> {
    for (const engine of await this.#engines(options)) await dropTables(engine)
  }

  async #engines(options: { bind?: string | null; app?: Phial }): Promise<Engine[]> {
    const app = options.app ?? currentContext().app
    if (options.bind !== undefined) return [await this.engine(options.bind, app)]
    const binds = new Set(this.#models.map((m) => m.bind ?? DEFAULT_BIND))
    binds.add(DEFAULT_BIND)
    return Promise.all([...binds].map((b) => this.engine(b, app)))
  }

  /**
   * Closes the app's engines (pools, SQLite files); the next use opens them again.
   *
   * @example
   * ```ts
   * afterAll(() => db.close(app))
   * ```
   */
  async close(app: Phial = currentContext().app): Promise<void> {
    const state = this.#appState(app)
    const engines = [...state.engines.values()]
    state.engines.clear()
    state.open.clear()
    await Promise.all(engines.map(async (e) => (await e.catch(() => null))?.close()))
  }
}

/** A TypeORM logger that writes statements to the app's logger (`SQLALCHEMY_ECHO`). */
function sqlLogger(app: Phial): object {
  return {
    logQuery: (query: string, parameters?: unknown[]) => app.logger.info({ parameters }, query),
    logQueryError: (error: unknown, query: string) => app.logger.warn({ err: error }, `failed: ${query}`),
    logQuerySlow: (time: number, query: string) => app.logger.warn({ time }, `slow: ${query}`),
    logSchemaBuild: (message: string) => app.logger.info(message),
    logMigration: (message: string) => app.logger.info(message),
    log: (level: string, message: unknown) => app.logger.info({ level }, String(message)),
  }
}
