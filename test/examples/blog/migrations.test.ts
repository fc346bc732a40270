/**
 * The blog's schema comes from its migrations: they build what the models
 * say (TypeORM's diff is empty, `phial db check` passes), go down to nothing
 * and up again, and the `phial db` commands work on the blog.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { db } from '../../../examples/blog/db.ts'
import { blogFixture, type BlogFixture } from './fixtures.ts'

let fx: BlogFixture | undefined
afterEach(async () => {
  await fx?.cleanup()
  fx = undefined
})

describe('the blog migrations', () => {
  it('build exactly what the models describe', async () => {
    fx = await blogFixture()
    const engine = await fx.app.appContext(() => db.engine())
    expect(engine.dialect).toBe(/^postgres/.test(process.env.DATABASE_URL ?? '') ? 'postgres' : 'sqlite')
    const diff = await engine.dataSource.driver.createSchemaBuilder().log()
    expect(diff.upQueries.map((q) => q.query)).toEqual([])
    const check = await fx.app.testCliRunner().invoke(['db', 'check'])
    expect(check.output).toBe('No new upgrade operations detected.\n')
    expect((await fx.app.testCliRunner().invoke(['db', 'current'])).output).toMatch(/^\d{14} \(head\), user email\n$/)
  })

  it('downgrade to base removes the tables, upgrade brings them back', async () => {
    fx = await blogFixture()
    const runner = fx.app.testCliRunner()
    const down = await runner.invoke(['db', 'downgrade', 'base'])
    expect(down.exitCode, down.output).toBe(0)
    await expect(fx.query('SELECT * FROM post')).rejects.toThrow()
    expect((await runner.invoke(['db', 'upgrade'])).output).toMatch(/^Running upgrade <base> -> (\d{14}), users and posts\nRunning upgrade \1 -> (\d{14}), user roles\nRunning upgrade \2 -> \d{14}, user email\n$/)
    expect(await fx.query('SELECT * FROM post')).toEqual([])
  })
})

describe('the user roles migration', () => {
  it('adds the role column to a database that has users, who are not admins', async () => {
    fx = await blogFixture()
    const runner = fx.app.testCliRunner()
    // below the user email migration too, which came after it
    expect((await runner.invoke(['db', 'downgrade', '-2'])).exitCode).toBe(0)
    await expect(fx.query('SELECT role FROM "user"')).rejects.toThrow()
    expect(await fx.query('SELECT username FROM "user" ORDER BY id')).toEqual([{ username: 'test' }, { username: 'other' }])
    expect((await runner.invoke(['db', 'upgrade'])).exitCode).toBe(0)
    expect(await fx.query('SELECT username, role FROM "user" ORDER BY id')).toEqual([
      { username: 'test', role: null },
      { username: 'other', role: null },
    ])
  })
})

describe('the user email migration', () => {
  it('adds an empty email column to a database that has users', async () => {
    fx = await blogFixture()
    const runner = fx.app.testCliRunner()
    expect((await runner.invoke(['db', 'downgrade', '-1'])).exitCode).toBe(0)
    await expect(fx.query('SELECT email FROM "user"')).rejects.toThrow()
    expect((await runner.invoke(['db', 'upgrade'])).exitCode).toBe(0)
    expect(await fx.query('SELECT username, email FROM "user" ORDER BY id')).toEqual([
      { username: 'test', email: null },
      { username: 'other', email: null },
    ])
  })
})

describe('npm start on a database made before migrations', () => {
  it('is left alone and reported, and stamp adopts it', async () => {
    const { migrate } = await import('../../../examples/blog/db.ts')
    fx = await blogFixture()
    const app = fx.app
    await fx.query('DELETE FROM phial_version')
    expect(await app.appContext(() => migrate.upgradeIfNew())).toBe('unmanaged')
    expect(await fx.query('SELECT title FROM post')).toEqual([{ title: 'test title' }])
    expect((await app.testCliRunner().invoke(['db', 'stamp', 'head'])).exitCode).toBe(0)
    expect(await app.appContext(() => migrate.upgradeIfNew())).toBe('up to date')
  })
})
