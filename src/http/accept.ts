/**
 * Werkzeug's Accept classes: the `Accept`, `Accept-Language`,
 * `Accept-Charset` and `Accept-Encoding` headers as (value, quality) lists
 * with content negotiation (`bestMatch`). Parsing never throws: junk items
 * are skipped.
 */

/**
 * One parsed item of an Accept header, with what matching needs precomputed
 * (what subclasses of {@link Accept} build in `makeItem`).
 *
 * @example
 * ```ts
 * class EncodingAccept extends Accept {
 *   protected override makeItem(value: string, quality: number): AcceptItem {
 *     return { ...super.makeItem(value, quality), norm: value.trim().toLowerCase() }
 *   }
 * }
 * ```
 */
export interface AcceptItem {
  value: string
  quality: number
  /** Higher is more specific (`text/html` > `text/*` > `*\/*`). */
  specificity: number
  /** The normalized form matching compares. */
  norm: string
  /** MIME only: type, subtype and sorted `k=v` parameters. */
  mime: MimeParts | null
}

/**
 * A mimetype split for matching: lower-case type and subtype, and its
 * parameters sorted as `k=v;k=v` (`''` when none).
 *
 * @example
 * ```ts
 * const parts: MimeParts = { type: 'text', subtype: 'html', params: 'level=1' }
 * ```
 */
export interface MimeParts {
  type: string
  subtype: string
  params: string
}

const QUALITY = /^(?:\d+(?:\.\d*)?|\.\d+)$/

/** Splits on `sep` outside double quotes. */
function splitOutsideQuotes(text: string, sep: string): string[] {
  if (text.indexOf('"') === -1) return text.split(sep)
  const out: string[] = []
  let start = 0
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\' && quoted) i++
    else if (c === '"') quoted = !quoted
    else if (c === sep && !quoted) {
      out.push(text.slice(start, i))
      start = i + 1
    }
  }
  out.push(text.slice(start))
  return out
}

