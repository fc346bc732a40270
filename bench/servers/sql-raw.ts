/**
 * The SQL benchmark on the raw driver (better-sqlite3 or pg) and node:http:
 * the floor the two frameworks are measured against.
 */
import { createServer } from 'node:http'
import { benchUrl, PAGE, type ListedPostJson, type PostJson } from './sql-shared.ts'

const { url, dialect, file, schema } = benchUrl()
type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>
let query: Query
if (dialect === 'sqlite') {
  const { default: Database } = await import('better-sqlite3')
  const conn = new Database(file!)
  conn.pragma('journal_mode = WAL')
  const cache = new Map<string, ReturnType<typeof conn.prepare>>()
  query = async (sql, params) => {
    let stmt = cache.get(sql)
    if (!stmt) cache.set(sql, (stmt = conn.prepare(sql)))
    return stmt.all(params) as Record<string, unknown>[]  // an array binds the ? parameters in order
  }
} else {
  const { default: pg } = await import('pg')
  const pool = new pg.Pool({ connectionString: url.replace(/[?&]schema=[^&]*/, ''), max: 10, ...(schema && { options: `-c search_path=${schema}` }) })
  query = async (sql, params) => (await pool.query(sql.replace(/\?/g, (() => { let n = 0; return () => `$${++n}` })()), params)).rows
}

const ONE = 'SELECT id, title, body, author_id FROM post WHERE id = ?'
const LIST = `SELECT p.id, p.title, u.id AS uid, u.username FROM post p JOIN "user" u ON u.id = p.author_id ORDER BY p.id LIMIT ${PAGE} OFFSET ?`

createServer(async (req, res) => {
  const u = new URL(req.url!, 'http://x')
  const send = (status: number, body: unknown): void => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }
  const one = /^\/post\/(\d+)$/.exec(u.pathname)
  if (one) {
    const [r] = await query(ONE, [Number(one[1])])
    if (!r) return send(404, { error: 'not found' })
    const out: PostJson = { id: Number(r.id), title: String(r.title), body: String(r.body), authorId: Number(r.author_id) }
    return send(200, out)
  }
  if (u.pathname === '/posts') {
    const list = await query(LIST, [Number(u.searchParams.get('offset') ?? 0)])
    return send(200, list.map((r): ListedPostJson => ({ id: Number(r.id), title: String(r.title), author: { id: Number(r.uid), username: String(r.username) } })))
  }
  send(404, { error: 'not found' })
}).listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => console.log('ready'))
