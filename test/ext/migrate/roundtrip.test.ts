import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Phial } from 'phial'
import { Migrate } from 'phial/migrate'
import { column, defineModel, manyToMany, manyToOne, SQL, type Model } from 'phial/sql'
import { afterAll, describe, expect, it } from 'vitest'
import { skip, testDatabases } from '../sql/databases.ts'

const dbs = await testDatabases('migrate')

// four versions of the models, as an app's history would have them
const UserV1 = defineModel('User', { id: column.id(), username: column.string({ length: 80, unique: true }) })
const PostV1 = defineModel('Post', {
  id: column.id(),
  title: column.string({ length: 200 }),
  authorId: column.integer({ name: 'author_id' }),
}, { relations: { author: manyToOne('User', { column: 'authorId', onDelete: 'CASCADE' }) } })
const UserV2 = defineModel('User', { id: column.id(), username: column.string({ length: 80, unique: true }), email: column.string({ length: 120, nullable: true }) })
const UserV3 = defineModel('User', { id: column.id(), name: column.string({ length: 80, unique: true }), email: column.string({ length: 120, nullable: true }) })
const TagV4 = defineModel('Tag', { id: column.id(), label: column.string({ length: 30, index: true }) })
const PostV4 = defineModel('Post', {
  id: column.id(),
  title: column.string({ length: 200 }),
  authorId: column.integer({ name: 'author_id' }),
}, { relations: { author: manyToOne('User', { column: 'authorId', onDelete: 'CASCADE' }), tags: manyToMany('Tag', { joinTable: 'post_tag' }) } })

// the fifth: a changed column (longer, not null with a default) and the tags gone again
const UserV5 = defineModel('User', { id: column.id(), name: column.string({ length: 80, unique: true }), email: column.string({ length: 200, default: '' }) })

