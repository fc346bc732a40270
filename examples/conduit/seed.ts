/**
 * `phial --app examples/conduit/app.ts db seed`: demo data for a front end
 * to show — three users who follow each other, articles with tags,
 * favourites and comments. Does nothing when users exist already.
 */
import { db } from './db.ts'
import { ConduitArticle, ConduitArticleTag, ConduitComment, ConduitFavorite, ConduitFollow, ConduitTag, ConduitUser } from './models.ts'
import { hashPassword } from './users.ts'
import { slugify } from './slugs.ts'

const USERS = [
  { username: 'jake', email: 'jake@jake.jake', bio: 'I work at statefarm', image: 'https://api.realworld.io/images/smiley-cyrus.jpeg' },
  { username: 'ada', email: 'ada@example.com', bio: 'Analytical engines', image: null },
  { username: 'grace', email: 'grace@example.com', bio: null, image: null },
]

const ARTICLES = [
  { author: 0, title: 'How to train your dragon', description: 'Ever wonder how?', body: 'You have to believe.', tags: ['dragons', 'training'] },
  { author: 1, title: 'Notes on the Analytical Engine', description: 'Note G', body: 'The engine weaves algebraic patterns.', tags: ['history', 'computing'] },
  { author: 2, title: 'Finding the first bug', description: 'A moth in relay 70', body: 'First actual case of bug being found.', tags: ['computing', 'debugging'] },
]

/**
 * Adds the demo data (password `password` for every user) in the current
 * app context; returns what it did.
 *
 * @example
 * ```ts
 * await app.appContext(() => seed())
 * ```
 */
export async function seed(): Promise<string> {
  if ((await db.session.count(ConduitUser)) > 0) return 'The database has users already: nothing seeded.'
  const passwordHash = await hashPassword('password')
  const users: ConduitUser[] = []
  for (const u of USERS) users.push(await db.session.add(ConduitUser, { ...u, passwordHash }))
  for (const [a, b] of [[0, 1], [1, 2], [2, 0]] as const) await db.session.add(ConduitFollow, { followerId: users[a]!.id, followedId: users[b]!.id })
  const tags = new Map<string, number>()
  for (const [i, a] of ARTICLES.entries()) {
    const when = new Date(Date.UTC(2026, 0, 1 + i))
    const article = await db.session.add(ConduitArticle, { slug: slugify(a.title), title: a.title, description: a.description, body: a.body, authorId: users[a.author]!.id, createdAt: when, updatedAt: when })
    for (const [position, name] of a.tags.entries()) {
      if (!tags.has(name)) tags.set(name, (await db.session.add(ConduitTag, { name })).id)
      await db.session.add(ConduitArticleTag, { articleId: article.id, tagId: tags.get(name)!, position })
    }
    await db.session.add(ConduitFavorite, { userId: users[(i + 1) % users.length]!.id, articleId: article.id })
    await db.session.add(ConduitComment, { body: 'Thank you for writing this.', articleId: article.id, authorId: users[(i + 2) % users.length]!.id, createdAt: when, updatedAt: when })
  }
  await db.session.commit()
  return `Seeded ${users.length} users (password 'password') and ${ARTICLES.length} articles.`
}
