/**
 * The fixtures of Flask's tutorial tests: an app on a temporary database with
 * two users ('test' / 'test', 'other' / 'other') and one post by 'test'.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generatePasswordHash, type Phial, type TestClient, type TestResponse } from '../../../src/index.ts'
import { createApp } from '../../../examples/blog/app.ts'
import { connect, initDb } from '../../../examples/blog/db.ts'

export interface BlogFixture {
  app: Phial
  client: TestClient
  database: string
  query<T = Record<string, unknown>>(sql: string, args?: unknown[]): Promise<T[]>
  login(username?: string, password?: string): Promise<TestResponse>
  logout(): Promise<TestResponse>
  cleanup(): void
}

/** Builds the app with test data; call `cleanup()` after. */
export async function blogFixture(config: Record<string, unknown> = {}): Promise<BlogFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'phial-blog-'))
  const database = join(dir, 'blog.sqlite')
  await initDb(database)
  const db = connect(database)
  const fast = { method: 'pbkdf2:sha256:1000' }
  await db.execute({
    sql: 'INSERT INTO user (username, password) VALUES (?, ?), (?, ?)',
    args: ['test', await generatePasswordHash('test', fast), 'other', await generatePasswordHash('other', fast)],
  })
  await db.execute(
    "INSERT INTO post (title, body, author_id, created) VALUES ('test title', 'test' || x'0a' || 'body', 1, '2018-01-01 00:00:00')",
  )
  db.close()
  const app = createApp({ TESTING: true, DATABASE: database, WTF_CSRF_ENABLED: false, LOG_LEVEL: 'silent', ...config })
  const client = app.testClient()
  return {
    app,
    client,
    database,
    async query<T>(sql: string, args: unknown[] = []) {
      const c = connect(database)
      try {
        return (await c.execute({ sql, args: args as never })).rows as unknown as T[]
      } finally {
        c.close()
      }
    },
    login: (username = 'test', password = 'test') => client.post('/auth/login', { form: { username, password } }),
    logout: () => client.get('/auth/logout'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}
