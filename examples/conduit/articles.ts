/**
 * Articles: the global list (filtered by tag, author or favouriting user),
 * the feed of followed authors, one article, create, update, delete, and
 * favourites (RealWorld's `/articles…`).
 */
import { abort } from 'phial'
import { Blueprint, Resource } from 'phial/rest'
import { IntegrityError } from 'phial/sql'
import { OPTIONAL_TOKEN, TOKEN, authOptional, authRequired, currentConduitUser, viewer } from './auth.ts'
import { db } from './db.ts'
import { ConduitArticle, ConduitArticleTag, ConduitFavorite, ConduitTag, type ConduitUser } from './models.ts'
import { ArticlesQuery, FeedQuery, MultipleArticlesResponse, NewArticleRequest, SingleArticleResponse, UpdateArticleRequest } from './schemas.ts'
import { articlesJson } from './serialize.ts'
import { slugify, suffixedSlug } from './slugs.ts'

/** `/articles…`: articles, the feed, favourites, and (comments.ts) comments. */
export const articles = new Blueprint('articles', { urlPrefix: '/articles', tags: ['Articles'], description: 'Articles, the feed and favourites' })

// statuses without a schema are errors in the Api's format (GenericErrorModel)
const errors = { 401: null, 422: null }

interface ListFilters {
  tag?: string | undefined
  author?: string | undefined
  favorited?: string | undefined
  feedOf?: ConduitUser
  limit: number
  offset: number
}

/** A page of articles, newest first, with the total: two queries (and four more to serialize the page). */
export async function listArticles(filters: ListFilters) {
  const qb = (await db.session.read(ConduitArticle)).createQueryBuilder('article').innerJoinAndSelect('article.author', 'author')
  if (filters.tag !== undefined) {
    qb.andWhere('article.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name = :tag)', { tag: filters.tag })
  }
  if (filters.author !== undefined) qb.andWhere('author.username = :author', { author: filters.author })
  if (filters.favorited !== undefined) {
    qb.andWhere('article.id IN (SELECT f.article_id FROM favorites f JOIN users u ON u.id = f.user_id WHERE u.username = :favorited)', { favorited: filters.favorited })
  }
  if (filters.feedOf !== undefined) {
    qb.andWhere('article.authorId IN (SELECT fo.followed_id FROM follows fo WHERE fo.follower_id = :me)', { me: filters.feedOf.id })
  }
  const [rows, total] = await qb.orderBy('article.createdAt', 'DESC').addOrderBy('article.id', 'DESC').offset(filters.offset).limit(filters.limit).getManyAndCount()
  return { articles: await articlesJson(rows, viewer()), articlesCount: total }
}

/** The article with this slug and its author, or a 404. @example const article = await articleOr404('how-to-train-your-dragon') */
export function articleOr404(slug: string) {
  return db.session.firstOr404(ConduitArticle, { where: { slug }, relations: { author: true }, description: 'article not found' })
}

/** The article, refusing (403) anyone but its author. */
async function ownArticleOr403(slug: string) {
  const article = await articleOr404(slug)
  if (article.authorId !== currentConduitUser().id) abort(403, 'only the author may change this article')
  return article
}

/** `{ article }` for one row, with the viewer's `favorited` and `following`. */
async function articleBody(article: Awaited<ReturnType<typeof articleOr404>>) {
  const [json] = await articlesJson([article], viewer())
  return { article: json! }
}

/** Sets an article's tags, in the given order (duplicates dropped), creating the tags that are new. */
async function setTags(articleId: number, names: readonly string[]): Promise<void> {
  const unique = [...new Set(names)]
  if (unique.length === 0) return
  const existing = await db.session.find(ConduitTag, { where: unique.map((name) => ({ name })) })
  const ids = new Map(existing.map((t) => [t.name, t.id]))
  for (const name of unique) if (!ids.has(name)) ids.set(name, (await db.session.add(ConduitTag, { name })).id)
  for (const [position, name] of unique.entries()) await db.session.add(ConduitArticleTag, { articleId, tagId: ids.get(name)!, position })
}

/** Inserts or updates with a unique slug: the plain slug first, a suffixed one when it is taken. */
async function withUniqueSlug<T>(title: string, write: (slug: string) => Promise<T>): Promise<T> {
  const plain = slugify(title)
  const taken = (await db.session.count(ConduitArticle, { where: { slug: plain } })) > 0
  try {
    return await write(taken ? suffixedSlug(title) : plain)
  } catch (err) {
    // another request took the slug between the check and the write
    if (!(err instanceof IntegrityError && err.kind === 'unique')) throw err
    await db.session.rollback()
    return write(suffixedSlug(title))
  }
}

class Articles extends Resource {
  static override methodDecorators = { get: [authOptional], post: [authRequired] }

