/**
 * Articles from the RealWorld spec: create (201, slug, tagList in the given
 * order), get, update (403 for another user, a new slug with a new title),
 * delete, favourite / unfavourite (`favorited`, `favoritesCount` for the
 * viewer), the list (newest first; tag, author and favorited filters;
 * limit/offset defaulting to 20/0) and the feed (auth required).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { conduitFixture, type ConduitFixture } from './fixtures.ts'

let f: ConduitFixture
let jake: string
let ada: string
beforeEach(async () => {
  f = await conduitFixture()
  jake = await f.register('jake')
  ada = await f.register('ada')
})
afterEach(() => f.cleanup())

const ISO = /^\d{4,}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d+(?:[+-][0-2]\d:[0-5]\d|Z)$/

describe('POST /api/articles', () => {
  it('creates the article: 201, a slug from the title, the tags in the given order', async () => {
    const res = await f.client.post('/api/articles', {
      json: { article: { title: 'How to train your dragon', description: 'Ever wonder how?', body: 'You have to believe', tagList: ['training', 'dragons'] } },
      ...f.auth(jake),
    })
    expect(res.status).toBe(201)
    const a = res.json.article
    expect(a).toEqual({
      slug: 'how-to-train-your-dragon',
      title: 'How to train your dragon',
      description: 'Ever wonder how?',
      body: 'You have to believe',
      tagList: ['training', 'dragons'],
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
      favorited: false,
      favoritesCount: 0,
      author: { username: 'jake', bio: null, image: null, following: false },
    })
  })

  it('gives a second article with the same title another slug', async () => {
    const first = await f.article(jake)
    const second = await f.article(ada)
    expect(second.slug).not.toBe(first.slug)
    expect(second.slug).toMatch(/^how-to-train-your-dragon-[0-9a-f]{6}$/)
  })

  it('makes URL-safe slugs from any title', async () => {
    expect((await f.article(jake, { title: 'Crème brûlée: 2nd try!' })).slug).toBe('creme-brulee-2nd-try')
    expect((await f.article(jake, { title: '日本語' })).slug).toBe('article')
  })

  it('creates an article without tags and drops repeated tags', async () => {
    expect((await f.article(jake, { tagList: undefined })).tagList).toEqual([])
    expect((await f.article(jake, { title: 'Two', tagList: ['a', 'b', 'a'] })).tagList).toEqual(['a', 'b'])
  })

  it('refuses missing fields with 422', async () => {
    const res = await f.client.post('/api/articles', { json: { article: { title: '' } }, ...f.auth(jake) })
    expect(res.status).toBe(422)
    expect(res.json.errors.body).toEqual(["article.title: title can't be blank", "article.description: description can't be blank", "article.body: body can't be blank"])
    const notList = await f.client.post('/api/articles', { json: { article: { title: 't', description: 'd', body: 'b', tagList: 'dragons' } }, ...f.auth(jake) })
    expect(notList.status).toBe(422)
  })

  it('needs a token: 401', async () => {
    expect((await f.client.post('/api/articles', { json: { article: { title: 't', description: 'd', body: 'b' } } })).status).toBe(401)
  })
})

describe('GET /api/articles/:slug', () => {
  it('answers the article, anonymously or with the viewer’s flags', async () => {
    const { slug } = await f.article(jake)
    const res = await f.client.get(`/api/articles/${slug}`)
    expect(res.status).toBe(200)
    expect(res.json.article.slug).toBe(slug)
    await f.client.post('/api/profiles/jake/follow', f.auth(ada))
    await f.client.post(`/api/articles/${slug}/favorite`, f.auth(ada))
    const seen = (await f.client.get(`/api/articles/${slug}`, f.auth(ada))).json.article
    expect([seen.favorited, seen.favoritesCount, seen.author.following]).toEqual([true, 1, true])
    const anon = (await f.client.get(`/api/articles/${slug}`)).json.article
    expect([anon.favorited, anon.favoritesCount, anon.author.following]).toEqual([false, 1, false])
  })

  it('is 404 for an unknown slug', async () => {
    const res = await f.client.get('/api/articles/no-such-article')
    expect(res.status).toBe(404)
    expect(res.json).toEqual({ errors: { body: ['article not found'] } })
  })
})

describe('PUT /api/articles/:slug', () => {
  it('updates the given fields; a new title gives a new slug', async () => {
    const { slug, createdAt } = await f.article(jake)
    const body = await f.client.put(`/api/articles/${slug}`, { json: { article: { body: 'With two hands' } }, ...f.auth(jake) })
    expect(body.status).toBe(200)
    expect(body.json.article).toMatchObject({ slug, body: 'With two hands', title: 'How to train your dragon', tagList: ['dragons', 'training'], createdAt })
    expect(body.json.article.updatedAt >= createdAt).toBe(true)
    const retitled = await f.client.put(`/api/articles/${slug}`, { json: { article: { title: 'Did you train your dragon?' } }, ...f.auth(jake) })
    expect(retitled.json.article.slug).toBe('did-you-train-your-dragon')
    expect((await f.client.get('/api/articles/did-you-train-your-dragon')).json.article.body).toBe('With two hands')
    expect((await f.client.get(`/api/articles/${slug}`)).status).toBe(404)
  })

  it('is 403 for another user’s article, 401 without a token, 404 for an unknown slug', async () => {
    const { slug } = await f.article(jake)
    const other = await f.client.put(`/api/articles/${slug}`, { json: { article: { body: 'mine now' } }, ...f.auth(ada) })
    expect(other.status).toBe(403)
    expect(other.json.errors.body).toEqual(['only the author may change this article'])
    expect((await f.client.get(`/api/articles/${slug}`)).json.article.body).toBe('You have to believe')
    expect((await f.client.put(`/api/articles/${slug}`, { json: { article: { body: 'x' } } })).status).toBe(401)
    expect((await f.client.put('/api/articles/nope', { json: { article: { body: 'x' } }, ...f.auth(jake) })).status).toBe(404)
  })

  it('refuses an empty title with 422', async () => {
    const { slug } = await f.article(jake)
    expect((await f.client.put(`/api/articles/${slug}`, { json: { article: { title: ' ' } }, ...f.auth(jake) })).status).toBe(422)
  })
})

describe('DELETE /api/articles/:slug', () => {
  it('deletes the author’s article (200, empty body) with its comments and favourites', async () => {
    const { slug } = await f.article(jake)
    await f.client.post(`/api/articles/${slug}/favorite`, f.auth(ada))
    await f.client.post(`/api/articles/${slug}/comments`, { json: { comment: { body: 'Nice' } }, ...f.auth(ada) })
    const res = await f.client.delete(`/api/articles/${slug}`, f.auth(jake))
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
    expect((await f.client.get(`/api/articles/${slug}`)).status).toBe(404)
    expect((await f.client.get('/api/articles?favorited=ada')).json.articlesCount).toBe(0)
  })

  it('is 403 for another user, 401 without a token, 404 for an unknown slug', async () => {
    const { slug } = await f.article(jake)
    expect((await f.client.delete(`/api/articles/${slug}`, f.auth(ada))).status).toBe(403)
    expect((await f.client.delete(`/api/articles/${slug}`)).status).toBe(401)
    expect((await f.client.delete('/api/articles/nope', f.auth(jake))).status).toBe(404)
    expect((await f.client.get(`/api/articles/${slug}`)).status).toBe(200)
  })
})

describe('POST and DELETE /api/articles/:slug/favorite', () => {
  it('favourites once per user and unfavourites', async () => {
    const { slug } = await f.article(jake)
    const fav = await f.client.post(`/api/articles/${slug}/favorite`, f.auth(ada))
    expect(fav.status).toBe(200)
    expect([fav.json.article.favorited, fav.json.article.favoritesCount]).toEqual([true, 1])
    expect((await f.client.post(`/api/articles/${slug}/favorite`, f.auth(ada))).json.article.favoritesCount).toBe(1)
    expect((await f.client.post(`/api/articles/${slug}/favorite`, f.auth(jake))).json.article.favoritesCount).toBe(2)
    const unfav = await f.client.delete(`/api/articles/${slug}/favorite`, f.auth(ada))
    expect([unfav.json.article.favorited, unfav.json.article.favoritesCount]).toEqual([false, 1])
  })

  it('is 401 without a token and 404 for an unknown slug', async () => {
    const { slug } = await f.article(jake)
    expect((await f.client.post(`/api/articles/${slug}/favorite`)).status).toBe(401)
    expect((await f.client.delete(`/api/articles/${slug}/favorite`)).status).toBe(401)
    expect((await f.client.post('/api/articles/nope/favorite', f.auth(ada))).status).toBe(404)
    expect((await f.client.delete('/api/articles/nope/favorite', f.auth(ada))).status).toBe(404)
  })
})

describe('GET /api/articles', () => {
  beforeEach(async () => {
    await f.article(jake, { title: 'first', tagList: ['dragons'] })
    await f.article(ada, { title: 'second', tagList: ['training', 'dragons'] })
    await f.article(jake, { title: 'third', tagList: [] })
    await f.client.post('/api/articles/second/favorite', f.auth(jake))
  })

  it('lists newest first with the count', async () => {
    const res = await f.client.get('/api/articles')
    expect(res.status).toBe(200)
    expect(res.json.articles.map((a: { slug: string }) => a.slug)).toEqual(['third', 'second', 'first'])
    expect(res.json.articlesCount).toBe(3)
  })

  it('filters by tag, author and favouriting user', async () => {
    const slugs = async (q: string) => (await f.client.get(`/api/articles?${q}`)).json.articles.map((a: { slug: string }) => a.slug)
    expect(await slugs('tag=dragons')).toEqual(['second', 'first'])
    expect(await slugs('tag=training')).toEqual(['second'])
    expect(await slugs('author=jake')).toEqual(['third', 'first'])
    expect(await slugs('favorited=jake')).toEqual(['second'])
    expect(await slugs('favorited=ada')).toEqual([])
    expect(await slugs('tag=dragons&author=ada')).toEqual(['second'])
    expect(await slugs('author=nobody')).toEqual([])
  })

  it('pages with limit and offset, and counts all matches', async () => {
    const page = (await f.client.get('/api/articles?limit=1&offset=1')).json
    expect(page.articles.map((a: { slug: string }) => a.slug)).toEqual(['second'])
    expect(page.articlesCount).toBe(3)
    expect((await f.client.get('/api/articles?offset=5')).json).toEqual({ articles: [], articlesCount: 3 })
  })

  it('defaults to 20 articles from offset 0', async () => {
    for (let i = 0; i < 20; i++) await f.article(ada, { title: `bulk ${i}` })
    const res = (await f.client.get('/api/articles')).json
    expect(res.articles).toHaveLength(20)
    expect(res.articlesCount).toBe(23)
    expect(res.articles[0].slug).toBe('bulk-19')
  })

  it('refuses a limit or offset that is not a fitting number with 422', async () => {
    for (const q of ['limit=abc', 'limit=0', 'offset=-1', 'limit=1.5', 'limit=101']) {
      const res = await f.client.get(`/api/articles?${q}`)
      expect(res.status, q).toBe(422)
      expect(res.json.errors.body).toHaveLength(1)
    }
  })

  it('computes favorited and following for the viewer', async () => {
    await f.client.post('/api/profiles/ada/follow', f.auth(jake))
    const second = (await f.client.get('/api/articles?tag=training', f.auth(jake))).json.articles[0]
    expect([second.favorited, second.favoritesCount, second.author.following]).toEqual([true, 1, true])
    const asAda = (await f.client.get('/api/articles?tag=training', f.auth(ada))).json.articles[0]
    expect([asAda.favorited, asAda.author.following]).toEqual([false, false])
  })
})

describe('GET /api/articles/feed', () => {
  it('lists the articles of followed authors, newest first', async () => {
    const grace = await f.register('grace')
    await f.article(jake, { title: 'by jake' })
    await f.article(ada, { title: 'by ada' })
    await f.article(jake, { title: 'by jake again' })
    expect((await f.client.get('/api/articles/feed', f.auth(grace))).json).toEqual({ articles: [], articlesCount: 0 })
    await f.client.post('/api/profiles/jake/follow', f.auth(grace))
    const feed = (await f.client.get('/api/articles/feed', f.auth(grace))).json
    expect(feed.articles.map((a: { slug: string }) => a.slug)).toEqual(['by-jake-again', 'by-jake'])
    expect(feed.articlesCount).toBe(2)
    expect(feed.articles[0].author.following).toBe(true)
    expect((await f.client.get('/api/articles/feed?limit=1&offset=1', f.auth(grace))).json.articles[0].slug).toBe('by-jake')
  })

  it('needs a token: 401', async () => {
    expect((await f.client.get('/api/articles/feed')).status).toBe(401)
  })
})
