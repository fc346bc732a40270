import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../../examples/blog/app.ts'
import { blogFixture, type BlogFixture } from './fixtures.ts'

// createApp() without test config keeps a SECRET_KEY in the instance folder: a temporary one here
const instance = mkdtempSync(join(tmpdir(), 'phial-blog-factory-'))
beforeAll(() => void (process.env.BLOG_INSTANCE_PATH = instance))
afterAll(() => {
  delete process.env.BLOG_INSTANCE_PATH
  rmSync(instance, { recursive: true, force: true })
})

let fx: BlogFixture | undefined
afterEach(async () => {
  await fx?.cleanup()
  fx = undefined
})

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

  it('gives each context its own session and closes it in teardown', async () => {
    fx = await blogFixture()
    const { db } = await import('../../../examples/blog/db.ts')
    const app = fx.app
    const session = await app.appContext(async () => {
      const s = db.session
      expect(db.session).toBe(s)
      await db.execute('SELECT 1')
      expect(s.inTransaction).toBe(false)
      await s.begin()
      expect(s.inTransaction).toBe(true)
      return s
    })
    await expect(session.execute('SELECT 1')).rejects.toThrow('This database session is closed')
    const other = await app.appContext(async () => db.session)
    expect(other).not.toBe(session)
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
