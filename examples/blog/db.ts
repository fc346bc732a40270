/**
 * The blog's database: SQLite in the instance folder, opened once per request
 * through `g` and closed when the context ends (Flaskr's db.py).
 */
import { readFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { createClient, type Client } from '@libsql/client'
import { currentApp, g, type Phial } from 'phial'

declare module 'phial' {
  interface ConfigValues {
    /** Path of the SQLite database file. */
    DATABASE: string
  }
  interface AppGlobals {
    db?: Client
  }
}

const SCHEMA = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8')

/** Opens a client on the configured database file. */
export function connect(path: string): Client {
  return createClient({ url: `file:${path}` })
}

/**
 * The database of the current request, opened on first use.
 *
 * @example
 * ```ts
 * const { rows } = await getDb().execute('SELECT * FROM post')
 * ```
 */
export function getDb(): Client {
  if (g.db === undefined) g.db = connect(currentApp.config.DATABASE)
  return g.db
}

/** Closes the request's database, if one was opened. */
export function closeDb(): void {
  g.pop<Client | undefined>('db')?.close()
}

/** Creates (or re-creates) the tables. */
export async function initDb(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const db = connect(path)
  try {
    await db.executeMultiple(SCHEMA)
  } finally {
    db.close()
  }
}

/** Registers the teardown and the `init-db` command on the app. */
export function initApp(app: Phial): void {
  app.teardownAppContext(closeDb)
  app.cli.command('init-db', { description: 'Clear the existing data and create new tables.' }, async () => {
    await initDb(currentApp.config.DATABASE)
    console.log('Initialized the database.')
  })
}
