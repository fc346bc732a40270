/**
 * The SQL benchmark in Fastify + TypeORM, written as TypeORM's docs do it
 * (an EntitySchema, repositories on the DataSource, no explicit transaction),
 * with the same SQL as Phial's (the relation declared as required, as its column is).
 */
import Fastify from 'fastify'
import { DataSource, EntitySchema } from 'typeorm'
import { benchUrl, PAGE, type ListedPostJson, type PostJson } from './sql-shared.ts'

interface UserRow { id: number; username: string }
interface PostRow { id: number; title: string; body: string; authorId: number; author?: UserRow }

const UserSchema = new EntitySchema<UserRow>({
  name: 'User', tableName: 'user',
  columns: { id: { type: 'integer', primary: true, generated: 'increment' }, username: { type: 'varchar', length: 80 } },
})
const PostSchema = new EntitySchema<PostRow>({
  name: 'Post', tableName: 'post',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    title: { type: 'varchar', length: 200 },
    body: { type: 'text' },
    authorId: { type: 'integer', name: 'author_id' },
  },
  // nullable: false, as author_id is NOT NULL (what phial/sql declares for this model): TypeORM then joins
  // with INNER JOIN, as it does for Phial — without it, a LEFT JOIN that PostgreSQL can drop from the
  // pagination subquery, so the two peers would not run the same SQL
  relations: { author: { type: 'many-to-one', target: 'User', joinColumn: { name: 'author_id' }, nullable: false } },
})

const { url, dialect, file, schema } = benchUrl()
const dataSource = new DataSource(
  dialect === 'sqlite'
    ? { type: 'better-sqlite3', database: file!, enableWAL: true, entities: [UserSchema, PostSchema] }
    : { type: 'postgres', url, ...(schema && { schema, extra: { options: `-c search_path=${schema}` } }), entities: [UserSchema, PostSchema] },
)
await dataSource.initialize()
const posts = dataSource.getRepository(PostSchema)

const app = Fastify({ logger: false })
app.get<{ Params: { id: string } }>('/post/:id', async (req, reply) => {
  const p = await posts.findOneBy({ id: Number(req.params.id) })
  if (p === null) return reply.code(404).send({ error: 'not found' })
  const out: PostJson = { id: p.id, title: p.title, body: p.body, authorId: p.authorId }
  return out
})
app.get<{ Querystring: { offset?: string } }>('/posts', async (req) => {
  const list = await posts.find({ relations: { author: true }, order: { id: 'ASC' }, skip: Number(req.query.offset ?? 0), take: PAGE })
  return list.map((p): ListedPostJson => ({ id: p.id, title: p.title, author: { id: p.author!.id, username: p.author!.username } }))
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) })
console.log('ready')
