import { Phial } from 'phial'
import { Pagination, preparePageArgs, type PageQuery } from 'phial/sql'
import { describe, expect, it } from 'vitest'

const numbers = (n: number): PageQuery<number> => ({
  items: async (offset, limit) => Array.from({ length: Math.max(0, Math.min(limit, n - offset)) }, (_, i) => offset + i + 1),
  count: async () => n,
})

describe('Pagination (Flask-SQLAlchemy semantics)', () => {
  it('iterPages with 20 pages on page 7 is 1, 2, …, 5-11, …, 19, 20', async () => {
    const page = await Pagination.create(numbers(200), { page: 7, perPage: 10 })
    expect(page.iterPages()).toEqual([1, 2, null, 5, 6, 7, 8, 9, 10, 11, null, 19, 20])
    expect(page.iterPages({ leftEdge: 1, leftCurrent: 0, rightCurrent: 0, rightEdge: 1 })).toEqual([1, null, 7, null, 20])
    expect([...page]).toEqual([61, 62, 63, 64, 65, 66, 67, 68, 69, 70])
    expect([page.first, page.last, page.pages, page.prevNum, page.nextNum]).toEqual([61, 70, 20, 6, 8])
  })

  it('an empty result has no pages and no page links', async () => {
    const page = await Pagination.create(numbers(0))
    expect([page.total, page.pages, page.first, page.last, page.hasNext, page.hasPrev]).toEqual([0, 0, 0, 0, false, false])
    expect(page.iterPages()).toEqual([])
  })

  it('count: false leaves total null', async () => {
    const page = await Pagination.create(numbers(30), { count: false })
    expect(page.total).toBeNull()
    expect(page.items).toHaveLength(20)
  })

  it('errorOut: false falls back instead of a 404', async () => {
    expect(preparePageArgs({ page: -3, perPage: 0, errorOut: false })).toEqual({ page: 1, perPage: 20 })
    await expect(Pagination.create(numbers(5), { page: 9 })).rejects.toMatchObject({ code: 404 })
    expect((await Pagination.create(numbers(5), { page: 9, errorOut: false })).items).toEqual([])
  })

  it('reads page and per_page from the request; maxPerPage caps it', async () => {
    const app = new Phial(import.meta.url)
    const seen = await app.testRequestContext('/?page=3&per_page=7', {}, () => preparePageArgs({}))
    expect(seen).toEqual({ page: 3, perPage: 7 })
    const capped = await app.testRequestContext('/?per_page=500', {}, () => preparePageArgs({ maxPerPage: 50 }))
    expect(capped).toEqual({ page: 1, perPage: 50 })
    const bad = await app.testRequestContext('/?page=x', {}, () => {
      try {
        preparePageArgs({})
        return null
      } catch (err) {
        return err as { code: number; description: string }
      }
    })
    expect(bad).toMatchObject({ code: 404, description: "The page argument must be a whole number, not 'x'." })
  })
})
