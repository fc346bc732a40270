/**
 * Rows to RealWorld JSON. A page of articles costs a fixed number of
 * queries whatever its size — tags, favourite counts, the viewer's
 * favourites and follows are each loaded once for the whole page (no N+1).
 */
import { db } from './db.ts'
import type { ConduitArticle, ConduitComment, ConduitUser } from './models.ts'
import type { z } from 'zod'
import type { Article, Comment, Profile } from './schemas.ts'

type ArticleJson = z.infer<typeof Article>
type CommentJson = z.infer<typeof Comment>
type ProfileJson = z.infer<typeof Profile>
type WithAuthor<T> = T & { author?: ConduitUser | null }

/**
 * `IN (:p0, :p1, …)` with its bound parameters (values never enter the SQL).
 *
 * @example
 * ```ts
 * const [list, params] = inList('id', [3, 5])   // ['(:id0, :id1)', { id0: 3, id1: 5 }]
 * ```
 */
export function inList(prefix: string, values: readonly number[]): [string, Record<string, number>] {
  const params: Record<string, number> = {}
  values.forEach((v, i) => (params[`${prefix}${i}`] = v))
  return [`(${values.map((_, i) => `:${prefix}${i}`).join(', ')})`, params]
}

/** The ids among `userIds` that `viewer` follows (one query; none without a viewer). @example await followedAmong(me, [2, 3]) */
export async function followedAmong(viewer: ConduitUser | null, userIds: readonly number[]): Promise<Set<number>> {
  const ids = [...new Set(userIds)].filter((id) => id !== viewer?.id)
  if (viewer === null || ids.length === 0) return new Set()
  const [list, params] = inList('u', ids)
  const { rows } = await db.execute<{ followed_id: number }>(
    `SELECT followed_id FROM follows WHERE follower_id = :me AND followed_id IN ${list}`,
    { me: viewer.id, ...params },
  )
  return new Set(rows.map((r) => Number(r.followed_id)))
}

/** A user as a RealWorld profile. @example profileOf(user, true) */
export function profileOf(user: ConduitUser, following: boolean): ProfileJson {
  return { username: user.username, bio: user.bio, image: user.image, following }
}

/** Article rows (with `author` loaded) as RealWorld articles, in the same order. @example await articlesJson(rows, me) */
export async function articlesJson(articles: ReadonlyArray<WithAuthor<ConduitArticle>>, viewer: ConduitUser | null): Promise<ArticleJson[]> {
  if (articles.length === 0) return []
  const [list, params] = inList('a', articles.map((a) => a.id))
  const tags = await db.execute<{ article_id: number; name: string }>(
    `SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id IN ${list} ORDER BY at.article_id, at.position`,
    params,
  )
  const counts = await db.execute<{ article_id: number; n: number | string }>(
    `SELECT article_id, COUNT(*) AS n FROM favorites WHERE article_id IN ${list} GROUP BY article_id`,
    params,
  )
  const mine = viewer === null
    ? { rows: [] as Array<{ article_id: number }> }
    : await db.execute<{ article_id: number }>(`SELECT article_id FROM favorites WHERE user_id = :me AND article_id IN ${list}`, { me: viewer.id, ...params })
  const following = await followedAmong(viewer, articles.map((a) => a.authorId))
  const tagLists = new Map<number, string[]>()
  for (const r of tags.rows) {
    const id = Number(r.article_id)
    const names = tagLists.get(id) ?? []
    names.push(r.name)
    tagLists.set(id, names)
  }
  const favoritesCount = new Map(counts.rows.map((r) => [Number(r.article_id), Number(r.n)]))
  const favorited = new Set(mine.rows.map((r) => Number(r.article_id)))
  return articles.map((a) => ({
    slug: a.slug,
    title: a.title,
    description: a.description,
    body: a.body,
    tagList: tagLists.get(a.id) ?? [],
    createdAt: new Date(a.createdAt).toISOString(),
    updatedAt: new Date(a.updatedAt).toISOString(),
    favorited: favorited.has(a.id),
    favoritesCount: favoritesCount.get(a.id) ?? 0,
    author: profileOf(a.author!, following.has(a.authorId)),
  }))
}

/** Comment rows (with `author` loaded) as RealWorld comments. @example await commentsJson(rows, me) */
export async function commentsJson(comments: ReadonlyArray<WithAuthor<ConduitComment>>, viewer: ConduitUser | null): Promise<CommentJson[]> {
  const following = await followedAmong(viewer, comments.map((c) => c.authorId))
  return comments.map((c) => ({
    id: c.id,
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
    body: c.body,
    author: profileOf(c.author!, following.has(c.authorId)),
  }))
}
