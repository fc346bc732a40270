/**
 * The fixtures of Flask's tutorial tests: an app on a fresh database with
 * two users ('test' / 'test', 'other' / 'other') and one post by 'test'.
 * The database is a temporary SQLite file, or — when DATABASE_URL points at
 * PostgreSQL (as in CI) — a schema of its own on that server.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generatePasswordHash, type Phial, type TestClient, type TestResponse } from '../../../src/index.ts'
import { createApp } from '../../../examples/blog/app.ts'
import { db, resetDatabase, sqliteUrl } from '../../../examples/blog/db.ts'
import { User } from '../../../examples/blog/models.ts'

export interface BlogFixture {
  app: Phial
  client: TestClient
  /** The DATABASE_URL the app uses. */
  url: string
  /** Runs SQL (`:name` or `?` parameters) and commits; `"user"` needs its quotes on PostgreSQL. */
  query<T = Record<string, unknown>>(sql: string, args?: unknown[] | Record<string, unknown>): Promise<T[]>
  /** Posts the login form (`remember` ticks "Remember me"; `next` is the login URL's `?next=`). */
  login(username?: string, password?: string, options?: { remember?: boolean; next?: string }): Promise<TestResponse>
  /** Runs `phial <args>` (the app's CLI) against this database. */
  cli(...args: string[]): Promise<{ exitCode: number; output: string }>
  logout(): Promise<TestResponse>
  cleanup(): Promise<void>
}

/** Where the blog tests put their data: a new SQLite file, or a new PostgreSQL schema. */
export async function blogDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.DATABASE_URL
  if (server && /^postgres(ql)?:/.test(server)) {
    const { default: pg } = await import('pg')
    const schema = `phial_sql_blog_${randomBytes(4).toString('hex')}`
    const run = async (sql: string): Promise<void> => {
      const client = new pg.Client({ connectionString: server })
      await client.connect()
      try {
        await client.query(sql)
      } finally {
        await client.end()
      }
    }
    await run(`CREATE SCHEMA ${schema}`)
    return { url: `${server}${server.includes('?') ? '&' : '?'}schema=${schema}`, drop: () => run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) }
  }
  const dir = mkdtempSync(join(tmpdir(), 'phial-blog-'))
  return { url: sqliteUrl(join(dir, 'blog.sqlite')), drop: async () => rmSync(dir, { recursive: true, force: true }) }
}

/** Builds the app with test data; call `cleanup()` after. */
export async function blogFixture(config: Record<string, unknown> = {}): Promise<BlogFixture> {
  const database = await blogDatabase()
  // tasks (the new-post mail) run inside .delay(), as Celery's task_always_eager
  const app = createApp({ TESTING: true, DATABASE_URL: database.url, WTF_CSRF_ENABLED: false, LOG_LEVEL: 'silent', TASKS_ALWAYS_EAGER: true, ...config })
  const fast = { method: 'pbkdf2:sha256:1000' }
  await app.appContext(async () => {
    await resetDatabase(app)
    const test = await db.session.add(User, { username: 'test', password: await generatePasswordHash('test', fast) })
    await db.session.add(User, { username: 'other', password: await generatePasswordHash('other', fast) })
    await db.execute('INSERT INTO post (title, body, author_id, created) VALUES (:title, :body, :author, :created)', {
      title: 'test title',
      body: 'test\nbody',
      author: test.id,
      created: '2018-01-01 00:00:00',
    })
    await db.session.commit()
  })
  const client = app.testClient()
  return {
    app,
    client,
    url: database.url,
    query: <T>(sql: string, args?: unknown[] | Record<string, unknown>) =>
      app.appContext(async () => {
        const { rows } = await db.execute<T>(sql, args)
        await db.session.commit()
        return rows
      }),
    login: (username = 'test', password = 'test', { remember, next }: { remember?: boolean; next?: string } = {}) =>
      client.post('/auth/login', { form: { username, password, ...(remember ? { remember: 'on' } : {}) }, ...(next === undefined ? {} : { query: { next } }) }),
    cli: (...args: string[]) => app.testCliRunner().invoke(args),
    logout: () => client.get('/auth/logout'),
    async cleanup() {
      await db.close(app)
      await database.drop()
    },
  }
}
