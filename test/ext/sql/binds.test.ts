import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Phial } from 'phial'
import { column, defineModel, parseDatabaseUrl, SQL } from 'phial/sql'
import { afterAll, describe, expect, it } from 'vitest'
import { skip, testDatabases } from './databases.ts'

const [, postgres] = await testDatabases('binds')
const dir = mkdtempSync(join(tmpdir(), 'phial-binds-'))
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await postgres!.cleanup()
})

const Note = defineModel('Note', { id: column.id(), text: column.text() })
const Event = defineModel('Event', { id: column.id(), name: column.string({ length: 50 }) }, { bind: 'archive' })

describe('DATABASE_URL and SQLALCHEMY_BINDS', () => {
  it('defaults to a SQLite file named after the app in the instance folder', async () => {
    const db = new SQL(undefined, { models: [Note] })
    const app = new Phial(import.meta.url, { name: 'notes', instancePath: join(dir, 'instance') })
    app.config.fromMapping({ LOG_LEVEL: 'silent' })
    const saved = process.env.DATABASE_URL
    delete process.env.DATABASE_URL
    try {
      db.initApp(app)
      await app.appContext(async () => {
        await db.createAll()
        await db.session.add(Note, { text: 'hi' })
        await db.session.commit()
      })
      expect(existsSync(join(dir, 'instance', 'notes.sqlite'))).toBe(true)
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved
      await db.close(app)
    }
  })

  it('parses the URL forms, relative SQLite paths in the instance folder, and hides passwords', () => {
    expect(parseDatabaseUrl('sqlite:///blog.db', '/srv/instance').options).toMatchObject({ type: 'better-sqlite3', database: '/srv/instance/blog.db', enableWAL: true })
    expect(parseDatabaseUrl('sqlite:////tmp/x.db', '/i', { wal: false }).options).toEqual({ type: 'better-sqlite3', database: '/tmp/x.db' })
    expect(parseDatabaseUrl('sqlite://', '/i').options.database).toBe(':memory:')
    const pg = parseDatabaseUrl('postgresql://u:secret@db:5432/app?schema=s1', '/i', { poolSize: 3, ssl: true })
    expect(pg.options).toMatchObject({ type: 'postgres', schema: 's1', poolSize: 3, ssl: true, url: 'postgresql://u:secret@db:5432/app' })
    expect(pg.display).toBe('postgresql://u:***@db:5432/app?schema=s1')
    expect(parseDatabaseUrl('mariadb://root@127.0.0.1/x', '/i').options).toMatchObject({ type: 'mariadb', connectorPackage: 'mysql2' })
    expect(() => parseDatabaseUrl('sqlite:relative.db', '/i')).toThrow(/Bad SQLite URL 'sqlite:relative.db': use sqlite:\/\/\/relative/)
  })

  it('puts a model with bind: key in that database, each with its own session', async () => {
    const db = new SQL(undefined, { models: [Note, Event] })
    const app = new Phial(import.meta.url, { name: 'binds' })
    const archive = skip(postgres!) ? `sqlite:///${join(dir, 'archive.sqlite')}` : postgres!.url
    if (!skip(postgres!)) await postgres!.reset()
    app.config.fromMapping({
      LOG_LEVEL: 'silent',
      DATABASE_URL: `sqlite:///${join(dir, 'main.sqlite')}`,
      SQLALCHEMY_BINDS: { archive: { url: archive, poolSize: 2 } },
    })
    db.initApp(app)
    try {
      await app.appContext(async () => {
        await db.createAll()
        await db.session.add(Note, { text: 'main' })
        await db.sessionFor('archive').add(Event, { name: 'archived' })
        await db.session.commit()
        await db.sessionFor('archive').commit()
      })
      await app.appContext(async () => {
        expect((await db.session.find(Note)).map((n) => n.text)).toEqual(['main'])
        expect((await db.sessionFor('archive').find(Event)).map((e) => e.name)).toEqual(['archived'])
        expect((await db.engine('archive')).dialect).toBe(skip(postgres!) ? 'sqlite' : 'postgres')
        // the default database has no event table
        await expect(db.execute('SELECT * FROM event')).rejects.toThrow(/no such table/)
        await expect(db.engine('nope')).rejects.toThrow("There is no bind 'nope' in SQLALCHEMY_BINDS (known: archive).")
      })
    } finally {
      await db.close(app)
    }
  })

  it('a model registered after the first query is refused with a reason', async () => {
    const db = new SQL(undefined, { models: [Note] })
    const app = new Phial(import.meta.url, { name: 'late' })
    app.config.fromMapping({ LOG_LEVEL: 'silent', DATABASE_URL: 'sqlite://' })
    db.initApp(app)
    await app.appContext(() => db.engine())
    expect(() => db.register(defineModel('Late', { id: column.id() }))).toThrow("Register the model 'Late' before the first query: the database of app 'late' is already open.")
    await db.close(app)
  })

  it('rejects models that cannot work, saying why', () => {
    expect(() => defineModel('NoKey', { name: column.text() })).toThrow("The model 'NoKey' needs a primary key: add id: column.id().")
    const db = new SQL(undefined, { models: [defineModel('Orphan', { id: column.id(), ownerId: column.integer() }, { relations: { owner: { kind: 'many-to-one', target: 'Ghost', column: 'ownerId' } } })] })
    const app = new Phial(import.meta.url, { name: 'orphan' })
    app.config.fromMapping({ LOG_LEVEL: 'silent', DATABASE_URL: 'sqlite://' })
    db.initApp(app)
    return expect(app.appContext(() => db.engine())).rejects.toThrow("Orphan.owner points at the model 'Ghost', which is not registered (known: Orphan).")
  })
})
