import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../../examples/blog/app.ts'
import { blogFixture, type BlogFixture } from './fixtures.ts'

let fx: BlogFixture | undefined
afterEach(() => fx?.cleanup())

describe('the application factory', () => {
  it('is not testing by default, and takes overrides', () => {
    expect(createApp().testing).toBe(false)
    expect(createApp({ TESTING: true }).testing).toBe(true)
  })

  it('says hello', async () => {
    fx = await blogFixture()
    const res = await fx.client.get('/hello')
    expect(res.text).toBe('Hello, World!')
  })

  it('opens one database per request and closes it in teardown', async () => {
    fx = await blogFixture()
    const seen: unknown[] = []
    const app = fx.app
    const { getDb } = await import('../../../examples/blog/db.ts')
    await app.appContext(async () => {
      const db = getDb()
      expect(getDb()).toBe(db)
      seen.push(db)
      await db.execute('SELECT 1')
    })
    const db = seen[0] as { closed: boolean }
    expect(db.closed).toBe(true)
  })
})

describe('the init-db command', () => {
  it('creates the tables', async () => {
    fx = await blogFixture()
    const result = await fx.app.testCliRunner().invoke(['init-db'])
    expect(result.exitCode).toBe(0)
    expect(result.output).toContain('Initialized the database.')
    expect(await fx.query('SELECT * FROM post')).toHaveLength(0)
  })
})
