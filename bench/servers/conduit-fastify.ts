/**
 * The Conduit benchmark in Fastify + TypeORM (the SQL layer under phial/sql),
 * written as their docs do it: EntitySchemas on a DataSource, the query
 * builder for the list, jose for the token, node:crypto's scrypt for the
 * password, @fastify/cors as the example has phial/cors. It serves the two
 * benchmarked endpoints with the same answers:
 * GET /api/articles (anonymous: 20 newest, authors, tags, favourite counts)
 * and POST /api/users/login. As the spec and examples/conduit have it, the
 * list validates its query (a JSON schema, Fastify's way: limit, offset and
 * the tag/author/favorited filters), and its auth is optional: a token makes
 * `favorited` and `following` the viewer's, a bad one is a 401 — an
 * anonymous request (the benchmark's) only looks for the header.
 */
import { scrypt, timingSafeEqual } from 'node:crypto'
import fastifyCors from '@fastify/cors'
import Fastify from 'fastify'
import { SignJWT, jwtVerify } from 'jose'
import { DataSource, EntitySchema } from 'typeorm'
import { conduitUrl } from './conduit-shared.ts'

const { url, dialect, file, schema } = conduitUrl()
const dateType = dialect === 'postgres' ? 'timestamp' : 'datetime'

interface UserRow { id: number; username: string; email: string; passwordHash: string; bio: string | null; image: string | null }
interface ArticleRow { id: number; slug: string; title: string; description: string; body: string; authorId: number; createdAt: Date; updatedAt: Date; author?: UserRow }

const User = new EntitySchema<UserRow>({
  name: 'User', tableName: 'users',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    username: { type: 'varchar' }, email: { type: 'varchar' }, passwordHash: { type: 'text', name: 'password_hash' },
    bio: { type: 'text', nullable: true }, image: { type: 'varchar', nullable: true },
  },
})
const Article = new EntitySchema<ArticleRow>({
  name: 'Article', tableName: 'articles',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    slug: { type: 'varchar' }, title: { type: 'varchar' }, description: { type: 'text' }, body: { type: 'text' },
    authorId: { type: 'integer', name: 'author_id' },
    createdAt: { type: dateType, name: 'created_at' }, updatedAt: { type: dateType, name: 'updated_at' },
  },
  relations: { author: { type: 'many-to-one', target: 'User', joinColumn: { name: 'author_id' } } },
})

const dataSource = new DataSource(
  dialect === 'sqlite'
    ? { type: 'better-sqlite3', database: file!, enableWAL: true, entities: [User, Article] }
    : { type: 'postgres', url, ...(schema && { schema, extra: { options: `-c search_path=${schema}` } }), entities: [User, Article] },
)
await dataSource.initialize()
const users = dataSource.getRepository(User)
const articles = dataSource.getRepository(Article)
const secret = new TextEncoder().encode(process.env.BENCH_CONDUIT_SECRET ?? 'conduit-development-secret-change-me-in-production')

/** Checks a Werkzeug-format scrypt hash (`scrypt:N:r:p$salt$hex`), as the Conduit app writes them. */
function checkPassword(stored: string, password: string): Promise<boolean> {
  const [method, salt, hex] = stored.split('$') as [string, string, string]
  const [, n, r, p] = method.split(':').map(Number) as [number, number, number, number]
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 64, { N: n, r, p, maxmem: 132 * n * r * p + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(timingSafeEqual(key, Buffer.from(hex, 'hex'))))),
  )
}

const app = Fastify({ logger: false })
// CORS open to front ends, as examples/conduit has it (phial/cors, CORS_ORIGINS '*': the request's origin reflected, Vary: Origin)
await app.register(fastifyCors, { origin: true })

const inList = (n: number, from = 1): string => Array.from({ length: n }, (_, i) => (dialect === 'postgres' ? `$${i + from}` : '?')).join(', ')

/** The user of the request's `Authorization: Token <jwt>`, null without one; a bad token is a 401 (as phial/login's optional check). */
async function viewerOf(authorization: string | undefined): Promise<UserRow | null> {
  if (authorization === undefined) return null
  const [scheme, token] = authorization.trim().split(/\s+/)
  if (scheme?.toLowerCase() !== 'token' || token === undefined) throw Object.assign(new Error("Bad Authorization header. Expected 'Authorization: Token <JWT>'"), { statusCode: 401 })
  const { payload } = await jwtVerify(token, secret).catch(() => { throw Object.assign(new Error('Invalid token'), { statusCode: 401 }) })
  const user = await users.findOneBy({ id: Number(payload.sub) })
  if (user === null) throw Object.assign(new Error(`Error loading the user ${payload.sub}`), { statusCode: 401 })
  return user
}

