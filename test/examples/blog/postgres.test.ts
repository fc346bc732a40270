/**
 * The blog's tests again, on PostgreSQL (issue 13: the reference app runs on
 * both). Its fixtures put each test's data in a schema of its own on the
 * server at PHIAL_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).
 * Skipped with a reason when the server is absent; a failure under
 * PHIAL_REQUIRE_SERVICES=1. (With DATABASE_URL pointing at PostgreSQL, the
 * other blog test files run there too.)
 */
import { describe, it } from 'vitest'
import { POSTGRES_URL, requireServices } from '../../ext/sql/databases.ts'

async function reachable(): Promise<string | null> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    return null
  } catch (err) {
    return `PostgreSQL is not reachable at ${POSTGRES_URL} (${(err as Error).message})`
  } finally {
    await client.end().catch(() => undefined)
  }
}

const missing = await reachable()
if (missing && !requireServices) {
  console.warn(`[skip] the blog on PostgreSQL: ${missing}`)
  describe.skip('the blog on PostgreSQL', () => it('needs PostgreSQL', () => {}))
} else {
  if (missing) throw new Error(`The blog's PostgreSQL tests are required here (PHIAL_REQUIRE_SERVICES=1) but ${missing}`)
  process.env.DATABASE_URL = POSTGRES_URL
  await describe('the blog on PostgreSQL', async () => {
    await import('./auth.test.ts')
    await import('./blog.test.ts')
    await import('./pagination.test.ts')
    await import('./migrations.test.ts')
  })
}
