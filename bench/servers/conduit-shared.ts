/**
 * What the Conduit benchmark's servers share: the database URL, the demo
 * user's credentials, and the seed (20+ articles with authors, tags and
 * favourites), written through the Conduit app so every server reads the
 * same migrated schema.
 */
export const LOGIN = { email: 'bench@example.com', password: 'bench-password' }
export const ARTICLES = 60
export const AUTHORS = 10

/** BENCH_CONDUIT_URL, default a SQLite file in /tmp. */
export function conduitUrl(): { url: string; dialect: 'sqlite' | 'postgres'; file: string | null; schema: string | null } {
  const url = process.env.BENCH_CONDUIT_URL ?? 'sqlite:////tmp/phial-bench-conduit.sqlite'
  if (url.startsWith('sqlite:')) return { url, dialect: 'sqlite', file: url.slice('sqlite:///'.length), schema: null }
  return { url, dialect: 'postgres', file: null, schema: new URL(url).searchParams.get('schema') }
}
