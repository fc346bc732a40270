import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Phial } from 'phial'
import { diff, Migrate, MigrationError, newRevisionId, orderChain, renderColumn, revisionFileName, type Revision } from 'phial/migrate'
import { column, defineModel, schemaState, sql, SQL } from 'phial/sql'
import { afterAll, describe, expect, it } from 'vitest'

const rev = (revision: string, parent: string | null, message = revision): Revision => ({ revision, parent, message, file: `${revision}.ts`, up: async () => {}, down: async () => {} })

describe('revision ids and the chain', () => {
  it('ids are UTC timestamps, moved on a second when taken or older than the newest', () => {
    const now = new Date('2026-12-01T09:30:00.750Z')
    expect(newRevisionId(new Set(), now)).toBe('20261201093000')
    expect(newRevisionId(new Set(['20261201093000']), now)).toBe('20261201093001')
    expect(newRevisionId(new Set(['20261201093000', '20261201093001']), now)).toBe('20261201093002')
    expect(newRevisionId(new Set(['20270101000000']), now)).toBe('20270101000001')
  })

  it('orders by parent and refuses branches, gaps and duplicates', () => {
    expect(orderChain([rev('3', '2'), rev('1', null), rev('2', '1')]).map((r) => r.revision)).toEqual(['1', '2', '3'])
    expect(() => orderChain([rev('1', null), rev('2', '1', 'a'), rev('3', '1', 'b')])).toThrow(
      /The migration history has branched: 2 \(a\) and 3 \(b\) both revise 1\. Keep one line/,
    )
    expect(() => orderChain([rev('1', null), rev('2', null)])).toThrow(/both revise the base/)
    expect(() => orderChain([rev('2', '1')])).toThrow(MigrationError)
    expect(() => orderChain([rev('1', null), rev('1', null)])).toThrow(/Two migrations have the revision id 1/)
  })

  it('file names are the id and a slug of the message', () => {
    expect(revisionFileName('20261201093000', 'Add e-mail to users!')).toBe('20261201093000_add_e_mail_to_users.ts')
    expect(revisionFileName('20261201093000', '')).toBe('20261201093000_migration.ts')
  })
})

describe('autogenerate', () => {
  it('renders columns as the builders that make them', () => {
    expect(renderColumn({ kind: 'string', length: 255 })).toBe('column.string()')
    expect(renderColumn({ kind: 'id', primary: true })).toBe('column.id()')
    expect(renderColumn({ kind: 'datetime', default: sql('CURRENT_TIMESTAMP') })).toBe("column.datetime({ default: sql(\"CURRENT_TIMESTAMP\") })")
    expect(renderColumn({ kind: 'boolean', default: false, nullable: true })).toBe('column.boolean({ default: false, nullable: true })')
  })

  it('up and down are inverse: applying both gives back the start', () => {
    const A = defineModel('A', { id: column.id(), x: column.integer() })
    const A2 = defineModel('A', { id: column.id(), x: column.integer({ nullable: true }), y: column.text({ index: true }) })
    const before = schemaState([A])
    const after = schemaState([A2])
    expect(diff(before, after).map((o) => o.summary)).toEqual(["changed column 'a.x'", "added column 'a.y'", "added index 'ix_a_y' on 'a'"])
    expect(diff(after, before).map((o) => o.summary)).toEqual(["removed index 'ix_a_y' on 'a'", "changed column 'a.x'", "removed column 'a.y'"])
    expect(diff(after, after)).toEqual([])
  })

  it('migrate needs no database, and writes a file that imports only what it uses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phial-nodb-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const db = new SQL(undefined, { models: [defineModel('Note', { id: column.id(), text: column.text() })] })
    const app = new Phial(import.meta.url, { name: 'nodb' })
    app.config.fromMapping({ DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent' })
    db.initApp(app)
    new Migrate(app, db, { directory: dir })
    const runner = app.testCliRunner()
    expect((await runner.invoke(['db', 'migrate', '-m', 'x'])).output).toMatch(/There is no migrations folder at .*: run 'phial db init' first/)
    await runner.invoke(['db', 'init'])
    const made = await runner.invoke(['db', 'migrate', '-m', 'notes'])
    expect(made.exitCode, made.output).toBe(0)
    const file = made.output.match(/Generating (\S+) \.\.\. done/)![1]!
    const source = readFileSync(file.startsWith('/') ? file : join(process.cwd(), file), 'utf8')
    expect(source).toContain("import { column, type MigrationOps } from 'phial/migrate'")
    expect(source).toMatch(/export async function down\(op: MigrationOps\): Promise<void> \{\n  await op.dropTable\('note'\)\n\}/)
    // the database is another matter: upgrade says it is unreachable, cleanly
    const up = await runner.invoke(['db', 'upgrade'])
    expect(up.exitCode).not.toBe(0)
    expect(up.output).toMatch(/Cannot connect to the database 'default'/)
  })
})
