/**
 * phial/sql's session against TypeORM alone, in process (no HTTP): a
 * primary-key read (`db.getOr404` in a request context against
 * `repository.findOneBy`), a 20-row page with its relation (`db.session.find`
 * against `repository.find`) and the same page with its total (`db.paginate`
 * against `repository.find` + `count`: the same three statements), on the SQLite
 * file bench/sql.ts seeds. CPU µs per call (process.cpuUsage), batches
 * interleaved; the steadiest figure on a shared machine.
 *
 *   npx tsx --conditions=source bench/sql.ts --check    # seeds the file once
 *   node24 --import tsx --conditions=source bench/sql-micro.ts [pk|list|page] [calls per batch]
 *
 * On another Node than the tree's, load better-sqlite3 built for it as
 * bench/sql.ts does (the `--import` that nativeAddonArgs in
 * bench/lib/node-runtime.ts gives).
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Phial } from 'phial'
import { column, manyToOne, SQL } from 'phial/sql'
import { DataSource, EntitySchema } from 'typeorm'
import { PAGE, POSTS } from './servers/sql-shared.ts'

const FILE = join(tmpdir(), 'phial-bench-sql.sqlite')
const [mode = 'pk', callsArg = '5000'] = process.argv.slice(2)
const CALLS = Number(callsArg)

const db = new SQL()
db.defineModel('User', { id: column.id(), username: column.string({ length: 80 }) })
const Post = db.defineModel('Post', { id: column.id(), title: column.string({ length: 200 }), body: column.text(), authorId: column.integer({ name: 'author_id' }) }, { relations: { author: manyToOne('User', { column: 'authorId' }) } })
const app = new Phial(import.meta.url, { name: 'sql-micro' })
app.config.fromMapping({ DATABASE_URL: `sqlite:///${FILE}`, LOG_LEVEL: 'silent', SQLALCHEMY_RECORD_QUERIES: false })
db.initApp(app)
await app.appContext(() => db.engine())

interface UserRow { id: number; username: string }
interface PostRow { id: number; title: string; body: string; authorId: number; author?: UserRow }

// the same tables for TypeORM alone, as bench/servers/sql-fastify.ts declares them
const UserSchema = new EntitySchema<UserRow>({ name: 'User', tableName: 'user', columns: { id: { type: 'integer', primary: true, generated: 'increment' }, username: { type: 'varchar', length: 80 } } })
const PostSchema = new EntitySchema<PostRow>({
  name: 'Post', tableName: 'post',
  columns: { id: { type: 'integer', primary: true, generated: 'increment' }, title: { type: 'varchar', length: 200 }, body: { type: 'text' }, authorId: { type: 'integer', name: 'author_id' } },
  relations: { author: { type: 'many-to-one', target: 'User', joinColumn: { name: 'author_id' }, nullable: false } },
})
const dataSource = new DataSource({ type: 'better-sqlite3', database: FILE, enableWAL: true, entities: [UserSchema, PostSchema] })
await dataSource.initialize()
const posts = dataSource.getRepository(PostSchema)

const request = { method: 'GET', url: '/', headers: {} }
const page = (i: number) => ({ relations: { author: true }, order: { id: 'ASC' as const }, skip: (i % 20) * PAGE * 3, take: PAGE })
const sides: Record<string, Record<string, (i: number) => Promise<unknown>>> = {
  pk: { phial: (i) => app.requestContext(request, () => db.getOr404(Post, (i % POSTS) + 1)), typeorm: (i) => posts.findOneBy({ id: (i % POSTS) + 1 }) },
  list: { phial: (i) => app.requestContext(request, () => db.session.find(Post, page(i))), typeorm: (i) => posts.find(page(i)) },
  page: {
    phial: (i) => app.requestContext(request, () => db.paginate(Post, { relations: { author: true }, order: { id: 'ASC' }, page: (i % 20) * 3 + 1, perPage: PAGE })),
    // paginate's statements: the page (two) and a count without the join (findAndCount would count through it)
    typeorm: async (i) => [await posts.find(page(i)), await posts.count()],
  },
}
const side = sides[mode]
if (side === undefined) throw new Error(`mode ${mode}: give pk, list or page`)

const results: Record<string, number[]> = { phial: [], typeorm: [] }
for (let batch = 0; batch < 7; batch++) {
  for (const [name, call] of Object.entries(side)) {
    const t0 = process.cpuUsage()
    for (let i = 0; i < CALLS; i++) await call(i)
    const t = process.cpuUsage(t0)
    results[name]!.push((t.user + t.system) / CALLS)
  }
}
console.log(`${mode}, ${CALLS} calls per batch, Node ${process.version}; CPU µs per call, the first batch (warm-up) left out`)
for (const [side, xs] of Object.entries(results)) {
  const kept = xs.slice(1).sort((a, b) => a - b)
  console.log(`${side.padEnd(8)} min ${kept[0]!.toFixed(1)}  median ${kept[kept.length >> 1]!.toFixed(1)}`)
}
await dataSource.destroy()
process.exit(0)
