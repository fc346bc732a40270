/**
 * The data of the SQL benchmark (issue 13, item 7): 100 users and 2,000 posts,
 * the same rows for every server. `BENCH_SQL_URL` is a SQLite path
 * (`sqlite:////tmp/x.sqlite`) or a PostgreSQL URL (`postgres://…?schema=…`).
 */
export const USERS = 100
export const POSTS = 2000
export const PAGE = 20

/** The URL the servers read, and its dialect. */
export function benchUrl(): { url: string; dialect: 'sqlite' | 'postgres'; file: string | null; schema: string | null } {
  const url = process.env.BENCH_SQL_URL ?? 'sqlite:////tmp/phial-bench-sql.sqlite'
  if (url.startsWith('sqlite:')) return { url, dialect: 'sqlite', file: url.slice('sqlite:///'.length), schema: null }
  return { url, dialect: 'postgres', file: null, schema: new URL(url).searchParams.get('schema') }
}

/** The rows, as plain values (created is fixed so every server answers the same). */
export function rows(): { users: Array<[number, string]>; posts: Array<[number, string, string, number]> } {
  const users = Array.from({ length: USERS }, (_, i) => [i + 1, `user${i + 1}`] as [number, string])
  const posts = Array.from({ length: POSTS }, (_, i) => [i + 1, `Post ${i + 1}`, `Body of post ${i + 1}. `.repeat(5), (i % USERS) + 1] as [number, string, string, number])
  return { users, posts }
}

/** What every server answers for one post, and for a page of posts with their authors. */
export interface PostJson {
  id: number
  title: string
  body: string
  authorId: number
}
export interface ListedPostJson {
  id: number
  title: string
  author: { id: number; username: string }
}
