import { Phial, renderTemplateString } from 'phial'
import { IntegrityError, SQL } from 'phial/sql'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { skip, testDatabases } from './databases.ts'
import { ALL, Post, Profile, Tag, User } from './models.ts'

const dbs = await testDatabases('crud')

describe.each(dbs)('models and the session on $name', (target) => {
  if (skip(target)) return it.skip(`skipped: ${target.missing}`)
  const db = new SQL(undefined, { models: ALL })
  let app: Phial
  beforeEach(async () => {
    if (app) await db.close(app)
    await target.reset()
    app = new Phial(import.meta.url, { name: 'crud' })
    app.config.fromMapping({ TESTING: true, DATABASE_URL: target.url, LOG_LEVEL: 'silent' })
    db.initApp(app)
    await app.appContext(() => db.createAll())
  })
  afterAll(async () => {
    if (app) await db.close(app)
    await target.cleanup()
  })

  it('creates the tables, inserts and reads back typed rows with defaults', async () => {
    await app.appContext(async () => {
      const alice = await db.session.add(User, { username: 'alice' })
      expect(alice.id).toBeTypeOf('number')
      await db.session.add(Post, { title: 'Hello', authorId: alice.id })
      await db.session.commit()
      const user = await db.session.getOr404(User, alice.id, { relations: { posts: true } })
      expect(user.username).toBe('alice')
      expect(user.email).toBeNull()
      expect(user.active).toBe(true)
      expect(user.created).toBeInstanceOf(Date)
      expect(user.posts?.map((p) => p.title)).toEqual(['Hello'])
      const post = (await db.session.findOne(Post, { where: { title: 'Hello' }, relations: { author: true } }))!
      expect(post.body).toBe('')
      expect(post.views).toBe(0)
      expect(post.author?.username).toBe('alice')
    })
  })

  it('many-to-many through the join table, and one-to-one with JSON', async () => {
    await app.appContext(async () => {
      const bob = await db.session.add(User, { username: 'bob' })
      const [a, b] = [await db.session.add(Tag, { name: 'a' }), await db.session.add(Tag, { name: 'b' })]
      const post = await db.session.add(Post, { title: 'Tagged', authorId: bob.id, tags: [a, b] })
      await db.session.add(Profile, { userId: bob.id, settings: { theme: 'dark' } })
      await db.session.commit()
      const loaded = (await db.session.get(Post, post.id, { relations: { tags: true } }))!
      expect(loaded.tags?.map((t) => t.name).sort()).toEqual(['a', 'b'])
      const tag = (await db.session.findOne(Tag, { where: { name: 'a' }, relations: { posts: true } }))!
      expect(tag.posts?.map((p) => p.title)).toEqual(['Tagged'])
      const user = (await db.session.get(User, bob.id, { relations: { profile: true } }))!
      expect(user.profile?.settings).toEqual({ theme: 'dark' })
      expect(user.profile?.score).toBe(0)
    })
    // deleting the user cascades to posts and the join rows
    await app.appContext(async () => {
      await db.session.delete(User, { username: 'bob' })
      await db.session.commit()
    })
    expect(await target.query('SELECT * FROM post_tag')).toEqual([])
    expect(await target.query('SELECT * FROM post')).toEqual([])
  })

  it('gives one IntegrityError for unique, not-null and foreign-key violations', async () => {
    await app.appContext(async () => {
      await db.session.add(User, { username: 'carol' })
      await db.session.commit()
      const unique = await db.session.add(User, { username: 'carol' }).catch((e: unknown) => e)
      expect(unique).toBeInstanceOf(IntegrityError)
      expect(unique).toMatchObject({ kind: 'unique', table: 'user', columns: ['username'], constraint: 'uq_user_username' })
      await db.session.rollback()
      const notNull = await db.execute('INSERT INTO post (title, author_id) VALUES (:t, :a)', { t: null, a: 1 }).catch((e: unknown) => e)
      expect(notNull).toMatchObject({ kind: 'notNull', table: 'post', columns: ['title'] })
      await db.session.rollback()
      const fk = await db.session.add(Post, { title: 'x', authorId: 999 }).catch((e: unknown) => e)
      expect(fk).toBeInstanceOf(IntegrityError)
      expect(fk).toMatchObject({ kind: 'foreignKey', table: 'post', columns: ['author_id'] })
      if (target.name !== 'sqlite') expect((fk as IntegrityError).constraint).toBe('fk_post_author_id_user')
    })
  })

  it('runs raw SQL with bound parameters, never interpolated', async () => {
    await app.appContext(async () => {
      await db.session.add(User, { username: "o'brien" })
      const evil = "x' OR '1'='1"
      const none = await db.execute('SELECT * FROM "user" WHERE username = :name'.replace(/"/g, target.name === 'mysql' ? '`' : '"'), { name: evil })
      expect(none.rows).toEqual([])
      const q = target.name === 'mysql' ? '`' : '"'
      const { rows } = await db.execute<{ username: string }>(`SELECT username FROM ${q}user${q} WHERE username = ? AND ':x' <> ?`, ["o'brien", 'y'])
      expect(rows).toEqual([{ username: "o'brien" }])
      const updated = await db.execute(`UPDATE ${q}user${q} SET email = :e WHERE username = :u`, { e: 'o@x', u: "o'brien" })
      expect(updated.rowCount).toBe(1)
      await expect(db.execute('SELECT :missing', {})).rejects.toThrow(/:missing/)
    })
  })

  it('paginates in a template', async () => {
    await app.appContext(async () => {
      const u = await db.session.add(User, { username: 'writer' })
      for (let i = 1; i <= 45; i++) await db.session.add(Post, { title: `p${i}`, authorId: u.id })
      await db.session.commit()
      const page = await db.paginate(Post, { page: 2, perPage: 10, order: { id: 'ASC' } })
      expect(page.items.map((p) => p.title)).toEqual(Array.from({ length: 10 }, (_, i) => `p${i + 11}`))
      expect([page.total, page.pages, page.hasNext, page.nextNum, page.hasPrev, page.prevNum, page.first, page.last]).toEqual([45, 5, true, 3, true, 1, 11, 20])
      expect(page.iterPages()).toEqual([1, 2, 3, 4, 5])
      const html = await renderTemplateString('{% for p in page.iterPages() %}{% if p %}[{{ p }}]{% else %}…{% endif %}{% endfor %} {% for post in page.items %}{{ post.title }},{% endfor %}', { page })
      expect(html).toBe('[1][2][3][4][5] p11,p12,p13,p14,p15,p16,p17,p18,p19,p20,')
      const next = await page.next()
      expect(next.page).toBe(3)
      expect(next.total).toBe(45)
      const qb = (await db.session.query(Post, 'post')).where('post.title LIKE :t', { t: 'p1%' }).orderBy('post.id', 'ASC')
      const filtered = await db.paginate(qb, { perPage: 5 })
      expect(filtered.total).toBe(11)
      expect(filtered.items.map((p) => p.title)).toEqual(['p1', 'p10', 'p11', 'p12', 'p13'])
    })
  })
})
