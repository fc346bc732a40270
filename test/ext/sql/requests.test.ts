import { Phial, request } from 'phial'
import { DatabaseUnavailable, SQL } from 'phial/sql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { skip, testDatabases } from './databases.ts'
import { ALL, Post, User } from './models.ts'

const dbs = await testDatabases('requests')

describe.each(dbs)('requests and sessions on $name', (target) => {
  if (skip(target)) return it.skip(`skipped: ${target.missing}`)
  const db = new SQL(undefined, { models: ALL })
  let app: Phial
  let gate: { opened: Promise<void>; open: () => void } | null = null
  let unlockRead: (() => void) | null = null

  beforeAll(async () => {
    await target.reset()
    app = new Phial(import.meta.url, { name: 'requests' })
    app.config.fromMapping({ SQLALCHEMY_RECORD_QUERIES: true, DATABASE_URL: target.url, LOG_LEVEL: 'silent' })
    db.initApp(app)
    await app.appContext(async () => {
      await db.createAll()
      const u = await db.session.add(User, { username: 'owner' })
      for (let i = 1; i <= 30; i++) await db.session.add(Post, { title: `post ${i}`, authorId: u.id })
      await db.session.commit()
    })
    app.get('/posts', async function posts() {
      const page = await db.paginate(Post, { order: { id: 'ASC' } })
      return { titles: page.items.map((p) => p.title), total: page.total, page: page.page }
    })
    app.post('/write-then-fail', async function writeThenFail() {
      await db.session.add(User, { username: String(request.form.get('name')) })
      throw new Error('boom after the write')
    })
    app.post('/write-no-commit', async function writeNoCommit() {
      await db.session.add(User, { username: String(request.form.get('name')) })
      return 'not committed'
    })
    app.post('/write', async function write() {
      await db.session.add(User, { username: String(request.form.get('name')) })
      if (gate) {
        const g = gate
        unlockRead?.()
        await g.opened // hold the transaction open until the other request has looked
      }
      await db.session.commit()
      return 'ok'
    })
    app.get('/count', async function count() {
      return { users: await db.session.count(User), inTransaction: db.session.inTransaction }
    })
    app.get('/user/<int:id>', async function user({ id }) {
      const u = await db.getOr404(User, id)
      return { username: u.username }
    })
    app.get('/first/<name>', async function first({ name }) {
      return (await db.firstOr404(User, { where: { username: name } })).username
    })
    app.get('/pid', async function pid() {
      await db.session.begin() // the connection dies under an open transaction
      const { rows } = await db.execute<{ pid: number }>('SELECT pg_backend_pid() AS pid')
      await target.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid])
      return String(await db.session.count(User))
    })
    app.get('/kill', async function kill() {
      await db.session.begin()
      const { rows } = await db.execute<{ id: number }>('SELECT CONNECTION_ID() AS id')
      await target.query(`KILL ${Number(rows[0]!.id)}`)
      return String(await db.session.count(User))
    })
    app.get('/n-plus-one', async function nPlusOne() {
      const posts = await db.session.find(Post)
      for (const p of posts) await db.session.get(User, p.authorId)
      return { queries: db.getRecordedQueries().length }
    })
  })
  afterAll(async () => {
    await db.close(app)
    await target.cleanup()
  })
  const users = async (): Promise<number> => Number((await target.query<{ n: number | string }>('SELECT count(*) AS n FROM user'.replace('user', target.name === 'mysql' ? '`user`' : '"user"')))[0]!.n)

  it('paginates from ?page= and ?per_page=', async () => {
    const client = app.testClient()
    const res = await client.get('/posts', { query: { page: '2', per_page: '5' } })
    expect(res.json).toEqual({ titles: ['post 6', 'post 7', 'post 8', 'post 9', 'post 10'], total: 30, page: 2 })
  })

  it.each(['abc', '-1', '0', '1.5', '99'])('page=%s is a 404 with a reason', async (page) => {
    const res = await app.testClient().get('/posts', { query: { page } })
    expect(res.status).toBe(404)
  })

  it('per_page=abc is a 404, and per_page is capped at 100', async () => {
    expect((await app.testClient().get('/posts', { query: { per_page: 'abc' } })).status).toBe(404)
    expect((await app.testClient().get('/posts', { query: { per_page: '1000' } })).json).toMatchObject({ total: 30 })
  })

  it('getOr404 / firstOr404 answer 404 for a missing row', async () => {
    const client = app.testClient()
    expect((await client.get('/user/1')).json).toEqual({ username: 'owner' })
    expect((await client.get('/user/999')).status).toBe(404)
    expect((await client.get('/first/owner')).text).toBe('owner')
    expect((await client.get('/first/nobody')).status).toBe(404)
  })

  it('a request that throws leaves nothing committed; so does one that never commits', async () => {
    const before = await users()
    const res = await app.testClient().post('/write-then-fail', { form: { name: 'ghost' } })
    expect(res.status).toBe(500)
    expect((await app.testClient().post('/write-no-commit', { form: { name: 'ghost2' } })).text).toBe('not committed')
    expect(await users()).toBe(before)
    // and the connection is usable again (nothing leaked)
    expect((await app.testClient().get('/count')).json).toEqual({ users: before, inTransaction: false }) // reads begin no transaction
  })

  it('concurrent requests each have their own session: uncommitted writes are invisible', async () => {
    const before = await users()
    let open!: () => void
    gate = { opened: new Promise<void>((r) => (open = r)), open }
    const readerMayGo = new Promise<void>((r) => (unlockRead = r))
    const writing = app.testClient().post('/write', { form: { name: 'concurrent' } })
    await readerMayGo
    // On SQLite the reader waits for the writer's transaction (one connection); elsewhere it reads at once.
    const reading = app.testClient().get('/count')
    const raced = await Promise.race([reading.then((r) => r.json as { users: number }), new Promise((r) => setTimeout(() => r('waiting'), 300))])
    if (target.name === 'sqlite') expect(raced).toBe('waiting')
    else expect(raced).toEqual({ users: before, inTransaction: false })
    open()
    expect((await writing).text).toBe('ok')
    gate = null
    const after = (await reading).json as { users: number }
    expect(after.users).toBe(target.name === 'sqlite' ? before + 1 : before)
    expect(await users()).toBe(before + 1)
    // 20 requests at once all finish, each with its own transaction
    const all = await Promise.all(Array.from({ length: 20 }, () => app.testClient().get('/count')))
    expect(all.every((r) => r.status === 200)).toBe(true)
  })

  it('records queries in testing, and warns about an N+1 pattern', async () => {
    const warnings: string[] = []
    const original = app.logger.warn.bind(app.logger)
    app.logger.warn = ((obj: unknown, msg?: string) => void warnings.push(String(msg ?? obj))) as typeof app.logger.warn
    try {
      const res = await app.testClient().get('/n-plus-one')
      expect((res.json as { queries: number }).queries).toBeGreaterThan(30)
      expect(warnings.some((w) => w.includes('N+1'))).toBe(true)
    } finally {
      app.logger.warn = original
    }
  })

  it('agrees with TypeORM\'s own schema diff (createAll builds what the models say)', async () => {
    const engine = await app.appContext(() => db.engine())
    const diff = await engine.dataSource.driver.createSchemaBuilder().log()
    expect(diff.upQueries.map((q) => q.query).join('\n')).toBe('')
  })

  if (target.name === 'postgres') {
    it('a lost connection is a 503, and the next request works', async () => {
      const res = await app.testClient().get('/pid')
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('5')
      expect((await app.testClient().get('/count')).status).toBe(200)
    })
  }
  if (target.name === 'mysql') {
    it('a lost connection is a 503, and the next request works', async () => {
      const res = await app.testClient().get('/kill')
      expect(res.status).toBe(503)
      expect((await app.testClient().get('/count')).status).toBe(200)
    })
  }
})

