/**
 * Flask-SQLAlchemy's `Pagination`: one page of a query with the numbers a
 * template needs (`items`, `total`, `pages`, `hasNext`, `nextNum`,
 * `iterPages()` …). Page arguments come from `?page=` and `?per_page=`
 * during a request; bad ones are a 404 when `errorOut` (the default), as
 * Flask-SQLAlchemy does.
 */
import { hasRequestContext, NotFound, request } from 'phial'

/**
 * Options of `db.paginate()`.
 *
 * @example
 * ```ts
 * await db.paginate(Post, { order: { created: 'DESC' }, perPage: 5, maxPerPage: 50 })
 * ```
 */
export interface PageOptions {
  /** Default: the `page` query argument, else 1. */
  page?: number
  /** Default: the `per_page` query argument, else `defaultPerPage`, else 20. */
  perPage?: number
  defaultPerPage?: number
  /** The most `per_page` may ask for; `null` for no limit. Default 100. */
  maxPerPage?: number | null
  /** 404 for a bad page argument or an empty page past the first. Default true. */
  errorOut?: boolean
  /** Count all rows for `total` / `pages`. Default true. */
  count?: boolean
}

/** Fetches one page: `(offset, limit) → items`, and the total. @example const q: PageQuery<Post> = { items: (o, l) => find(o, l), count: () => total() } */
export interface PageQuery<T> {
  items(offset: number, limit: number): Promise<T[]>
  count(): Promise<number>
}

function intArg(name: string, fallback: number, errorOut: boolean): number {
  const raw = request.args.get(name)
  if (raw === null || raw === undefined) return fallback
  if (/^\s*[+-]?\d+\s*$/.test(raw)) return Number.parseInt(raw, 10)
  if (errorOut) throw new NotFound(`The ${name} argument must be a whole number, not '${raw}'.`)
  return fallback
}

/**
 * The page and page size, from the options or the request (Flask-SQLAlchemy's `_prepare_page_args`).
 *
 * @example
 * ```ts
 * preparePageArgs({ perPage: 10 }) // { page: 1, perPage: 10 } outside a request
 * ```
 */
export function preparePageArgs(options: PageOptions): { page: number; perPage: number } {
  const errorOut = options.errorOut ?? true
  const fallbackPerPage = options.defaultPerPage ?? 20
  const inRequest = hasRequestContext()
  let page = options.page ?? (inRequest ? intArg('page', 1, errorOut) : 1)
  let perPage = options.perPage ?? (inRequest ? intArg('per_page', fallbackPerPage, errorOut) : fallbackPerPage)
  const max = options.maxPerPage === undefined ? 100 : options.maxPerPage
  if (max !== null) perPage = Math.min(perPage, max)
  if (!Number.isInteger(page) || page < 1) {
    if (errorOut) throw new NotFound(`The page must be 1 or more, not ${page}.`)
    page = 1
  }
  if (!Number.isInteger(perPage) || perPage < 1) {
    if (errorOut) throw new NotFound(`per_page must be 1 or more, not ${perPage}.`)
    perPage = fallbackPerPage
  }
  return { page, perPage }
}

/**
 * One page of results. Iterating it iterates its items. Made by `db.paginate()`.
 *
 * @example
 * ```ts
 * const page = await db.paginate(Post, { order: { id: 'DESC' } })
 * // {% for p in page.iterPages() %}{% if p %}<a href="{{ url_for('index', page=p) }}">{{ p }}</a>{% else %}…{% endif %}{% endfor %}
 * ```
 */
export class Pagination<T> implements Iterable<T> {
  /**
   * Runs the query for one page.
   *
   * @example
   * ```ts
   * const page = await Pagination.create(query, { page: 2, perPage: 10 })
   * ```
   */
  static async create<T>(query: PageQuery<T>, options: PageOptions = {}): Promise<Pagination<T>> {
    const { page, perPage } = preparePageArgs(options)
    const items = await query.items((page - 1) * perPage, perPage)
    if (items.length === 0 && page !== 1 && (options.errorOut ?? true)) throw new NotFound(`There is no page ${page}.`)
    const total = options.count === false ? null : await query.count()
    return new Pagination(query, page, perPage, options.maxPerPage === undefined ? 100 : options.maxPerPage, items, total)
  }

  private constructor(
    readonly query: PageQuery<T>,
    /** The current page, from 1. */
    readonly page: number,
    /** The most items on a page. */
    readonly perPage: number,
    readonly maxPerPage: number | null,
    /** The items on this page. */
    readonly items: T[],
    /** All matching items, or null when not counted. */
    public total: number | null,
  ) {}

  /** The number of the first item on the page, from 1; 0 when empty. */
  get first(): number {
    return this.items.length === 0 ? 0 : (this.page - 1) * this.perPage + 1
  }

  /** The number of the last item on the page; 0 when empty. */
  get last(): number {
    return Math.max(this.first, this.first + this.items.length - 1)
  }

  /** How many pages there are. */
  get pages(): number {
    return !this.total ? 0 : Math.ceil(this.total / this.perPage)
  }

  /** True when this is not the first page. */
  get hasPrev(): boolean {
    return this.page > 1
  }

  /** The previous page's number, or null. */
  get prevNum(): number | null {
    return this.hasPrev ? this.page - 1 : null
  }

  /** True when this is not the last page. */
  get hasNext(): boolean {
    return this.page < this.pages
  }

  /** The next page's number, or null. */
  get nextNum(): number | null {
    return this.hasNext ? this.page + 1 : null
  }

  /** The previous page. @example const before = await page.prev() */
  async prev(options: { errorOut?: boolean } = {}): Promise<Pagination<T>> {
    return this.#sibling(this.page - 1, options.errorOut ?? false)
  }

  /** The next page. @example const after = await page.next() */
  async next(options: { errorOut?: boolean } = {}): Promise<Pagination<T>> {
    return this.#sibling(this.page + 1, options.errorOut ?? false)
  }

  async #sibling(page: number, errorOut: boolean): Promise<Pagination<T>> {
    const p = await Pagination.create(this.query, { page, perPage: this.perPage, maxPerPage: this.maxPerPage, errorOut, count: false })
    p.total = this.total
    return p
  }

  /**
   * Page numbers for a pagination widget; `null` marks a gap. With 20 pages
   * on page 7: 1, 2, null, 5, 6, 7, 8, 9, 10, 11, null, 19, 20.
   *
   * @example
   * ```ts
   * page.iterPages({ leftEdge: 1, rightEdge: 1 })
   * ```
   */
  iterPages(options: { leftEdge?: number; leftCurrent?: number; rightCurrent?: number; rightEdge?: number } = {}): Array<number | null> {
    const { leftEdge = 2, leftCurrent = 2, rightCurrent = 4, rightEdge = 2 } = options
    const out: Array<number | null> = []
    const pagesEnd = this.pages + 1
    if (pagesEnd === 1) return out
    const range = (from: number, to: number): void => {
      for (let i = from; i < to; i++) out.push(i)
    }
    const leftEnd = Math.min(1 + leftEdge, pagesEnd)
    range(1, leftEnd)
    if (leftEnd === pagesEnd) return out
    const midStart = Math.max(leftEnd, this.page - leftCurrent)
    const midEnd = Math.min(this.page + rightCurrent + 1, pagesEnd)
    if (midStart - leftEnd > 0) out.push(null)
    range(midStart, midEnd)
    if (midEnd === pagesEnd) return out
    const rightStart = Math.max(midEnd, pagesEnd - rightEdge)
    if (rightStart - midEnd > 0) out.push(null)
    range(rightStart, pagesEnd)
    return out
  }

  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]()
  }
}
