/**
 * Which databases the Conduit tests run on. SQLite always; PostgreSQL at
 * PHIAL_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test)
 * when it answers — each fixture in a schema of its own, so test files
 * running in parallel never share tables. An absent server skips with a
 * printed reason, and fails when PHIAL_REQUIRE_SERVICES=1.
 */
export const requireServices = process.env.PHIAL_REQUIRE_SERVICES === '1'
export const POSTGRES_URL = process.env.PHIAL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Null when PostgreSQL answers, else why not. */
export async function postgresMissing(): Promise<string | null> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (err) {
    return `PostgreSQL is not reachable at ${POSTGRES_URL} (${(err as Error).message})`
  } finally {
    await client.end().catch(() => undefined)
  }
}
