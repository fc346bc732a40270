/**
 * No N+1 on the article lists: the statements one request runs (phial/sql
 * records them in testing, `db.getRecordedQueries`) do not grow with the
 * number of articles, authors, tags or favourites on the page.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { conduitFixture, type ConduitFixture } from './fixtures.ts'

let f: ConduitFixture
beforeEach(async () => {
  f = await conduitFixture()
})
afterEach(() => f.cleanup())

/** `articles` articles by new `authors`, each tagged and favourited; `viewer` (a token) follows every author. */
async function fill(authors: string[], articles: number, viewer?: string): Promise<void> {
  const tokens = await Promise.all(authors.map((a) => f.register(a)))
  for (let i = 0; i < articles; i++) {
    const token = tokens[i % tokens.length]!
    const { slug } = await f.article(token, { title: `${authors[0]} article ${i}`, tagList: [`tag${i % 5}`, `tag${(i + 1) % 5}`, 'common'] })
    await f.client.post(`/api/articles/${slug}/favorite`, f.auth(tokens[(i + 1) % tokens.length]!))
    if (viewer !== undefined && i % 2 === 0) await f.client.post(`/api/articles/${slug}/favorite`, f.auth(viewer))
  }
  if (viewer !== undefined) for (const a of authors) await f.client.post(`/api/profiles/${a}/follow`, f.auth(viewer))
}

describe('queries per request', () => {
  it('a page of 20 articles runs as many statements as a page of 2', async () => {
    const token = await f.register('viewer')
    await fill(['a1', 'a2'], 2, token)
    const paths = ['/api/articles', '/api/articles/feed', '/api/articles?tag=common']
    const few = new Map<string, number>()
    for (const path of paths) {
      const small = await f.client.get(path, f.auth(token))
      expect(small.json.articles, path).toHaveLength(2)
      few.set(path, f.lastQueries().length)
    }
    await fill(Array.from({ length: 8 }, (_, i) => `more${i}`), 20, token)
    for (const path of paths) {
      const big = await f.client.get(path, f.auth(token))
      expect(big.json.articles, path).toHaveLength(20)
      const statements = f.lastQueries()
      expect(statements.length, statements.join('\n')).toBe(few.get(path))
      // the token's user, the count, the page with its authors, tags, favourite counts, the viewer's favourites and follows
      expect(statements.length).toBeLessThanOrEqual(7)
    }
  })

  it('an anonymous list needs no per-viewer statements', async () => {
    await fill(['a1', 'a2', 'a3'], 20)
    const res = await f.client.get('/api/articles')
    expect(res.json.articles).toHaveLength(20)
    // the count, the page with its authors, tags, favourite counts
    expect(f.lastQueries()).toHaveLength(4)
  })

  it('the comment list loads authors with the comments', async () => {
    const [t1, t2] = [await f.register('c1'), await f.register('c2')]
    const { slug } = await f.article(t1)
    await f.client.get(`/api/articles/${slug}/comments`, f.auth(t2))
    const none = f.lastQueries().length
    for (let i = 0; i < 10; i++) await f.client.post(`/api/articles/${slug}/comments`, { json: { comment: { body: `c${i}` } }, ...f.auth(i % 2 ? t1 : t2) })
    const res = await f.client.get(`/api/articles/${slug}/comments`, f.auth(t2))
    expect(res.json.comments).toHaveLength(10)
    expect(f.lastQueries().length).toBeLessThanOrEqual(none + 1)
  })
})
