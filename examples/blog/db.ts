/**
 * The blog's database (Flaskr's db.py, on phial/sql): `db` and its per-request
 * session, the migrations in migrations/, and the `init-db` command.
 * `DATABASE_URL` picks the database; without it, SQLite at `DATABASE` (a file
 * in the instance folder).
 */
import { isAbsolute, resolve } from 'node:path'
import { currentContext, type Phial } from 'phial'
import { Migrate } from 'phial/migrate'
import { SQL } from 'phial/sql'

declare module 'phial' {
  interface ConfigValues {
    /** Path of the SQLite database file, used when DATABASE_URL is not set. */
    DATABASE: string
  }
}

export const db = new SQL()
export const migrate = new Migrate()

/** The SQLite URL of a file path (relative paths are relative to the current folder). @example sqliteUrl('/tmp/blog.sqlite') */
export function sqliteUrl(path: string): string {
  return `sqlite:///${isAbsolute(path) ? path : resolve(path)}`
}

/** Registers the database, the migrations (`phial db …`) and the `init-db` command on the app. */
export function initApp(app: Phial): void {
  db.initApp(app)
  migrate.initApp(app, db, { directory: 'migrations' })
  app.cli.command('init-db', { description: 'Clear the existing data and create new tables.' }, async () => {
    await resetDatabase(currentContext().app)
    console.log('Initialized the database.')
  })
}

/** Drops everything the migrations made and applies them again. */
export async function resetDatabase(app: Phial): Promise<void> {
  const { revision } = await migrate.current(app)
  if (revision !== null) await migrate.downgrade('base', () => {}, app)
  await migrate.upgrade('head', () => {}, app)
}

/**
 * Creates (or re-creates) the tables of a database, given as a SQLite file
 * path or a URL, by running the migrations.
 *
 * @example
 * ```ts
 * await initDb('/tmp/blog.sqlite')
 * ```
 */
export async function initDb(database: string): Promise<void> {
  const { createApp } = await import('./app.ts')
  const url = /^[a-z][\w+]*:/.test(database) ? database : sqliteUrl(database)
  const app = createApp({ DATABASE_URL: url, LOG_LEVEL: 'silent' })
  try {
    await app.appContext(() => resetDatabase(app))
  } finally {
    await db.close(app)
  }
}
