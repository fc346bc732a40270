/**
 * An app on a fresh, migrated database per test — a temporary SQLite file,
 * or (when DATABASE_URL points at PostgreSQL, as postgres.test.ts sets it) a
 * schema of its own — and helpers that speak the RealWorld API.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Phial, TestClient, TestResponse } from 'phial'
import { createApp } from '../../../examples/conduit/app.ts'
import { db, migrate } from '../../../examples/conduit/db.ts'

export interface ConduitFixture {
  app: Phial
  client: TestClient
  /** Which database: 'sqlite' or 'postgres'. */
  dialect: 'sqlite' | 'postgres'
  /** Registers a user (password `password`) and returns its token. */
  register(username: string): Promise<string>
  /** `{ headers: { Authorization: 'Token …' } }` for a token. */
  auth(token: string): { headers: Record<string, string> }
  /** Creates an article as the token's user; returns its JSON. */
  article(token: string, fields?: Record<string, unknown>): Promise<Record<string, any>>
  /** The statements the last request ran. */
  lastQueries(): string[]
  cleanup(): Promise<void>
}

async function database(): Promise<{ url: string; dialect: 'sqlite' | 'postgres'; drop(): Promise<void> }> {
  const server = process.env.DATABASE_URL
  if (server && /^postgres(ql)?:/.test(server)) {
    const { default: pg } = await import('pg')
    const schema = `conduit_${randomBytes(5).toString('hex')}`
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
    return { url: `${server}${server.includes('?') ? '&' : '?'}schema=${schema}`, dialect: 'postgres', drop: () => run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) }
  }
  const dir = mkdtempSync(join(tmpdir(), 'phial-conduit-'))
  return { url: `sqlite:///${join(dir, 'conduit.sqlite')}`, dialect: 'sqlite', drop: async () => rmSync(dir, { recursive: true, force: true }) }
}

/** Builds the app on a new database migrated to the head; call `cleanup()` after. */
export async function conduitFixture(config: Record<string, unknown> = {}): Promise<ConduitFixture> {
  const where = await database()
  const app = createApp({
    TESTING: true,
    DATABASE_URL: where.url,
    LOG_LEVEL: 'silent',
    PASSWORD_HASH_METHOD: 'pbkdf2:sha256:1000',
    ...config,
  })
  await app.appContext(() => migrate.upgrade())
  let queries: string[] = []
  app.afterRequest((response, ctx) => {
    queries = db.getRecordedQueries(ctx).map((q) => q.statement)
    return response
  })
  const client = app.testClient()
  const auth = (token: string) => ({ headers: { Authorization: `Token ${token}` } })
  return {
    app,
    client,
    dialect: where.dialect,
    auth,
    async register(username) {
      const res = await client.post('/api/users', { json: { user: { username, email: `${username}@example.com`, password: 'password' } } })
      if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${res.text}`)
      return res.json.user.token as string
    },
    async article(token, fields = {}) {
      const article = { title: 'How to train your dragon', description: 'Ever wonder how?', body: 'You have to believe', tagList: ['dragons', 'training'], ...fields }
      const res: TestResponse = await client.post('/api/articles', { json: { article }, ...auth(token) })
      if (res.status !== 201) throw new Error(`create article: ${res.status} ${res.text}`)
      return res.json.article
    },
    lastQueries: () => queries,
    async cleanup() {
      await db.close(app)
      await where.drop()
    },
  }
}
