/**
 * `session.find(Model, options)` runs statements TypeORM built once per
 * shape of options and hydrates with TypeORM's own transformer
 * (src/ext/sql/prepared-find.ts): its statements and rows must be exactly
 * TypeORM's `find`'s, on every database, for every shape it prepares, and
 * the shapes it does not prepare must still behave as `find`.
 */
import { Phial } from 'phial'
import { column, defineModel, manyToOne, SQL, type Model } from 'phial/sql'
import type { FindManyOptions } from 'typeorm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openOn, skip, testDatabases } from './databases.ts'
import { ALL, Post, Profile, Tag, User } from './models.ts'

/** A model with a string primary key: a page of its ids is bound as parameters, not written into the statement. */
const Code = defineModel('SqlCode', {
  code: column.string({ length: 20, primary: true }),
  label: column.string({ length: 40 }),
  ownerId: column.integer({ name: 'owner_id' }),
}, { tableName: 'code', relations: { owner: manyToOne('SqlUser', { column: 'ownerId' }) } })

const dbs = await testDatabases('pfind')

/** Shapes that are prepared, each with values a page would have. */
const PREPARED: Array<[Model, FindManyOptions]> = [
  [Post, {}],
  [Post, { order: { id: 'DESC' } }],
  [Post, { take: 5 }],
  [Post, { skip: 3, take: 5, order: { id: 'ASC' } }],
  [Post, { skip: 0, take: 4, order: { id: 'ASC' } }],
  [Post, { relations: { author: true }, order: { id: 'ASC' }, skip: 7, take: 5 }],
  [Post, { relations: { author: true }, order: { id: 'ASC' }, skip: 12, take: 5 }],
  [Post, { relations: { author: true, tags: true }, order: { title: 'DESC', id: 'ASC' }, skip: 2, take: 4 }],
  [Post, { relations: { author: { profile: true } }, order: { author: { username: 'ASC' }, id: 'DESC' }, skip: 1, take: 3 }],
  [Post, { relations: { author: true }, order: { id: 'ASC' }, skip: 500, take: 5 }],
  [Post, { relations: { tags: true }, take: 0 }],
  [Post, { relations: { author: true }, where: undefined, take: 2 }],
  [User, { relations: { posts: true, profile: true }, order: { id: 'ASC', posts: { id: 'ASC' } }, take: 2 }],
  [Tag, { relations: { posts: true }, order: { name: 'ASC' } }],
  [Profile, { order: { score: 'DESC' } }],
  [Code, { relations: { owner: true }, order: { code: 'ASC' }, skip: 1, take: 2 }],
]

