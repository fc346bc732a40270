/**
 * The SQL benchmark in Phial + phial/sql: a post by primary key, and a page of
 * 20 posts with their authors — as a Flask-SQLAlchemy app would write them.
 */
import { Phial, request } from 'phial'
import { column, manyToOne, SQL } from 'phial/sql'
import { benchUrl, PAGE, type ListedPostJson, type PostJson } from './sql-shared.ts'

const db = new SQL()
const User = db.defineModel('User', { id: column.id(), username: column.string({ length: 80 }) })
const Post = db.defineModel('Post', {
  id: column.id(),
  title: column.string({ length: 200 }),
  body: column.text(),
  authorId: column.integer({ name: 'author_id' }),
}, { relations: { author: manyToOne('User', { column: 'authorId' }) } })
void User

const app = new Phial(import.meta.url, { name: 'bench-sql' })
app.config.fromMapping({ DATABASE_URL: benchUrl().url, LOG_LEVEL: 'silent', ACCESS_LOG: false, SQLALCHEMY_RECORD_QUERIES: false })
db.initApp(app)

app.get('/post/<int:id>', async function post({ id }): Promise<PostJson> {
  const p = await db.getOr404(Post, id)
  return { id: p.id, title: p.title, body: p.body, authorId: p.authorId }
})

app.get('/posts', async function posts(): Promise<ListedPostJson[]> {
  const offset = Number(request.args.get('offset') ?? 0)
  const list = await db.session.find(Post, { relations: { author: true }, order: { id: 'ASC' }, skip: offset, take: PAGE })
  // A relation named by string ('User') is typed loosely by phial/sql, so the loaded author is narrowed here.
  return list.map((p) => {
    const author = p.author as unknown as { id: number; username: string }
    return { id: p.id, title: p.title, author: { id: author.id, username: author.username } }
  })
})

await app.appContext(() => db.engine())
await app.run({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000), announce: false })
console.log('ready')