describe('an unreachable database', () => {
  it('is a 503 with a message naming the database, not a crash', async () => {
    const db = new SQL()
    const app = new Phial(import.meta.url, { name: 'down' })
    app.config.fromMapping({ DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent', SQLALCHEMY_ENGINE_OPTIONS: { poolTimeout: 2 } })
    db.initApp(app)
    app.get('/', async function index() {
      return String(await db.execute('SELECT 1'))
    })
    const res = await app.testClient().get('/')
    expect(res.status).toBe(503)
    const err = await app.appContext(() => db.engine()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DatabaseUnavailable)
    expect((err as Error).message).toMatch(/Cannot connect to the database 'default' at postgresql:\/\/nobody@127\.0\.0\.1:1\/none/)
  })

  it('a bad URL says what forms are accepted', async () => {
    const db = new SQL()
    const app = new Phial(import.meta.url, { name: 'bad' })
    app.config.fromMapping({ DATABASE_URL: 'oracle://x:secret@host/db', LOG_LEVEL: 'silent' })
    db.initApp(app)
    const err = await app.appContext(() => db.engine()).catch((e: unknown) => e)
    expect((err as Error).message).toBe("Unsupported DATABASE_URL 'oracle://x:***@host/db': phial/sql speaks sqlite://, postgresql:// and mysql:// (or mariadb://).")
  })
})