describe.each(dbs)('the prepared find on $name', (target) => {
  if (skip(target)) return it.skip(`skipped: ${target.missing}`)
  const db = new SQL(undefined, { models: [...ALL, Code] })
  const app = new Phial(import.meta.url, { name: 'pfind' })
  beforeAll(async () => {
    await openOn(target, app, db)
    await app.appContext(async () => {
      const users = []
      for (const name of ['carol', 'alice', "o'brien"]) users.push(await db.session.add(User, { username: name, email: name === 'alice' ? 'a@x' : null }))
      const tags = [await db.session.add(Tag, { name: 'b' }), await db.session.add(Tag, { name: 'a' })]
      for (let i = 0; i < 25; i++) {
        await db.session.add(Post, { title: `Post ${i % 7}`, body: `é ✓ ${i}`, authorId: users[i % 3]!.id, views: i, tags: i % 4 === 0 ? tags : i % 4 === 1 ? [tags[0]!] : [] })
      }
      await db.session.add(Profile, { userId: users[0]!.id, settings: { theme: 'dark' }, score: 1.5 })
      await db.session.add(Profile, { userId: users[2]!.id, settings: { theme: 'light' }, score: 2.5 })
      for (const [code, owner] of [['z9', 0], ['a1', 1], ['m5', 2], ['b2', 0]] as const) await db.session.add(Code, { code, label: `label ${code}`, ownerId: users[owner]!.id })
      await db.session.commit()
    })
  })
  afterAll(async () => {
    await db.close(app)
    await target.cleanup()
  })

  /** TypeORM's own find (a repository on the session's connection), with the statements it ran. */
  const viaTypeOrm = (model: Model, options: FindManyOptions) =>
    app.appContext(async () => {
      const rows = await (await db.session.read(model)).find(options).catch((e: unknown) => e)
      return { rows, statements: db.getRecordedQueries().map((q) => [q.statement, q.parameters]) }
    })
  const viaSession = (model: Model, options: FindManyOptions) =>
    app.appContext(async () => {
      const rows = await db.session.find(model, options as never).catch((e: unknown) => e)
      return { rows, statements: db.getRecordedQueries().map((q) => [q.statement, q.parameters]) }
    })

  it.each(PREPARED.map(([model, options]) => ({ model, options, name: `${model.name} ${JSON.stringify(options)}` })))('$name: the statements and rows of find, the first time and after', async ({ model, options }) => {
    const expected = await viaTypeOrm(model, options)
    expect(expected.rows).toBeInstanceOf(Array)
    for (let call = 0; call < 2; call++) {
      const got = await viaSession(model, options)
      expect(got.statements).toEqual(expected.statements)
      expect(got.rows).toEqual(expected.rows)
      const [a, b] = [got.rows as object[], expected.rows as object[]]
      expect(a.map((r) => Object.keys(r))).toEqual(b.map((r) => Object.keys(r)))
      expect(a.map((r) => Object.getPrototypeOf(r))).toEqual(b.map((r) => Object.getPrototypeOf(r)))
    }
    expect(await app.appContext(async () => (await db.engine()).preparedFind(model, options))).not.toBeNull()
  })

  it('prepares one shape for every page (skip and take are filled in per call)', async () => {
    const shape = (skip: number, take: number) => ({ relations: { author: true }, order: { id: 'ASC' as const }, skip, take })
    const first = await app.appContext(async () => (await db.engine()).preparedFind(Post, shape(5, 5)))
    expect(await app.appContext(async () => (await db.engine()).preparedFind(Post, shape(10, 3)))).toBe(first)
    const page = await viaSession(Post, shape(10, 3))
    expect((page.rows as Array<{ id: number }>).length).toBe(3)
    expect(page).toEqual(await viaTypeOrm(Post, shape(10, 3)))
  })

  it('leaves other options to find (where, select, a bad skip, an unknown relation), with find\'s answers and errors', async () => {
    const others: FindManyOptions[] = [
      { where: { authorId: 1 }, order: { id: 'ASC' } },
      { select: { id: true, title: true }, take: 3 },
      { relations: { author: true }, skip: -1, take: 2 },
      { skip: 2.5, take: 2 },
      { relations: { nope: true } } as never,
      { order: { id: 'sideways' } } as never,
      { skip: 5 },
    ]
    for (const options of others) {
      const expected = await viaTypeOrm(Post, options)
      const got = await viaSession(Post, options)
      if (expected.rows instanceof Error) expect(String(got.rows)).toBe(String(expected.rows))
      else expect(got).toEqual(expected)
    }
    await app.appContext(async () => {
      const engine = await db.engine()
      expect(engine.preparedFind(Post, { where: { authorId: 1 } })).toBeNull()
      expect(engine.preparedFind(Post, { skip: -1, take: 2 })).toBeNull()
      expect(await engine.preparedFind(Post, { relations: { nope: true } } as never)).toBeNull()
    })
  })

  it('counts as TypeORM counts: prepared without options, count with a where', async () => {
    for (const model of [Post, User, Tag, Code]) {
      for (const options of [undefined, {}, { where: undefined }, { where: { [model.primaryKey]: model === Code ? 'a1' : 1 } }] as Array<FindManyOptions | undefined>) {
        const expected = await app.appContext(async () => {
          const n = await (await db.session.read(model)).count(options)
          return { n, statements: db.getRecordedQueries().map((q) => [q.statement, q.parameters]) }
        })
        for (let call = 0; call < 2; call++) {
          const got = await app.appContext(async () => {
            const n = await db.session.count(model, options as never)
            return { n, statements: db.getRecordedQueries().map((q) => [q.statement, q.parameters]) }
          })
          expect(got).toEqual(expected)
        }
      }
      expect(await app.appContext(async () => (await db.engine()).preparedCount(model))).not.toBeNull()
    }
  })

  it('reads inside a transaction what the transaction wrote, through paginate too', async () => {
    await app.appContext(async () => {
      const user = await db.session.add(User, { username: 'dave' })
      await db.session.add(Post, { title: 'Fresh', authorId: user.id })
      const rows = await db.session.find(Post, { relations: { author: true }, order: { id: 'DESC' }, take: 1 })
      expect([rows[0]!.title, (rows[0]!.author as unknown as { username: string }).username]).toEqual(['Fresh', 'dave'])
      const page = await db.paginate(Post, { relations: { author: true }, order: { id: 'ASC' }, page: 3, perPage: 10 })
      expect([page.items.length, page.total]).toEqual([6, 26])
      await db.session.rollback()
      expect((await db.session.find(Post, { relations: { author: true }, order: { id: 'DESC' }, take: 1 }))[0]!.title).not.toBe('Fresh')
    })
  })
})