/** Parses a header into `[value, quality]` pairs in header order; other parameters stay in the value (`text/html;level=1`). */
function parseItems(header: string): Array<[string, number]> {
  const out: Array<[string, number]> = []
  for (const element of splitOutsideQuotes(header, ',')) {
    const parts = element.indexOf(';') === -1 ? [element] : splitOutsideQuotes(element, ';')
    const value = parts[0].trim()
    if (value === '' || /[\s"\\]/.test(value)) continue
    let quality = 1
    let params = ''
    let valid = true
    for (let i = 1; i < parts.length; i++) {
      const param = parts[i].trim()
      if (param === '') continue
      const eq = param.indexOf('=')
      const name = (eq === -1 ? param : param.slice(0, eq)).trim().toLowerCase()
      const raw = eq === -1 ? '' : param.slice(eq + 1).trim()
      if (name === 'q') {
        const q = QUALITY.test(raw) ? Number(raw) : NaN
        if (!(q >= 0 && q <= 1)) {
          valid = false
          break
        }
        quality = q
      } else if (name !== '') params += eq === -1 ? `;${name}` : `;${name}=${raw}`
    }
    if (valid) out.push([value + params, quality])
  }
  return out
}

/**
 * An `Accept-*` header (Werkzeug's `Accept`): values with their quality,
 * best first (by quality, then specificity, then header order). Iterating
 * gives `[value, quality]` pairs.
 *
 * @example
 * ```ts
 * const enc = new Accept('gzip, br;q=1.0, *;q=0.1')
 * enc.quality('br')                      // 1
 * enc.quality('deflate')                 // 0.1 (the '*' item)
 * enc.bestMatch(['deflate', 'br'])       // 'br'
 * ```
 */
export class Accept implements Iterable<[string, number]> {
  /** False when the header was missing (nothing is then acceptable, as in Werkzeug). */
  readonly provided: boolean
  readonly #items: AcceptItem[]

  constructor(header?: string | null | Iterable<readonly [string, number]>) {
    this.provided = header != null
    let pairs: Iterable<readonly [string, number]>
    if (header == null) pairs = []
    else if (typeof header === 'string') pairs = parseItems(header)
    else pairs = header
    const items: AcceptItem[] = []
    for (const [value, quality] of pairs) items.push(this.makeItem(value, quality))
    // Array.prototype.sort is stable: equal items keep header order.
    items.sort((a, b) => b.quality - a.quality || b.specificity - a.specificity)
    this.#items = items
  }

  /** Builds the matching data of a value; subclasses normalize differently. */
  protected makeItem(value: string, quality: number): AcceptItem {
    const norm = this.normalize(value)
    return { value, quality, specificity: norm === '*' ? 0 : 1, norm, mime: null }
  }

  /** The normalized form of a value, as compared by {@link matches}. */
  protected normalize(value: string): string {
    return value.toLowerCase()
  }

  /** True when a server value matches a client item. */
  protected matches(value: string, item: AcceptItem): boolean {
    return item.norm === '*' || item.norm === this.normalize(value)
  }

  /** The most specific client item matching `value`, or null. */
  #bestItem(value: string): AcceptItem | null {
    let best: AcceptItem | null = null
    for (const item of this.#items) {
      if ((best === null || item.specificity > best.specificity) && this.matches(value, item)) best = item
    }
    return best
  }

  /** The number of items. */
  get length(): number {
    return this.#items.length
  }

  /**
   * The quality the client gives `value` (0 when it does not accept it); the
   * most specific matching item decides.
   *
   * @example
   * ```ts
   * new MIMEAccept('text/*;q=0.5, text/html').quality('text/plain') // 0.5
   * ```
   */
  quality(value: string): number {
    return this.#bestItem(value)?.quality ?? 0
  }

  /**
   * True when the client accepts `value` with a quality above 0.
   *
   * @example
   * ```ts
   * new Accept('gzip, br;q=0').includes('br') // false
   * ```
   */
  includes(value: string): boolean {
    return this.quality(value) > 0
  }

  /**
   * The client's favourite value (highest quality, most specific), or null.
   *
   * @example
   * ```ts
   * new LanguageAccept('fr;q=0.8, en').best // 'en'
   * ```
   */
  get best(): string | null {
    const first = this.#items[0]
    return first !== undefined && first.quality > 0 ? first.value : null
  }

  /**
   * The candidate the client prefers: highest quality, then the one matched
   * by the more specific client item, then the earlier candidate. Candidates
   * with quality 0 never win.
   *
   * @example
   * ```ts
   * request.accept.mimetypes.bestMatch(['application/json', 'text/html'], 'text/html')
   * ```
   */
  bestMatch(candidates: Iterable<string>): string | null
  bestMatch<D>(candidates: Iterable<string>, defaultValue: D): string | D
  bestMatch<D>(candidates: Iterable<string>, defaultValue: D | null = null): string | D | null {
    let result: string | D | null = defaultValue
    let bestQuality = 0
    let bestSpecificity = -1
    for (const candidate of candidates) {
      const item = this.#bestItem(candidate)
      if (item === null || item.quality <= 0 || item.quality < bestQuality) continue
      if (item.quality > bestQuality || item.specificity > bestSpecificity) {
        result = candidate
        bestQuality = item.quality
        bestSpecificity = item.specificity
      }
    }
    return result
  }

  /**
   * The values, best first.
   *
   * @example
   * ```ts
   * new Accept('a;q=0.1, b').values() // ['b', 'a']
   * ```
   */
  values(): string[] {
    return this.#items.map((item) => item.value)
  }

  /**
   * `[value, quality]` pairs, best first.
   *
   * @example
   * ```ts
   * for (const [value, q] of request.accept.languages) console.log(value, q)
   * ```
   */
  *[Symbol.iterator](): IterableIterator<[string, number]> {
    for (const item of this.#items) yield [item.value, item.quality]
  }

  /**
   * The header form (`text/html,application/json;q=0.5`).
   *
   * @example
   * ```ts
   * String(new Accept('b;q=0.5, a')) // 'a,b;q=0.5'
   * ```
   */
  toString(): string {
    return this.#items.map((i) => (i.quality === 1 ? i.value : `${i.value};q=${i.quality}`)).join(',')
  }
}

function splitMime(value: string): MimeParts | null {
  const lower = value.toLowerCase()
  const semi = lower.indexOf(';')
  const essence = (semi === -1 ? lower : lower.slice(0, semi)).trim()
  if (essence === '*') return { type: '*', subtype: '*', params: '' }
  const slash = essence.indexOf('/')
  if (slash <= 0 || slash === essence.length - 1) return null
  const type = essence.slice(0, slash).trim()
  const subtype = essence.slice(slash + 1).trim()
  let params = ''
  if (semi !== -1) {
    const list = lower
      .slice(semi + 1)
      .split(';')
      .map((p) => p.replace(/\s+/g, ''))
      .filter((p) => p !== '' && !p.startsWith('q='))
    if (list.length > 0) params = list.sort().join(';')
  }
  return { type, subtype, params }
}

/**
 * The `Accept` header, with `*\/*` and `type/*` wildcards (Werkzeug's
 * `MIMEAccept`). A lone `*` counts as `*\/*`. Candidates must be
 * `type/subtype` (a TypeError otherwise: that is a bug in the app).
 *
 * @example
 * ```ts
 * const accept = new MIMEAccept('text/html,application/xhtml+xml,application/xml;q=0.9,*\/*;q=0.8')
 * accept.acceptHtml                                  // true
 * accept.bestMatch(['application/json', 'text/html']) // 'text/html'
 * accept.quality('application/json')                 // 0.8
 * ```
 */
export class MIMEAccept extends Accept {
  protected override makeItem(value: string, quality: number): AcceptItem {
    const mime = splitMime(value)
    const specificity = mime === null ? -1 : (mime.type !== '*' ? 1 : 0) + (mime.subtype !== '*' ? 1 : 0) + (mime.params ? 1 : 0)
    return { value, quality, specificity, norm: value.toLowerCase(), mime }
  }

  protected override matches(value: string, item: AcceptItem): boolean {
    const client = item.mime
    if (client === null) return false // junk from the client never matches
    if (client.type === '*' && client.subtype !== '*') return false
    const server = splitMime(value)
    if (server === null || (server.type === '*' && server.subtype !== '*')) {
      throw new TypeError(`Invalid mimetype ${JSON.stringify(value)}: expected "type/subtype"`)
    }
    if (client.type === '*' || server.type === '*') return true
    if (client.type !== server.type) return false
    if (client.subtype === '*' || server.subtype === '*') return true
    return client.subtype === server.subtype && client.params === server.params
  }

  /** True when the client accepts HTML (`text/html` or XHTML). */
  get acceptHtml(): boolean {
    return this.includes('text/html') || this.includes('application/xhtml+xml')
  }

  /** True when the client accepts XHTML. */
  get acceptXhtml(): boolean {
    return this.includes('application/xhtml+xml')
  }

  /** True when the client accepts `application/json`. */
  get acceptJson(): boolean {
    return this.includes('application/json')
  }
}

/**
 * The `Accept-Language` header (Werkzeug's `LanguageAccept`): tags compare
 * case-insensitively with `_` as `-`, and {@link bestMatch} falls back to
 * primary tags (a client asking for `en-US` gets `en`, one asking for `en`
 * gets `en-GB`).
 *
 * @example
 * ```ts
 * const langs = new LanguageAccept('de-AT, de;q=0.9, en;q=0.5')
 * langs.bestMatch(['en', 'de'])       // 'de'
 * langs.bestMatch(['de-DE', 'fr'])    // 'de-DE' (primary tag fallback)
 * ```
 */
export class LanguageAccept extends Accept {
  protected override normalize(value: string): string {
    return value.toLowerCase().replace(/_/g, '-')
  }

  override bestMatch(candidates: Iterable<string>): string | null
  override bestMatch<D>(candidates: Iterable<string>, defaultValue: D): string | D
  override bestMatch<D>(candidates: Iterable<string>, defaultValue: D | null = null): string | D | null {
    const list = [...candidates]
    const exact = super.bestMatch(list)
    if (exact !== null) return exact
    // The client's primary tags against the candidates ("en-US" accepts "en").
    const primary = (tag: string): string => this.normalize(tag).split('-', 1)[0]
    const clientPrimary = new Accept([...this].map(([value, q]) => [primary(value), q] as const))
    const byClient = clientPrimary.bestMatch(list)
    if (byClient !== null) return byClient
    // The candidates' primary tags against the client ("en" accepts "en-GB").
    const byServer = super.bestMatch(list.map(primary))
    if (byServer !== null) return list.find((c) => primary(c) === byServer) ?? byServer
    return defaultValue
  }
}

const CHARSET_ALIASES: Readonly<Record<string, string>> = {
  latin1: 'iso88591',
  l1: 'iso88591',
  iso885911987: 'iso88591',
  ascii: 'usascii',
  utf: 'utf8',
  ucs2: 'utf16le',
  binary: 'iso88591',
}

/**
 * The `Accept-Charset` header (Werkzeug's `CharsetAccept`): names compare
 * loosely (`UTF-8` = `utf8`, `latin1` = `ISO-8859-1`).
 *
 * @example
 * ```ts
 * new CharsetAccept('ISO-8859-1, utf-8;q=0.7').bestMatch(['utf8', 'latin1']) // 'latin1'
 * ```
 */
export class CharsetAccept extends Accept {
  protected override normalize(value: string): string {
    const key = value.toLowerCase().replace(/[-_\s]/g, '')
    return CHARSET_ALIASES[key] ?? key
  }
}

/**
 * The kinds of header {@link parseAccept} knows.
 *
 * @example
 * ```ts
 * const kind: AcceptKind = 'language'
 * ```
 */
export type AcceptKind = 'mime' | 'language' | 'charset' | 'encoding'

/**
 * Parses an `Accept-*` header into the matching class: `'mime'` for `Accept`,
 * `'language'`, `'charset'`, or `'encoding'` (plain {@link Accept}).
 *
 * @example
 * ```ts
 * parseAccept(req.headers.accept, 'mime').acceptJson
 * parseAccept(req.headers['accept-encoding'], 'encoding').includes('gzip')
 * ```
 */
export function parseAccept(header: string | null | undefined, kind: 'mime'): MIMEAccept
export function parseAccept(header: string | null | undefined, kind: 'language'): LanguageAccept
export function parseAccept(header: string | null | undefined, kind: 'charset'): CharsetAccept
export function parseAccept(header: string | null | undefined, kind?: AcceptKind): Accept
export function parseAccept(header: string | null | undefined, kind: AcceptKind = 'encoding'): Accept {
  const value = header ?? null
  switch (kind) {
    case 'mime':
      return new MIMEAccept(value)
    case 'language':
      return new LanguageAccept(value)
    case 'charset':
      return new CharsetAccept(value)
    default:
      return new Accept(value)
  }
}
