/**
 * `session.get(Model, id)` runs a statement prepared once per model and
 * hydrates with TypeORM's own transformer (src/ext/sql/primary-key-read.ts):
 * its rows must be exactly `findOne({ where: { id } })`'s, on every database.
 */
import { Phial } from 'phial'
import { SQL } from 'phial/sql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openOn, skip, testDatabases } from './databases.ts'
import { ALL, Post, Profile, Tag, User } from './models.ts'

const dbs = await testDatabases('pkread')

describe.each(dbs)('the prepared primary-key read on $name', (target) => {
  if (skip(target)) return it.skip(`skipped: ${target.missing}`)
  const db = new SQL(undefined, { models: ALL })
  const app = new Phial(import.meta.url, { name: 'pkread' })
  const ids = { user: 0, post: 0, profile: 0, tag: 0 }
  beforeAll(async () => {
    await openOn(target, app, db)
    await app.appContext(async () => {
      const user = await db.session.add(User, { username: "o'brien", email: null })
      const tag = await db.session.add(Tag, { name: 't' })
      const post = await db.session.add(Post, { title: 'Hello', body: 'é ✓', authorId: user.id, tags: [tag] })
      const profile = await db.session.add(Profile, { userId: user.id, settings: { theme: 'dark' }, score: 1.5 })
      await db.session.commit()
      Object.assign(ids, { user: user.id, post: post.id, profile: profile.id, tag: tag.id })
    })
  })
  afterAll(async () => {
    await db.close(app)
    await target.cleanup()
  })

  it('gives what findOne gives (types, dates, booleans, JSON, nulls), for a key as a number or a string', async () => {
    await app.appContext(async () => {
      const engine = await db.engine()
      for (const [model, id] of [[User, ids.user], [Post, ids.post], [Profile, ids.profile], [Tag, ids.tag]] as const) {
        expect(engine.primaryKeyRead(model), model.name).not.toBeNull()
        const expected = await (await db.session.read(model)).findOne({ where: { [model.primaryKey]: id } as never })
        await db.session.rollback() // give back the connection read() held
        const got = await db.session.get(model, id)
        expect(got).toEqual(expected)
        expect(Object.getPrototypeOf(got)).toBe(Object.getPrototypeOf(expected))
        expect(Object.keys(got!)).toEqual(Object.keys(expected!))
        expect(await db.session.get(model, String(id))).toEqual(expected)
      }
      const user = (await db.session.get(User, ids.user))!
      expect([user.active, user.email, user.created instanceof Date]).toEqual([true, null, true])
      expect((await db.session.get(Profile, ids.profile))!.settings).toEqual({ theme: 'dark' })
    })
  })

  it('answers null or 404 for a missing key, and keeps findOne for find options and keys it cannot bind as findOne would', async () => {
    await app.appContext(async () => {
      expect(await db.session.get(User, 999_999)).toBeNull()
      await expect(db.getOr404(User, 999_999)).rejects.toMatchObject({ code: 404 })
      // relations asked for: findOne, with the relation loaded
      expect((await db.session.get(Post, ids.post, { relations: { author: true } }))!.author?.username).toBe("o'brien")
      expect((await db.getOr404(Post, ids.post, { relations: { tags: true } })).tags?.map((t) => t.name)).toEqual(['t'])
      // an undefined key is left to findOne, whatever it makes of it (the prepared read never binds it)
      const viaFindOne = await (await db.session.read(User)).findOne({ where: { id: undefined } as never }).catch((e: unknown) => e)
      await db.session.rollback()
      const viaGet = await db.session.get(User, undefined).catch((e: unknown) => e)
      expect(viaGet).toEqual(viaFindOne)
    })
  })

  it('reads inside a transaction what the transaction wrote, and records the statement', async () => {
    await app.appContext(async () => {
      const carol = await db.session.add(User, { username: 'carol' })
      expect((await db.session.get(User, carol.id))?.username).toBe('carol')
      const read = db.getRecordedQueries().at(-1)!
      expect([read.statement, read.parameters]).toEqual([(await db.engine()).primaryKeyRead(User)!.sql, [carol.id]])
      await db.session.rollback()
      expect(await db.session.get(User, carol.id)).toBeNull()
    })
  })
})

describe('the prepared primary-key read and TypeORM\'s query-result cache', () => {
  it('is not used when the DataSource has a cache (findOne consults it), and get still answers', async () => {
    const db = new SQL(undefined, { models: ALL })
    const app = new Phial(import.meta.url, { name: 'pkcache' })
    app.config.DATABASE_URL = 'sqlite://'
    app.config.SQLALCHEMY_ENGINE_OPTIONS = { typeorm: { cache: { type: 'database', alwaysEnabled: true, duration: 60_000 } } }
    db.initApp(app)
    try {
      await app.appContext(async () => {
        await db.createAll()
        const engine = await db.engine()
        // TypeORM's own table for it (its synchronize makes it; createAll makes the models' tables)
        await engine.dataSource.queryResultCache!.synchronize()
        expect(engine.primaryKeyRead(User)).toBeNull()
        const user = await db.session.add(User, { username: 'cached', email: null })
        await db.session.commit()
        expect((await db.session.get(User, user.id))?.username).toBe('cached')
      })
    } finally {
      await db.close(app)
    }
  })
})
