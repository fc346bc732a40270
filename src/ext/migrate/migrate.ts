/**
 * `Migrate` (Flask-Migrate's): the migration folder of an app's database and
 * the commands on it — generate a revision from the model diff, upgrade,
 * downgrade, stamp, show the current revision and the history, check.
 */
import { existsSync } from 'node:fs'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { currentContext, type Phial } from 'phial'
import { schemaState, withEditor, type Engine, type SchemaState, type SQL } from 'phial/sql'
import { diff, renderOperations, type Operation } from './diff.ts'
import { StateOps } from './ops.ts'
import { readRevision, runStep, writeRevision } from './versions.ts'
import { loadHistory, MigrationError, newRevisionId, renderRevision, revisionFileName, type Revision } from './revisions.ts'
import { registerDbCommands } from './cli.ts'

/**
 * Options of {@link Migrate}.
 *
 * @example
 * ```ts
 * new Migrate(app, db, { directory: 'db/migrations' })
 * ```
 */
export interface MigrateOptions {
  /** The migrations folder, relative to the app's root folder. Default `'migrations'`. */
  directory?: string
  /** The bind whose schema it manages (`SQLALCHEMY_BINDS` key). Default: the default database. */
  bind?: string | null
  /** The table that records the database's revision. Default `'phial_version'`. */
  versionTable?: string
}

/**
 * What the database is at, against the migrations folder.
 *
 * @example
 * ```ts
 * const { revision, head } = await migrate.current()
 * if (revision !== head) console.log('run phial db upgrade')
 * ```
 */
export interface CurrentRevision {
  /** The database's revision, or null at base (no migration applied). */
  revision: string | null
  head: string | null
  message: string | null
}

/**
 * Database migrations for an app (Flask-Migrate's `Migrate(app, db)`); adds
 * `phial db …` to the app's commands.
 *
 * @example
 * ```ts
 * import { Migrate } from 'phial/migrate'
 *
 * export const db = new SQL()
 * export const migrate = new Migrate()
 * export function createApp() {
 *   const app = new Phial(import.meta.url)
 *   db.initApp(app)
 *   migrate.initApp(app, db)
 *   return app
 * }
 * // phial db init; phial db migrate -m "users"; phial db upgrade
 * ```
 */
export class Migrate {
  #db: SQL | null = null
  #options: MigrateOptions

  /**
   * @example
   * ```ts
   * const migrate = new Migrate(app, db)
   * ```
   */
  constructor(app?: Phial, db?: SQL, options: MigrateOptions = {}) {
    this.#options = options
    if (app !== undefined) this.initApp(app, db, options)
  }

  /**
   * Sets up an app: `app.extensions.migrate` and the `db` command group.
   *
   * @example
   * ```ts
   * migrate.initApp(app, db, { directory: 'migrations' })
   * ```
   */
  initApp(app: Phial, db: SQL | undefined = this.#db ?? undefined, options: MigrateOptions = this.#options): void {
    if (db === undefined) throw new Error('Migrate needs the SQL instance: new Migrate(app, db) or migrate.initApp(app, db).')
    this.#db = db
    this.#options = options
    app.extensions.migrate = { migrate: this, db, options }
    registerDbCommands(app, this)
  }

  #sql(): SQL {
    if (this.#db === null) throw new Error('Migrate is not set up: call migrate.initApp(app, db) first.')
    return this.#db
  }

  /** The migrations folder of `app`. @example migrate.directory(app) // '/srv/blog/migrations' */
  directory(app: Phial = currentContext().app): string {
    const dir = this.#options.directory ?? 'migrations'
    return isAbsolute(dir) ? dir : resolve(app.rootPath, dir)
  }

