/**
 * Pagination (Flask-Smorest's): `page` / `per_page` query arguments, a page
 * of a plain array or of any Flask-SQLAlchemy-shaped `Pagination` (such as
 * `phial/sql`'s `paginate()`), and the `X-Pagination` and `Link` headers.
 */
import type { StandardJSONSchemaV1, StandardSchemaV1 } from './schema.ts'

/**
 * Flask-SQLAlchemy's `Pagination` shape: what `paginated()` accepts from a
 * database layer (`perPage` or `per_page`).
 *
 * @example
 * ```ts
 * const p: PaginationLike<Todo> = { items: [t1, t2], total: 12, page: 1, perPage: 2, pages: 6 }
 * ```
 */
export interface PaginationLike<T> {
  items: readonly T[]
  total: number | null
  page: number
  perPage?: number
  per_page?: number
  pages: number
}

const PAGINATED = Symbol.for('phial.rest.paginated')

/**
 * One page of items, as a resource returns it: the body is `items`, the
 * rest goes into the headers.
 *
 * @example
 * ```ts
 * const page: Paginated<Todo> = paginated(todos, { page: 2, perPage: 10 })
 * ```
 */
export interface Paginated<T> {
  readonly [PAGINATED]: true
  readonly items: readonly T[]
  readonly total: number | null
  readonly page: number
  readonly perPage: number
  readonly pages: number
}

/**
 * The validated pagination arguments.
 *
 * @example
 * ```ts
 * const args: PageArgs = { page: 1, perPage: 20 }
 * ```
 */
export interface PageArgs {
  page: number
  perPage: number
}

/**
 * A page of `items` (a whole array, sliced here) or an existing pagination
 * object (from `phial/sql`'s `paginate()`), to return from a handler whose
 * response schema is an array: the client gets the page's items, with
 * `X-Pagination` and `Link` headers.
 *
 * @example
 * ```ts
 * get = this.validate({ query: pageQuery(), responses: { 200: z.array(Todo) } },
 *   ({ query }) => paginated(todos, query))
 * ```
 */
export function paginated<T>(source: readonly T[], args: PageArgs): Paginated<T>
export function paginated<T>(source: PaginationLike<T>): Paginated<T>
export function paginated<T>(source: readonly T[] | PaginationLike<T>, args?: PageArgs): Paginated<T> {
  if (Array.isArray(source)) {
    if (!args) throw new TypeError('paginated(array, { page, perPage }): the page arguments are needed to slice an array.')
    const { page, perPage } = args
    const start = (page - 1) * perPage
    return {
      [PAGINATED]: true,
      items: source.slice(start, start + perPage),
      total: source.length,
      page,
      perPage,
      pages: perPage > 0 ? Math.ceil(source.length / perPage) : 0,
    }
  }
  const p = source as PaginationLike<T>
  const perPage = p.perPage ?? p.per_page
  if (!Array.isArray(p.items) || typeof p.page !== 'number' || typeof perPage !== 'number') {
    throw new TypeError('paginated(): expected an array or an object with items, total, page, perPage and pages.')
  }
  return { [PAGINATED]: true, items: p.items, total: p.total, page: p.page, perPage, pages: p.pages }
}

/**
 * True for what {@link paginated} returns.
 *
 * @example
 * ```ts
 * isPaginated(paginated([1, 2], { page: 1, perPage: 1 })) // true
 * ```
 */
export function isPaginated(value: unknown): value is Paginated<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PAGINATED] === true
}

/**
 * The pagination headers of a page (Flask-Smorest's `X-Pagination` JSON,
 * and an RFC 8288 `Link` header with first/prev/next/last), its links built
 * on `path` and the request's other query arguments.
 *
 * @example
 * ```ts
 * paginationHeaders(page, '/todos', 'done=false')['X-Pagination'] // '{"total":12,"total_pages":6,...}'
 * ```
 */
export function paginationHeaders(p: Paginated<unknown>, path: string, queryString: string): Record<string, string> {
  const meta: Record<string, number | null> = { total: p.total, total_pages: p.pages }
  const links: string[] = []
  const link = (page: number, rel: string): void => {
    const qs = new URLSearchParams(queryString)
    qs.set('page', String(page))
    qs.set('per_page', String(p.perPage))
    links.push(`<${path}?${qs.toString()}>; rel="${rel}"`)
  }
  if (p.pages > 0) {
    meta.first_page = 1
    meta.last_page = p.pages
    meta.page = p.page
    link(1, 'first')
    if (p.page > 1) {
      meta.previous_page = Math.min(p.page - 1, p.pages)
      link(meta.previous_page, 'prev')
    }
    if (p.page < p.pages) {
      meta.next_page = p.page + 1
      link(p.page + 1, 'next')
    }
    link(p.pages, 'last')
  }
  const headers: Record<string, string> = { 'X-Pagination': JSON.stringify(meta) }
  if (links.length > 0) headers.Link = links.join(', ')
  return headers
}

/**
 * A Standard Schema (with its JSON Schema, so it documents itself) for the
 * `page` and `per_page` query arguments: integers ≥ 1, `per_page` at most
 * `maxPerPage`; gives `{ page, perPage }`. Works without any schema library.
 *
 * @example
 * ```ts
 * pageQuery({ defaultPerPage: 20, maxPerPage: 50 })
 * // ?page=2&per_page=20 → { page: 2, perPage: 20 }; ?per_page=500 → 422
 * ```
 */
export function pageQuery(options: { defaultPerPage?: number; maxPerPage?: number } = {}): StandardSchemaV1<
  { page?: number | string; per_page?: number | string },
  PageArgs
> &
  StandardJSONSchemaV1<{ page?: number | string; per_page?: number | string }, PageArgs> {
  const defaultPerPage = options.defaultPerPage ?? 10
  const maxPerPage = options.maxPerPage ?? 100
  const json = (): Record<string, unknown> => ({
    type: 'object',
    properties: {
      page: { type: 'integer', minimum: 1, default: 1, description: 'The page number.' },
      per_page: { type: 'integer', minimum: 1, maximum: maxPerPage, default: defaultPerPage, description: 'Items per page.' },
    },
  })
  const read = (obj: Record<string, unknown>, key: string, fallback: number, max: number, issues: StandardSchemaV1.Issue[]): number => {
    const raw = obj[key]
    if (raw === undefined) return fallback
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw
    if (typeof n !== 'number' || !Number.isInteger(n)) issues.push({ message: 'Expected an integer.', path: [key] })
    else if (n < 1) issues.push({ message: 'Must be at least 1.', path: [key] })
    else if (n > max) issues.push({ message: `Must be at most ${max}.`, path: [key] })
    else return n
    return fallback
  }
  return {
    '~standard': {
      version: 1,
      vendor: 'phial',
      validate(value) {
        if (typeof value !== 'object' || value === null) return { issues: [{ message: 'Expected an object.' }] }
        const issues: StandardSchemaV1.Issue[] = []
        const obj = value as Record<string, unknown>
        const page = read(obj, 'page', 1, Number.MAX_SAFE_INTEGER, issues)
        const perPage = read(obj, 'per_page', defaultPerPage, maxPerPage, issues)
        return issues.length > 0 ? { issues } : { value: { page, perPage } }
      },
      jsonSchema: { input: json, output: json },
    },
  }
}
