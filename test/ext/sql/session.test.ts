import { Context, Phial } from 'phial'
import { DatabaseUnavailable, SQL } from 'phial/sql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { skip, testDatabases } from './databases.ts'
import { ALL, User } from './models.ts'

const dbs = await testDatabases('session')

describe.each(dbs)('session semantics on $name', (target) => {
  if (skip(target)) return it.skip(`skipped: ${target.missing}`)
  const db = new SQL(undefined, { models: ALL })
  let app: Phial
  beforeAll(async () => {
    await target.reset()
    app = new Phial(import.meta.url, { name: 'session' })
    app.config.fromMapping({ DATABASE_URL: target.url, LOG_LEVEL: 'silent', SQLALCHEMY_ENGINE_OPTIONS: { poolTimeout: 1 } })
    db.initApp(app)
    await app.appContext(() => db.createAll())
  })
  afterAll(async () => {
    await db.close(app)
    await target.cleanup()
  })

  it('begins on first use, commits explicitly, and begins again after a commit', async () => {
    await app.appContext(async () => {
      const s = db.session
      expect(s.inTransaction).toBe(false)
      await s.count(User)
      expect(s.inTransaction).toBe(false) // a read begins nothing
      await s.add(User, { username: 'one' })
      expect(s.inTransaction).toBe(true)
      await s.commit()
      expect(s.inTransaction).toBe(false)
      await s.add(User, { username: 'two' })
      await s.rollback()
      expect(await s.count(User)).toBe(1)
    })
    // 'two' was rolled back, 'one' was committed; a new context sees the same
    await app.appContext(async () => {
      expect((await db.session.find(User)).map((u) => u.username)).toEqual(['one'])
      await db.session.add(User, { username: 'three' })
      await db.session.add(User, { username: 'four' })
      await db.session.commit()
      await expect(db.oneOr404(User, { where: { username: 'nobody' } })).rejects.toMatchObject({ code: 404 })
      await expect(db.oneOr404(User)).rejects.toMatchObject({ code: 404 }) // several rows
      expect((await db.oneOr404(User, { where: { username: 'one' } })).username).toBe('one')
      expect(await db.session.update(User, { username: 'four' }, { email: 'f@x' })).toBe(1)
      expect(await db.session.delete(User, { username: 'three' })).toBe(1)
      await db.session.commit()
    })
  })

  it('recorded queries are per context and off outside debug and testing', async () => {
    await app.appContext(async () => {
      await db.session.count(User)
      expect(db.getRecordedQueries()).toEqual([])
    })
    app.config.SQLALCHEMY_RECORD_QUERIES = true
    try {
      await app.appContext(async () => {
        await db.session.count(User)
        const [first, ...rest] = db.getRecordedQueries().filter((q) => !/^(START|BEGIN)/i.test(q.statement))
        expect(first!.statement).toMatch(/SELECT COUNT/i)
        expect(first!.duration).toBeGreaterThanOrEqual(0)
        expect(first!.bind).toBe('default')
        expect(rest).toEqual([])
      })
    } finally {
      app.config.SQLALCHEMY_RECORD_QUERIES = null
    }
  })

  /** An app of its own on the target database with a connection pool of one (a second connection waits 1 s, then fails). */
  function poolOfOne(name: string): { small: SQL; one: Phial } {
    const small = new SQL(undefined, { models: ALL })
    const one = new Phial(import.meta.url, { name })
    one.config.fromMapping({ DATABASE_URL: target.url, LOG_LEVEL: 'silent', SQLALCHEMY_ENGINE_OPTIONS: { poolSize: 1, poolTimeout: 1 } })
    small.initApp(one)
    return { small, one }
  }

  it('a read() repository holds its connection for the later reads, translates their errors, and gives it back at close', async () => {
    // a pool of one (SQLite has one connection anyway): a connection not given back makes the writer below wait and fail after 1 s
    const { small, one } = poolOfOne('session-read-repository')
    try {
      const reader = small.sessionFor(null, new Context(one, null))
      const before = await (await reader.read(User)).count()
      expect(await reader.count(User)).toBe(before) // on the held connection
      expect((await reader.execute<{ v: number | string }>('SELECT 1 + :n AS v', { n: 1 })).rows.map((r) => Number(r.v))).toEqual([2])
      await expect(reader.execute('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/)
      await expect(reader.execute('SELECT :missing', {})).rejects.toThrow('The SQL uses :missing, which is not among the parameters (none).')
      expect(reader.inTransaction).toBe(false)
      await reader.close()
      await expect(reader.count(User)).rejects.toThrow('This database session is closed')
      const writer = small.sessionFor(null, new Context(one, null))
      await writer.add(User, { username: 'after-the-reader' })
      await writer.rollback()
      await writer.close()
    } finally {
      await small.close(one)
    }
  })

  if (target.name !== 'sqlite') {
    it('a read gives its pooled connection back at once: with a pool of one, another session writes while the reader is open', async () => {
      const { small, one } = poolOfOne('session-pool-of-one')
      try {
        const a = small.sessionFor(null, new Context(one, null))
        const b = small.sessionFor(null, new Context(one, null))
        const before = await a.count(User) // a holds nothing afterwards
        await b.add(User, { username: 'written-while-a-is-open' }) // the one connection is free (else: a 503 after 1 s)
        expect(await b.count(User)).toBe(before + 1) // in b's transaction
        await b.rollback()
        await b.close()
        expect(await a.count(User)).toBe(before)
        await a.close()
      } finally {
        await small.close(one)
      }
    })
  }

  if (target.name === 'sqlite') {
    it('after a commit, a read waits for another session\'s open transaction (no dirty read on the shared connection)', async () => {
      const a = db.sessionFor(null, new Context(app, null))
      const b = db.sessionFor(null, new Context(app, null))
      await a.add(User, { username: 'committed-by-a' })
      await a.commit() // a gives the connection up
      await b.add(User, { username: 'uncommitted-by-b' }) // b holds it, in a transaction
      const reading = a.count(User, { where: { username: 'uncommitted-by-b' } })
      await new Promise((r) => setTimeout(r, 50))
      await b.rollback()
      await b.close()
      expect(await reading).toBe(0)
      await a.close()
    })

    it('reads share the one connection and hold nothing afterwards; a transaction waits only while reads run', async () => {
      const a = db.sessionFor(null, new Context(app, null))
      const b = db.sessionFor(null, new Context(app, null))
      const before = await a.count(User) // a read: a holds nothing once it is done
      await b.add(User, { username: 'b-writes-while-a-is-open' }) // does not wait for a (it would time out after 1 s)
      expect(await b.count(User)).toBe(before + 1) // b reads in its transaction
      const reading = a.count(User) // waits for b's transaction
      await b.rollback()
      expect(await reading).toBe(before)
      const [x, y] = await Promise.all([a.count(User), b.count(User)]) // two sessions' reads at once
      expect([x, y]).toEqual([before, before])
      expect(a.inTransaction || b.inTransaction).toBe(false)
      await a.close()
      await b.close()
    })

    it('a session that waits too long for the one SQLite connection gets a 503', async () => {
      const holder = db.sessionFor(null, new Context(app, null))
      await holder.begin() // holds the connection (an open transaction; reads alone share it)
      try {
        const err = await app.appContext(() => db.session.count(User)).catch((e: unknown) => e)
        expect(err).toBeInstanceOf(DatabaseUnavailable)
        expect((err as Error).message).toBe('Timed out after 1 s waiting for the SQLite database (another request holds it).')
      } finally {
        await holder.close()
      }
      await app.appContext(async () => expect(await db.session.count(User)).toBeGreaterThan(0))
    })
  }
})

describe('SQLALCHEMY_ECHO', () => {
  it('logs each statement through the app logger', async () => {
    const db = new SQL(undefined, { models: ALL })
    const app = new Phial(import.meta.url, { name: 'echo' })
    app.config.fromMapping({ DATABASE_URL: 'sqlite://', SQLALCHEMY_ECHO: true, LOG_LEVEL: 'silent' })
    db.initApp(app)
    const lines: string[] = []
    app.logger.info = ((a: unknown, b?: unknown) => void lines.push(String(b ?? a))) as typeof app.logger.info
    await app.appContext(async () => {
      await db.execute('SELECT 42 AS answer')
    })
    expect(lines.some((l) => l.includes('SELECT 42 AS answer'))).toBe(true)
    await db.close(app)
  })
})