  get = this.validate(
    { query: ArticlesQuery, responses: { 200: MultipleArticlesResponse, ...errors }, operationId: 'GetArticles', summary: 'Get recent articles globally', security: OPTIONAL_TOKEN },
    ({ query }) => listArticles(query),
  )

  post = this.validate(
    { body: NewArticleRequest, responses: { 201: SingleArticleResponse, ...errors }, unknown: 'strip', operationId: 'CreateArticle', summary: 'Create an article', security: TOKEN },
    async ({ body: { article } }) => {
      const me = currentConduitUser()
      const now = new Date()
      const created = await withUniqueSlug(article.title, async (slug) => {
        const row = await db.session.add(ConduitArticle, { slug, title: article.title, description: article.description, body: article.body, authorId: me.id, createdAt: now, updatedAt: now })
        await setTags(row.id, article.tagList ?? [])
        return row
      })
      await db.session.commit()
      return articleBody({ ...created, author: me })
    },
  )
}

class Feed extends Resource {
  static override methodDecorators = [authRequired]

  get = this.validate(
    { query: FeedQuery, responses: { 200: MultipleArticlesResponse, ...errors }, operationId: 'GetArticlesFeed', summary: 'Get recent articles from users you follow', security: TOKEN },
    ({ query }) => listArticles({ ...query, feedOf: currentConduitUser() }),
  )
}

class Article extends Resource<'/<slug>'> {
  static override methodDecorators = { get: [authOptional], put: [authRequired], delete: [authRequired] }

  get = this.validate(
    { responses: { 200: SingleArticleResponse, 422: null }, operationId: 'GetArticle', summary: 'Get an article', security: OPTIONAL_TOKEN },
    async ({ path }) => articleBody(await articleOr404(path.slug)),
  )

  put = this.validate(
    { body: UpdateArticleRequest, responses: { 200: SingleArticleResponse, ...errors }, unknown: 'strip', operationId: 'UpdateArticle', summary: 'Update an article', security: TOKEN },
    async ({ path, body: { article: changes } }) => {
      const article = await ownArticleOr403(path.slug)
      const values: Partial<ConduitArticle> = { updatedAt: new Date() }
      if (changes.description !== undefined) values.description = changes.description
      if (changes.body !== undefined) values.body = changes.body
      const write = async (slug?: string) => {
        await db.session.update(ConduitArticle, { id: article.id }, slug === undefined ? values : { ...values, title: changes.title, slug })
        return slug
      }
      // a new title gives a new slug (the old URL stops working, as in the reference implementations)
      const retitled = changes.title !== undefined && changes.title !== article.title
      const slug = retitled ? await withUniqueSlug(changes.title!, write) : await write()
      await db.session.commit()
      return articleBody({ ...article, ...values, ...(retitled ? { title: changes.title!, slug: slug! } : {}) })
    },
  )

  delete = this.validate(
    { responses: { 200: null, ...errors }, operationId: 'DeleteArticle', summary: 'Delete an article', security: TOKEN },
    async ({ path }) => {
      const article = await ownArticleOr403(path.slug)
      await db.session.delete(ConduitArticle, { id: article.id })
      await db.session.commit()
      // 200 is declared without a body: an empty response, as the spec says
    },
  )
}

class Favorite extends Resource<'/<slug>/favorite'> {
  static override methodDecorators = [authRequired]

  post = this.validate(
    { responses: { 200: SingleArticleResponse, ...errors }, operationId: 'CreateArticleFavorite', summary: 'Favorite an article', tags: ['Favorites'], security: TOKEN },
    async ({ path }) => {
      const article = await articleOr404(path.slug)
      const me = currentConduitUser()
      if ((await db.session.count(ConduitFavorite, { where: { userId: me.id, articleId: article.id } })) === 0) {
        try {
          await db.session.add(ConduitFavorite, { userId: me.id, articleId: article.id })
          await db.session.commit()
        } catch (err) {
          // the same user favouriting twice at once: already done
          if (!(err instanceof IntegrityError && err.kind === 'unique')) throw err
          await db.session.rollback()
        }
      }
      return articleBody(article)
    },
  )

  delete = this.validate(
    { responses: { 200: SingleArticleResponse, ...errors }, operationId: 'DeleteArticleFavorite', summary: 'Unfavorite an article', tags: ['Favorites'], security: TOKEN },
    async ({ path }) => {
      const article = await articleOr404(path.slug)
      await db.session.delete(ConduitFavorite, { userId: currentConduitUser().id, articleId: article.id })
      await db.session.commit()
      return articleBody(article)
    },
  )
}

articles.addResource(Articles, '', { endpoint: 'articles' })
articles.addResource(Feed, '/feed', { endpoint: 'feed' })
articles.addResource(Article, '/<slug>', { endpoint: 'article' })
articles.addResource(Favorite, '/<slug>/favorite', { endpoint: 'favorite' })