interface ListQuery { tag?: string; author?: string; favorited?: string; limit: number; offset: number }
const listQuery = {
  type: 'object',
  properties: {
    tag: { type: 'string' }, author: { type: 'string' }, favorited: { type: 'string' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, offset: { type: 'integer', minimum: 0, default: 0 },
  },
} as const

app.get<{ Querystring: ListQuery }>('/api/articles', { schema: { querystring: listQuery } }, async (req) => {
  const viewer = await viewerOf(req.headers.authorization)
  const { tag, author, favorited, limit, offset } = req.query
  const qb = articles.createQueryBuilder('article').innerJoinAndSelect('article.author', 'author')
  if (tag !== undefined) qb.andWhere('article.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name = :tag)', { tag })
  if (author !== undefined) qb.andWhere('author.username = :author', { author })
  if (favorited !== undefined) qb.andWhere('article.id IN (SELECT f.article_id FROM favorites f JOIN users u ON u.id = f.user_id WHERE u.username = :favorited)', { favorited })
  const [rows, total] = await qb.orderBy('article.createdAt', 'DESC').addOrderBy('article.id', 'DESC').offset(offset).limit(limit).getManyAndCount()
  const ids = rows.map((a) => a.id)
  const tags: Array<{ article_id: number; name: string }> = ids.length === 0 ? [] : await dataSource.query(
    `SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id IN (${inList(ids.length)}) ORDER BY at.article_id, at.position`, ids)
  const counts: Array<{ article_id: number; n: number | string }> = ids.length === 0 ? [] : await dataSource.query(
    `SELECT article_id, COUNT(*) AS n FROM favorites WHERE article_id IN (${inList(ids.length)}) GROUP BY article_id`, ids)
  // the viewer's favourites and follows (none for an anonymous request)
  const mine: Array<{ article_id: number }> = viewer === null || ids.length === 0 ? [] : await dataSource.query(
    `SELECT article_id FROM favorites WHERE user_id = ${dialect === 'postgres' ? '$1' : '?'} AND article_id IN (${inList(ids.length, 2)})`, [viewer.id, ...ids])
  const authorIds = [...new Set(rows.map((a) => a.authorId))].filter((id) => id !== viewer?.id)
  const follows: Array<{ followed_id: number }> = viewer === null || authorIds.length === 0 ? [] : await dataSource.query(
    `SELECT followed_id FROM follows WHERE follower_id = ${dialect === 'postgres' ? '$1' : '?'} AND followed_id IN (${inList(authorIds.length, 2)})`, [viewer.id, ...authorIds])
  const tagLists = new Map<number, string[]>()
  for (const t of tags) tagLists.set(Number(t.article_id), [...(tagLists.get(Number(t.article_id)) ?? []), t.name])
  const favourites = new Map(counts.map((c) => [Number(c.article_id), Number(c.n)]))
  const favouritedByViewer = new Set(mine.map((m) => Number(m.article_id)))
  const followed = new Set(follows.map((f) => Number(f.followed_id)))
  return {
    articles: rows.map((a) => ({
      slug: a.slug, title: a.title, description: a.description, body: a.body, tagList: tagLists.get(a.id) ?? [],
      createdAt: new Date(a.createdAt).toISOString(), updatedAt: new Date(a.updatedAt).toISOString(),
      favorited: favouritedByViewer.has(a.id), favoritesCount: favourites.get(a.id) ?? 0,
      author: { username: a.author!.username, bio: a.author!.bio, image: a.author!.image, following: followed.has(a.authorId) },
    })),
    articlesCount: total,
  }
})

app.post<{ Body: { user?: { email?: string; password?: string } } }>('/api/users/login', async (req, reply) => {
  const { email, password } = req.body?.user ?? {}
  if (typeof email !== 'string' || typeof password !== 'string') return reply.code(422).send({ errors: { body: ['email and password are required'] } })
  const user = await users.findOneBy({ email: email.toLowerCase() })
  if (user === null || !(await checkPassword(user.passwordHash, password))) return reply.code(401).send({ errors: { body: ['email or password is invalid'] } })
  const token = await new SignJWT({ type: 'access', fresh: false }).setProtectedHeader({ alg: 'HS256' }).setSubject(String(user.id))
    .setJti(crypto.randomUUID()).setIssuedAt().setNotBefore('0s').setExpirationTime('30d').sign(secret)
  return { user: { email: user.email, token, username: user.username, bio: user.bio, image: user.image } }
})

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) })
console.log('ready')