describe.each(dbs)('migration round trip on $name', (target) => {
  if (skip(target)) return it.skip(`skipped: ${target.missing}`)
  const dir = mkdtempSync(join(tmpdir(), 'phial-migrations-'))
  const opened: Array<{ app: Phial; db: SQL }> = []
  afterAll(async () => {
    for (const { app, db } of opened) await db.close(app)
    rmSync(dir, { recursive: true, force: true })
    await target.cleanup()
  })

  function appWith(models: Model[]) {
    const db = new SQL(undefined, { models })
    const app = new Phial(import.meta.url, { name: 'migrations' })
    app.config.fromMapping({ DATABASE_URL: target.url, LOG_LEVEL: 'silent' })
    db.initApp(app)
    const migrate = new Migrate(app, db, { directory: dir })
    opened.push({ app, db })
    const run = (args: string[]) => app.testCliRunner().invoke(['db', ...args])
    const schemaDiff = async () => {
      const engine = await app.appContext(() => db.engine())
      return (await engine.dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query).join('\n')
    }
    return { app, db, migrate, run, schemaDiff }
  }
  const versions = () => readdirSync(join(dir, 'versions')).filter((f) => f.endsWith('.ts')).sort()
  const q = target.name === 'mysql' ? '`' : '"'

  it('init, migrate, upgrade: the first revision creates the tables', async () => {
    await target.reset()
    const { run, schemaDiff } = appWith([UserV1, PostV1])
    expect((await run(['init'])).exitCode).toBe(0)
    expect((await run(['init'])).output).toMatch(/already exists and is not empty/)
    const made = await run(['migrate', '-m', 'users and posts'])
    expect(made.exitCode, made.output).toBe(0)
    expect(made.output).toContain("Detected added table 'user'")
    const source = readFileSync(join(dir, 'versions', versions()[0]!), 'utf8')
    expect(source).toContain("export const parent: string | null = null")
    expect(source).toContain("await op.createTable('user', { id: column.id(), username: column.string({ length: 80 }) }, { uniques: [{ name: 'uq_user_username', columns: ['username'] }] })")
    expect(source).toContain("await op.dropTable('post')")
    expect((await run(['migrate', '-m', 'again'])).output).toBe('No changes in schema detected.\n')
    const up = await run(['upgrade'])
    expect(up.exitCode, up.output).toBe(0)
    expect(up.output).toMatch(/^Running upgrade <base> -> \d{14}, users and posts\n$/)
    expect(await schemaDiff()).toBe('')
    expect((await run(['current'])).output).toMatch(/^\d{14} \(head\), users and posts\n$/)
    expect((await run(['check'])).exitCode).toBe(0)
  })

  it('adds a column, and check fails until the migration exists and is applied', async () => {
    const { run, schemaDiff } = appWith([UserV2, PostV1])
    const check = await run(['check'])
    expect(check.exitCode).toBe(1)
    expect(check.output).toContain("added column 'user.email'")
    const made = await run(['migrate', '-m', 'email'])
    expect(made.output).toContain("Detected added column 'user.email'")
    const source = readFileSync(join(dir, 'versions', versions()[1]!), 'utf8')
    expect(source).toContain("await op.addColumn('user', 'email', column.string({ length: 120, nullable: true }))")
    expect(source).toContain("await op.dropColumn('user', 'email')")
    expect((await run(['check'])).output).toMatch(/the database is at \d{14} but the head is \d{14}/)
    expect((await run(['upgrade'])).exitCode).toBe(0)
    expect(await schemaDiff()).toBe('')
    await target.query(`INSERT INTO ${q}user${q} (username, email) VALUES ('alice', 'a@example.com')`)
    await target.query(`INSERT INTO post (title, author_id) VALUES ('kept', 1)`)
  })

  it('renames a column with an edited migration, keeping the data', async () => {
    const { run, schemaDiff, migrate, app } = appWith([UserV3, PostV1])
    const made = await run(['migrate', '-m', 'rename username'])
    expect(made.output).toContain("Detected added column 'user.name'")
    expect(made.output).toContain("Detected removed column 'user.username'")
    // autogenerate sees a drop and an add; the developer says what was meant
    const file = join(dir, 'versions', versions()[2]!)
    const source = readFileSync(file, 'utf8')
    const header = source.slice(0, source.indexOf('export async function up'))
    writeFileSync(file, `${header}export async function up(op: MigrationOps): Promise<void> {
  await op.renameColumn('user', 'username', 'name')
}

export async function down(op: MigrationOps): Promise<void> {
  await op.renameColumn('user', 'name', 'username')
}
`)
    expect(await app.appContext(() => migrate.pending())).toEqual([])
    const up = await run(['upgrade'])
    expect(up.exitCode, up.output).toBe(0)
    expect(await schemaDiff()).toBe('')
    expect(await target.query(`SELECT name, email FROM ${q}user${q}`)).toEqual([{ name: 'alice', email: 'a@example.com' }])
    expect(await target.query('SELECT title FROM post')).toEqual([{ title: 'kept' }])
  })

  it('adds a table with a foreign key and a join table', async () => {
    const { run, schemaDiff } = appWith([UserV3, PostV4, TagV4])
    const made = await run(['migrate', '-m', 'tags'])
    expect(made.output).toContain("Detected added table 'tag'")
    expect(made.output).toContain("Detected added table 'post_tag'")
    expect((await run(['upgrade'])).exitCode).toBe(0)
    expect(await schemaDiff()).toBe('')
    const history = await run(['history'])
    expect(history.output.split('\n')[0]).toMatch(/^\d{14} -> \d{14} \(head, current\), tags$/)
    expect(history.output.trim().split('\n')).toHaveLength(4)
  })

  it('changes a column and drops tables, keeping the rows', async () => {
    const { run, schemaDiff } = appWith([UserV5, PostV1])
    await target.query(`UPDATE ${q}user${q} SET email = 'alice@example.com'`)
    const made = await run(['migrate', '-m', 'longer email, no tags'])
    expect(made.output).toContain("Detected changed column 'user.email'")
    expect(made.output).toContain("Detected removed table 'post_tag'")
    expect(made.output).toContain("Detected removed table 'tag'")
    const up = await run(['upgrade'])
    expect(up.exitCode, up.output).toBe(0)
    expect(await schemaDiff()).toBe('')
    expect(await target.query(`SELECT name, email FROM ${q}user${q}`)).toEqual([{ name: 'alice', email: 'alice@example.com' }])
    expect(await target.query('SELECT title FROM post')).toEqual([{ title: 'kept' }])
  })

  it('downgrades step by step and back to base, then up again', async () => {
    const { run, schemaDiff } = appWith([UserV5, PostV1])
    const one = await run(['downgrade'])
    expect(one.output).toMatch(/^Running downgrade \d{14} -> \d{14}, longer email, no tags\n$/)
    expect(await target.query(`SELECT name, email FROM ${q}user${q}`)).toEqual([{ name: 'alice', email: 'alice@example.com' }])
    const base = await run(['downgrade', 'base'])
    expect(base.exitCode, base.output).toBe(0)
    expect(base.output.trim().split('\n')).toHaveLength(4)
    expect((await run(['current'])).output).toMatch(/^<base>/)
    expect((await run(['downgrade'])).output).toContain('Nothing to downgrade: the database is at base')
    const tables = target.name === 'sqlite'
      ? await target.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      : target.name === 'postgres'
        ? await target.query('SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()')
        : await target.query('SHOW TABLES')
    expect(tables.map((t) => Object.values(t)[0])).toEqual(['phial_version'])
    expect((await run(['upgrade', '+2'])).output.trim().split('\n')).toHaveLength(2)
    expect((await run(['upgrade'])).exitCode).toBe(0)
    expect(await schemaDiff()).toBe('')
  })

  it('says so when the database is ahead of the code, and stamp repairs it', async () => {
    const { run } = appWith([UserV5, PostV1])
    await target.query("UPDATE phial_version SET revision = '29991231235959'")
    const res = await run(['upgrade'])
    expect(res.exitCode).toBe(1)
    expect(res.output).toMatch(/^Error: The database is at revision 29991231235959, which is not in .*: the database is ahead of this code/)
    expect((await run(['stamp', 'head'])).exitCode).toBe(0)
    expect((await run(['check'])).exitCode).toBe(0)
    expect((await run(['upgrade', 'nope'])).output).toContain("No revision 'nope'")
  })

  it('refuses a branched history with a message', async () => {
    const { run } = appWith([UserV5, PostV1])
    const files = versions()
    const last = readFileSync(join(dir, 'versions', files.at(-1)!), 'utf8')
    const branch = join(dir, 'versions', '29990101000000_other_branch.ts')
    writeFileSync(branch, last.replace(/export const revision = '\d+'/, "export const revision = '29990101000000'").replace("message = 'longer email, no tags'", "message = 'tags'"))
    try {
      const res = await run(['upgrade'])
      expect(res.exitCode).toBe(1)
      expect(res.output).toMatch(/The migration history has branched: \d{14} \(longer email, no tags\) and 29990101000000 \(tags\) both revise \d{14}/)
      expect((await run(['migrate', '-m', 'more'])).output).toContain('The migration history has branched')
    } finally {
      rmSync(branch)
    }
    expect((await run(['check'])).exitCode).toBe(0)
  })
})
