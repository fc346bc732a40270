/**
 * `phial db …`: Flask-Migrate's `flask db` commands on the app's CLI.
 */
import { relative } from 'node:path'
import { CliError, type Phial } from 'phial'
import type { Migrate } from './migrate.ts'
import { MigrationError } from './revisions.ts'

const show = (path: string): string => relative(process.cwd(), path) || path

/** Runs a command body, turning migration problems into clean CLI errors (no stack). */
async function clean<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof MigrationError) throw new CliError(err.message, 1)
    throw err
  }
}

/**
 * Registers the `db` group on `app.cli`.
 *
 * @example
 * ```ts
 * registerDbCommands(app, migrate)   // done by migrate.initApp(app, db)
 * ```
 */
export function registerDbCommands(app: Phial, migrate: Migrate): void {
  const db = app.cli.group('db', { description: 'Perform database migrations.' })

  db.command('init', { description: 'Create a new migrations folder.' }, () =>
    clean(async () => {
      const dir = await migrate.init()
      console.log(`Created ${show(dir)}: generate the first migration with 'phial db migrate -m "message"'.`)
    }),
  )

  db.command(
    'migrate',
    {
      description: 'Autogenerate a new revision from the difference between the models and the migrations.',
      options: [
        { flags: '-m, --message <message>', description: 'what the revision does' },
        { flags: '--empty', description: 'write a revision even when nothing changed (for a data migration)' },
      ],
    },
    (_args, { message, empty }) =>
      clean(async () => {
        const made = await migrate.revision(message ?? '', { empty })
        if (made === null) {
          console.log('No changes in schema detected.')
          return
        }
        for (const o of made.operations) console.log(`Detected ${o.summary}`)
        console.log(`Generating ${show(made.file)} ... done`)
      }),
  )

  db.command(
    'upgrade',
    { description: 'Upgrade to a later revision (default: head).', arguments: [{ name: 'revision', default: 'head' }] },
    ({ revision }) =>
      clean(async () => {
        const applied = await migrate.upgrade(String(revision), (line) => console.log(line))
        if (applied.length === 0) console.log('The database is already at the target revision.')
      }),
  )

  db.command(
    'downgrade',
    { description: "Revert to an earlier revision (default: -1, one step; 'base' reverts all).", arguments: [{ name: 'revision', default: '-1' }] },
    ({ revision }) =>
      clean(async () => {
        await migrate.downgrade(String(revision), (line) => console.log(line))
      }),
  )

  db.command('current', { description: "Show the database's revision." }, () =>
    clean(async () => {
      const { revision, head, message } = await migrate.current()
      if (revision === null) console.log(`<base> (no migration applied${head ? `; head is ${head}` : ''})`)
      else console.log(`${revision}${revision === head ? ' (head)' : ` (head is ${head})`}, ${message}`)
    }),
  )

  db.command('history', { description: 'List the revisions, newest first.' }, () =>
    clean(async () => {
      const chain = await migrate.history()
      const { revision: current } = await migrate.current().catch(() => ({ revision: undefined }))
      for (const [i, r] of [...chain].reverse().entries()) {
        const marks = [i === 0 ? 'head' : null, r.revision === current ? 'current' : null].filter(Boolean)
        console.log(`${r.parent ?? '<base>'} -> ${r.revision}${marks.length ? ` (${marks.join(', ')})` : ''}, ${r.message}`)
      }
    }),
  )

  db.command(
    'stamp',
    { description: "Set the database's revision without running migrations.", arguments: [{ name: 'revision', default: 'head' }] },
    ({ revision }) =>
      clean(async () => {
        const stamped = await migrate.stamp(String(revision))
        console.log(`Stamped the database at ${stamped ?? '<base>'}.`)
      }),
  )

  db.command('check', { description: 'Fail when the models and the migrations (or the database) differ.' }, () =>
    clean(async () => {
      const problems = await migrate.check()
      if (problems.length === 0) {
        console.log('No new upgrade operations detected.')
        return
      }
      throw new CliError(`New upgrade operations detected:\n${problems.map((p) => `  - ${p}`).join('\n')}`, 1)
    }),
  )
}
