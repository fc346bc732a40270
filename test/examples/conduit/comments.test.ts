/**
 * Comments and tags from the RealWorld spec: list (auth optional), add
 * (auth required, 200), delete (only its author: 403 otherwise; 404 for an
 * unknown article or comment), and the tag list.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { conduitFixture, type ConduitFixture } from './fixtures.ts'

let f: ConduitFixture
let jake: string
let ada: string
let slug: string
beforeEach(async () => {
  f = await conduitFixture()
  jake = await f.register('jake')
  ada = await f.register('ada')
  slug = (await f.article(jake)).slug
})
afterEach(() => f.cleanup())

const ISO = /^\d{4,}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d+(?:[+-][0-2]\d:[0-5]\d|Z)$/

describe('comments', () => {
  it('adds a comment (200) and lists them newest first', async () => {
    const res = await f.client.post(`/api/articles/${slug}/comments`, { json: { comment: { body: 'Thank you so much!' } }, ...f.auth(ada) })
    expect(res.status).toBe(200)
    expect(res.json.comment).toEqual({
      id: expect.any(Number),
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
      body: 'Thank you so much!',
      author: { username: 'ada', bio: null, image: null, following: false },
    })
    await f.client.post(`/api/articles/${slug}/comments`, { json: { comment: { body: 'second' } }, ...f.auth(jake) })
    const list = await f.client.get(`/api/articles/${slug}/comments`)
    expect(list.status).toBe(200)
    expect(list.json.comments.map((c: { body: string }) => c.body)).toEqual(['second', 'Thank you so much!'])
  })

  it('shows following for the viewer', async () => {
    await f.client.post(`/api/articles/${slug}/comments`, { json: { comment: { body: 'hi' } }, ...f.auth(ada) })
    await f.client.post('/api/profiles/ada/follow', f.auth(jake))
    expect((await f.client.get(`/api/articles/${slug}/comments`, f.auth(jake))).json.comments[0].author.following).toBe(true)
    expect((await f.client.get(`/api/articles/${slug}/comments`)).json.comments[0].author.following).toBe(false)
  })

  it('refuses an empty comment with 422 and an anonymous one with 401', async () => {
    const empty = await f.client.post(`/api/articles/${slug}/comments`, { json: { comment: { body: '' } }, ...f.auth(ada) })
    expect(empty.status).toBe(422)
    expect(empty.json).toEqual({ errors: { body: ["comment.body: body can't be blank"] } })
    expect((await f.client.post(`/api/articles/${slug}/comments`, { json: { comment: { body: 'x' } } })).status).toBe(401)
  })

  it('is 404 for comments of an unknown article', async () => {
    expect((await f.client.get('/api/articles/nope/comments')).status).toBe(404)
    expect((await f.client.post('/api/articles/nope/comments', { json: { comment: { body: 'x' } }, ...f.auth(ada) })).status).toBe(404)
  })

  it('deletes a comment for its author only', async () => {
    const { id } = (await f.client.post(`/api/articles/${slug}/comments`, { json: { comment: { body: 'mine' } }, ...f.auth(ada) })).json.comment
    const other = await f.client.delete(`/api/articles/${slug}/comments/${id}`, f.auth(jake))
    expect(other.status).toBe(403)
    expect(other.json.errors.body).toEqual(['only the author may delete this comment'])
    expect((await f.client.delete(`/api/articles/${slug}/comments/${id}`)).status).toBe(401)
    const own = await f.client.delete(`/api/articles/${slug}/comments/${id}`, f.auth(ada))
    expect(own.status).toBe(200)
    expect((await f.client.get(`/api/articles/${slug}/comments`)).json.comments).toEqual([])
    expect((await f.client.delete(`/api/articles/${slug}/comments/${id}`, f.auth(ada))).status).toBe(404)
  })

  it('is 404 for a comment of another article, or a comment id that is not a number', async () => {
    const { id } = (await f.client.post(`/api/articles/${slug}/comments`, { json: { comment: { body: 'mine' } }, ...f.auth(ada) })).json.comment
    const otherSlug = (await f.article(jake, { title: 'other' })).slug
    expect((await f.client.delete(`/api/articles/${otherSlug}/comments/${id}`, f.auth(ada))).status).toBe(404)
    expect((await f.client.delete(`/api/articles/${slug}/comments/abc`, f.auth(ada))).status).toBe(404)
  })
})

describe('GET /api/tags', () => {
  it('lists the tags in use, once each', async () => {
    await f.article(ada, { title: 'two', tagList: ['zebras', 'dragons'] })
    const res = await f.client.get('/api/tags')
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ tags: ['dragons', 'training', 'zebras'] })
  })

  it('drops a tag when its last article goes', async () => {
    await f.client.delete(`/api/articles/${slug}`, f.auth(jake))
    expect((await f.client.get('/api/tags')).json).toEqual({ tags: [] })
  })
})

describe('the rest of /api', () => {
  it('answers an unknown URL and a wrong method in the RealWorld error format', async () => {
    const missing = await f.client.get('/api/nowhere')
    expect(missing.status).toBe(404)
    expect(missing.json.errors.body).toHaveLength(1)
    const wrong = await f.client.patch('/api/tags')
    expect(wrong.status).toBe(405)
    expect(wrong.json.errors.body).toHaveLength(1)
  })

  it('answers CORS preflights from any origin, before authentication', async () => {
    const res = await f.client.options('/api/articles', {
      headers: { Origin: 'http://localhost:4200', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:4200')
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type')
    const refused = await f.client.get('/api/user', { headers: { Origin: 'http://localhost:4200' } })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('access-control-allow-origin')).toBe('http://localhost:4200')
  })
})