  #versions(app: Phial): string {
    return join(this.directory(app), 'versions')
  }

  get #table(): string {
    const table = this.#options.versionTable ?? 'phial_version'
    if (!/^[A-Za-z_]\w*$/.test(table)) throw new Error(`The version table name '${table}' must be letters, digits and _.`)
    return table
  }

  /** The migration history, base first. @example (await migrate.history()).map((r) => r.revision) */
  async history(app: Phial = currentContext().app): Promise<Revision[]> {
    return (await loadHistory(this.#versions(app))).chain
  }

  /**
   * Creates the migrations folder (Flask-Migrate's `init`).
   *
   * @example
   * ```ts
   * await migrate.init()
   * ```
   */
  async init(app: Phial = currentContext().app): Promise<string> {
    const dir = this.directory(app)
    if (existsSync(dir) && (await readdir(dir)).length > 0) throw new MigrationError(`Directory ${dir} already exists and is not empty.`)
    await mkdir(join(dir, 'versions'), { recursive: true })
    await writeFile(
      join(dir, 'README.md'),
      'Migrations of this app\'s database, made by `phial db migrate -m "message"` and applied by `phial db upgrade`.\n' +
        'Each file in versions/ has an `up` and a `down`; review and edit them before committing.\n',
    )
    return dir
  }

  /** The schema the migrations build, replayed without a database. */
  async #replay(chain: readonly Revision[]): Promise<SchemaState> {
    const ops = new StateOps()
    for (const r of chain) {
      try {
        await r.up(ops)
      } catch (err) {
        throw new MigrationError(`Replaying ${relative(process.cwd(), r.file)}: ${(err as Error).message}`, { cause: err })
      }
    }
    return ops.state
  }

  #modelState(): SchemaState {
    const bind = this.#options.bind ?? null
    return schemaState(this.#sql().models.filter((m) => (m.bind ?? null) === bind))
  }

  /**
   * The operations that would bring the migrations to the models (empty when they agree).
   *
   * @example
   * ```ts
   * (await migrate.pending()).map((o) => o.summary) // ["added column 'user.email'"]
   * ```
   */
  async pending(app: Phial = currentContext().app): Promise<Operation[]> {
    const { chain } = await loadHistory(this.#versions(app))
    return diff(await this.#replay(chain), this.#modelState())
  }

  /**
   * Writes a new revision from the difference between the migrations and the
   * models (Flask-Migrate's `migrate`); returns its path, or null when there is
   * nothing to do. No database is needed: the history is replayed.
   *
   * @example
   * ```ts
   * const file = await migrate.revision('add email to users')
   * ```
   */
  async revision(message: string, options: { empty?: boolean; now?: Date } = {}, app: Phial = currentContext().app): Promise<{ file: string; operations: Operation[] } | null> {
    const versions = this.#versions(app)
    const { chain, head } = await loadHistory(versions)
    const before = await this.#replay(chain)
    const after = this.#modelState()
    const up = diff(before, after)
    if (up.length === 0 && !options.empty) return null
    const revision = newRevisionId(new Set(chain.map((r) => r.revision)), options.now)
    const file = join(versions, revisionFileName(revision, message))
    const source = renderRevision({
      revision,
      parent: head,
      message,
      up: renderOperations(up),
      down: renderOperations(diff(after, before)),
      summary: up.map((o) => o.summary),
    })
    await writeFile(file, source, { flag: 'wx' })
    return { file, operations: up }
  }

  async #engine(app: Phial): Promise<Engine> {
    return this.#sql().engine(this.#options.bind ?? null, app)
  }

  /**
   * The database's revision, the head, and the current revision's message.
   *
   * @example
   * ```ts
   * await migrate.current() // { revision: '20261201093000', head: '20261201093000', message: 'users' }
   * ```
   */
  async current(app: Phial = currentContext().app): Promise<CurrentRevision> {
    const { chain, head } = await loadHistory(this.#versions(app))
    const revision = await readRevision(await this.#engine(app), this.#table)
    this.#known(chain, revision, app)
    return { revision, head, message: chain.find((r) => r.revision === revision)?.message ?? null }
  }

  /** Refuses a database whose revision the folder does not have (it is ahead, or on another branch). */
  #known(chain: readonly Revision[], revision: string | null, app: Phial): void {
    if (revision !== null && !chain.some((r) => r.revision === revision)) {
      throw new MigrationError(
        `The database is at revision ${revision}, which is not in ${relative(process.cwd(), this.#versions(app)) || '.'}: ` +
          `the database is ahead of this code (or was migrated from another branch). Update the code, or 'phial db stamp' the database.`,
      )
    }
  }

  /** Index in the chain of a target: 'head', 'base', '+N', '-N', an id or the start of one. */
  #resolve(chain: readonly Revision[], target: string, currentIndex: number): number {
    if (target === 'head') return chain.length - 1
    if (target === 'base') return -1
    const relativeStep = /^([+-])(\d+)$/.exec(target)
    if (relativeStep) {
      const to = currentIndex + (relativeStep[1] === '+' ? 1 : -1) * Number(relativeStep[2])
      if (to < -1 || to >= chain.length) {
        throw new MigrationError(`Cannot move ${target} from ${currentIndex < 0 ? 'base' : chain[currentIndex]!.revision}: the history has ${chain.length} revisions.`)
      }
      return to
    }
    const matches = chain.map((r, i) => [r, i] as const).filter(([r]) => r.revision.startsWith(target))
    if (matches.length === 0) throw new MigrationError(`No revision '${target}' in the migrations folder (try 'phial db history').`)
    if (matches.length > 1) throw new MigrationError(`'${target}' matches several revisions: ${matches.map(([r]) => r.revision).join(', ')}.`)
    return matches[0]![1]
  }

  /**
   * Applies migrations up to `target` (default the head); returns the
   * revisions applied. `log` gets a line per step.
   *
   * @example
   * ```ts
   * await migrate.upgrade()            // to head
   * await migrate.upgrade('+1')        // one step
   * ```
   */
  async upgrade(target = 'head', log: (line: string) => void = () => {}, app: Phial = currentContext().app): Promise<Revision[]> {
    const { chain } = await loadHistory(this.#versions(app))
    const engine = await this.#engine(app)
    const current = await readRevision(engine, this.#table)
    this.#known(chain, current, app)
    const from = chain.findIndex((r) => r.revision === current)
    const to = this.#resolve(chain, target, from)
    if (to < from) throw new MigrationError(`The target ${chain[to]?.revision ?? 'base'} is older than the database's revision ${current}: use 'phial db downgrade ${target}'.`)
    const applied = chain.slice(from + 1, to + 1)
    for (const r of applied) {
      log(`Running upgrade ${r.parent ?? '<base>'} -> ${r.revision}, ${r.message}`)
      await runStep(engine, this.#table, (ops) => r.up(ops), r.revision)
    }
    return applied
  }

  /**
   * Reverts migrations down to `target` (default one step, `'-1'`; `'base'`
   * reverts all); returns the revisions reverted.
   *
   * @example
   * ```ts
   * await migrate.downgrade()          // one step
   * await migrate.downgrade('base')    // everything
   * ```
   */
  async downgrade(target = '-1', log: (line: string) => void = () => {}, app: Phial = currentContext().app): Promise<Revision[]> {
    const { chain } = await loadHistory(this.#versions(app))
    const engine = await this.#engine(app)
    const current = await readRevision(engine, this.#table)
    this.#known(chain, current, app)
    const from = chain.findIndex((r) => r.revision === current)
    if (from < 0 && target !== 'base') throw new MigrationError('Nothing to downgrade: the database is at base (no migration applied).')
    const to = this.#resolve(chain, target, from)
    if (to > from) throw new MigrationError(`The target ${chain[to]!.revision} is newer than the database's revision ${current ?? 'base'}: use 'phial db upgrade ${target}'.`)
    const reverted = chain.slice(to + 1, from + 1).reverse()
    for (const r of reverted) {
      log(`Running downgrade ${r.revision} -> ${r.parent ?? '<base>'}, ${r.message}`)
      await runStep(engine, this.#table, (ops) => r.down(ops), r.parent)
    }
    return reverted
  }

  /**
   * Records `target` as the database's revision without running anything
   * (Flask-Migrate's `stamp`): for a database made by `createAll`, or to repair.
   *
   * @example
   * ```ts
   * await db.createAll(); await migrate.stamp('head')
   * ```
   */
  async stamp(target = 'head', app: Phial = currentContext().app): Promise<string | null> {
    const { chain } = await loadHistory(this.#versions(app))
    const index = this.#resolve(chain, target, -1)
    const revision = index < 0 ? null : chain[index]!.revision
    await withEditor(await this.#engine(app), (editor) => writeRevision(editor.runner, this.#table, revision))
    return revision
  }

  /**
   * Problems `phial db check` reports: models the migrations do not build,
   * and a database that is not at the head. Empty when all agree.
   *
   * @example
   * ```ts
   * expect(await migrate.check()).toEqual([])
   * ```
   */
  async check(app: Phial = currentContext().app): Promise<string[]> {
    const problems = (await this.pending(app)).map((o) => `the models have changes no migration makes: ${o.summary}`)
    const { revision, head } = await this.current(app)
    if (revision !== head) problems.push(`the database is at ${revision ?? 'base'} but the head is ${head ?? 'base'}: run 'phial db upgrade'`)
    return problems
  }

  /**
   * Brings a new, empty database to the head; leaves any other alone and
   * says what it is: `'behind'` (for `phial db upgrade`), or `'unmanaged'`
   * (tables but no recorded revision: made before migrations or by
   * `createAll`; `phial db stamp head` adopts it). For `npm start`.
   *
   * @example
   * ```ts
   * await app.appContext(() => migrate.upgradeIfNew())
   * ```
   */
  async upgradeIfNew(app: Phial = currentContext().app): Promise<'created' | 'up to date' | 'behind' | 'unmanaged'> {
    const { revision, head } = await this.current(app)
    if (revision === head) return 'up to date'
    if (revision !== null) return 'behind'
    // no revision recorded, but tables there: made before migrations (or by createAll) — leave it alone
    const tables = Object.keys(this.#modelState().tables)
    const existing = await withEditor(await this.#engine(app), async (editor) => {
      for (const t of tables) if (await editor.hasTable(t)) return t
      return null
    })
    if (existing !== null) return 'unmanaged'
    await this.upgrade('head', () => {}, app)
    return 'created'
  }
}
