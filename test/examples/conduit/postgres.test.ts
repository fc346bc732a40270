/**
 * The Conduit suite again, on PostgreSQL: the same app code with
 * DATABASE_URL=postgres://…, each test in a schema of its own. Skipped with
 * a printed reason when the server is absent; a failure under
 * PHIAL_REQUIRE_SERVICES=1.
 */
import { describe, it } from 'vitest'
import { POSTGRES_URL, postgresMissing, requireServices } from './services.ts'

const missing = await postgresMissing()
if (missing && !requireServices) {
  console.warn(`[skip] Conduit on PostgreSQL: ${missing}`)
  describe.skip('Conduit on PostgreSQL', () => it('needs PostgreSQL', () => {}))
} else {
  if (missing) throw new Error(`Conduit's PostgreSQL tests are required here (PHIAL_REQUIRE_SERVICES=1) but ${missing}`)
  process.env.DATABASE_URL = POSTGRES_URL
  await describe('Conduit on PostgreSQL', async () => {
    await import('./users.test.ts')
    await import('./profiles.test.ts')
    await import('./articles.test.ts')
    await import('./comments.test.ts')
    await import('./queries.test.ts')
    await import('./cli.test.ts')
  })
}
