/**
 * The index pages through posts (Flask-SQLAlchemy's paginate) with links,
 * and refuses a bad page number with a 404.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { POSTS_PER_PAGE } from '../../../examples/blog/blog.ts'
import { blogFixture, type BlogFixture } from './fixtures.ts'

let fx: BlogFixture
beforeEach(async () => {
  fx = await blogFixture()
  // 24 more posts, newest last: 25 in all, three pages of 10
  for (let i = 1; i <= 24; i++) {
    await fx.query('INSERT INTO post (title, body, author_id, created) VALUES (:t, :b, 1, :c)', { t: `post ${i}`, b: '', c: `2019-01-${String(i).padStart(2, '0')} 00:00:00` })
  }
})
afterEach(() => fx.cleanup())

describe('the index', () => {
  it('shows the newest posts first, a page at a time, with page links', async () => {
    expect(POSTS_PER_PAGE).toBe(10)
    const first = await fx.client.get('/')
    expect(first.text).toContain('post 24')
    expect(first.text).toContain('post 15')
    expect(first.text).not.toContain('post 14')
    expect(first.text).toContain('<strong aria-current="page">1</strong>')
    expect(first.text).toContain('<a href="/?page=2">2</a>')
    expect(first.text).toContain('<a href="/?page=3">3</a>')
    expect(first.text).toContain('<a href="/?page=2" rel="next">')
    expect(first.text).not.toContain('rel="prev"')
    const last = await fx.client.get('/', { query: { page: '3' } })
    expect(last.text).toContain('post 4')
    expect(last.text).toContain('test title')
    expect(last.text).toContain('<a href="/?page=2" rel="prev">')
    expect(last.text).not.toContain('rel="next"')
  })

  it('has no page links when everything fits', async () => {
    const res = await fx.client.get('/', { query: { per_page: '50' } })
    expect(res.text).toContain('test title')
    expect(res.text).not.toContain('class="pagination"')
  })

  it.each(['abc', '-1', '0', '4'])('?page=%s is a 404', async (page) => {
    const res = await fx.client.get('/', { query: { page } })
    expect(res.status).toBe(404)
  })
})
