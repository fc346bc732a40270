/**
 * Jinja's filters that Nunjucks lacks or names differently (`tojson`,
 * `format`, `filesizeformat`, `map`, `unique`, `min`, `max`, `items`,
 * `attr`, `xmlattr`, `count`, and Jinja's `selectattr`, `rejectattr`,
 * `groupby`, `dictsort`, `truncate`, `title`, and MarkupSafe's `escape`), plus keyword arguments for Nunjucks' built-in
 * filters (`|sort(attribute='name')`, `|join(', ', attribute='title')`).
 *
 * @module
 */
import { splitKeywords, withKeywords, type Keywords } from './keywords.ts'
import { SafeStringClass, type AnyFunction, type NunjucksContext, type NunjucksEnvironment, type SafeString } from './nunjucks.ts'
import { escapeHtml, installEscapeFilters } from './escape.ts'
import { pyFormat } from './py-format.ts'
import { memberLookup, truthy } from './runtime.ts'
import { contextStorage } from '../core/context.ts'


const JSON_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', "'": '\\u0027' }

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof SafeStringClass) return value.toString()
  if (value instanceof Map) return Object.fromEntries(value)
  if (value instanceof Set) return [...value]
  return value
}

/**
 * JSON that is safe inside HTML, `<script>` and single-quoted attributes:
 * `<`, `>`, `&` and `'` are written as `\u003c`-style escapes (Flask's
 * `htmlsafe_json_dumps`).
 *
 * @example
 * ```ts
 * htmlSafeJson({ html: '</script>' }) // '{"html":"\\u003c/script\\u003e"}'
 * ```
 */
export function htmlSafeJson(value: unknown, indent?: number | string): string {
  const json = JSON.stringify(value, jsonReplacer, indent ?? undefined) ?? 'null'
  return json.replace(/[<>&']/g, (c) => JSON_ESCAPES[c]!)
}

/** A getter for `attribute` (dotted: `user.name`; digits index lists), as Jinja's `make_attrgetter`. */
function attrGetter(attribute: unknown, fallback?: unknown): (item: unknown) => unknown {
  if (attribute === undefined || attribute === null) return (item) => item
  const parts = String(attribute).split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))
  return (item) => {
    let value: unknown = item
    for (const part of parts) value = memberLookup(value, part)
    return value === undefined ? fallback : value
  }
}

const toArray = (value: unknown): unknown[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : Array.from(value as Iterable<unknown>)

const foldCase = (value: unknown, caseSensitive: unknown): unknown =>
  !caseSensitive && typeof value === 'string' ? value.toLowerCase() : value

const compare = (a: unknown, b: unknown): number => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0)

// Flask's tojson: the app's JSON provider (app.json.dumps), then the HTML-safe escapes
function tojson(value: unknown, ...args: unknown[]): SafeString {
  const [positional, kw] = splitKeywords(args)
  const indent = (kw.indent ?? positional[0]) as number | undefined
  const provider = contextStorage.getStore()?.app.json
  if (provider === undefined || value === undefined) return new SafeStringClass(htmlSafeJson(value, indent))
  const json = provider.dumps(value, indent === undefined || indent === null ? {} : { indent })
  return new SafeStringClass(json.replace(/[<>&']/g, (c) => JSON_ESCAPES[c]!))
}

function format(value: unknown, ...args: unknown[]): string {
  const [positional, kw] = splitKeywords(args)
  if (positional.length && Object.keys(kw).length) throw new TypeError("format can't handle positional and keyword arguments at the same time")
  if (Object.keys(kw).length) return pyFormat(String(value), kw)
  const [only] = positional
  if (positional.length === 1 && typeof only === 'object' && only !== null && !Array.isArray(only)) {
    return pyFormat(String(value), only as Record<string, unknown>)
  }
  return pyFormat(String(value), positional)
}

function filesizeformat(value: unknown, binary?: unknown): string {
  const bytes = Number(value)
  const base = binary ? 1024 : 1000
  const prefixes = binary
    ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB']
    : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB']
  if (bytes === 1) return '1 Byte'
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`
  let unit = base
  for (const [i, prefix] of prefixes.entries()) {
    unit = base ** (i + 2)
    if (bytes < unit) return `${((base * bytes) / unit).toFixed(1)} ${prefix}`
  }
  return `${((base * bytes) / unit).toFixed(1)} ${prefixes[prefixes.length - 1]}`
}

function map(this: NunjucksContext, value: unknown, ...args: unknown[]): unknown[] {
  const [positional, kw] = splitKeywords(args)
  const items = toArray(value)
  if (kw.attribute !== undefined) {
    const get = attrGetter(kw.attribute, kw.default)
    return items.map(get)
  }
  const [name, ...rest] = positional
  if (typeof name !== 'string') throw new TypeError("map needs a filter name or attribute='…'")
  const filter = this.env.getFilter(name)
  const extra = Object.keys(kw).length ? [...rest, { ...kw, __keywords: true }] : rest
  return items.map((item) => filter.call(this, item, ...extra))
}

function unique(value: unknown, caseSensitive?: unknown, attribute?: unknown): unknown[] {
  const get = attrGetter(attribute)
  const seen = new Set<unknown>()
  const out: unknown[] = []
  for (const item of toArray(value)) {
    const key = foldCase(get(item), caseSensitive)
    if (!seen.has(key)) {
      seen.add(key)
      out.push(item)
    }
  }
  return out
}

function extreme(sign: 1 | -1) {
  return (value: unknown, caseSensitive?: unknown, attribute?: unknown): unknown => {
    const get = attrGetter(attribute)
    let best: unknown
    let bestKey: unknown
    let first = true
    for (const item of toArray(value)) {
      const key = foldCase(get(item), caseSensitive)
      if (first || compare(key, bestKey) * sign > 0) {
        best = item
        bestKey = key
        first = false
      }
    }
    return best
  }
}

function items(value: unknown): Array<[unknown, unknown]> {
  if (value === undefined || value === null) return []
  if (value instanceof Map) return [...value.entries()]
  return Object.entries(value as object)
}

function attr(value: unknown, name: unknown): unknown {
  return value === undefined || value === null ? undefined : (value as Record<string, unknown>)[String(name)]
}

function xmlattr(value: unknown, autospace: unknown = true): SafeString {
  const parts: string[] = []
  for (const [key, v] of items(value)) {
    if (v === undefined || v === null) continue
    const name = String(key)
    if (/[\s/>=]/.test(name)) throw new TypeError(`Invalid character in attribute name: ${JSON.stringify(name)}`)
    parts.push(`${escapeHtml(name)}="${escapeHtml(v instanceof SafeStringClass ? v.toString() : String(v))}"`)
  }
  const text = parts.join(' ')
  return new SafeStringClass(text && autospace ? ` ${text}` : text)
}

function selectOrReject(keep: boolean) {
  return function (this: NunjucksContext, value: unknown, attribute: unknown, test?: unknown, ...args: unknown[]): unknown[] {
    const get = attrGetter(attribute)
    const check =
      test === undefined ? (v: unknown) => truthy(v) : (v: unknown) => Boolean(this.env.getTest(String(test)).call(this, v, ...args))
    return toArray(value).filter((item) => check(get(item)) === keep)
  }
}

/** A `(grouper, list)` pair that templates can unpack or read by name, as Jinja's `_GroupTuple`. */
type Group = [unknown, unknown[]] & { grouper: unknown; list: unknown[] }

function groupby(value: unknown, attribute: unknown, fallback?: unknown, caseSensitive?: unknown): Group[] {
  const get = attrGetter(attribute, fallback)
  const sorted = toArray(value)
    .map((item) => ({ item, key: foldCase(get(item), caseSensitive), original: get(item) }))
    .sort((a, b) => compare(a.key, b.key))
  const groups: Group[] = []
  for (const { item, key, original } of sorted) {
    const last = groups[groups.length - 1]
    if (last !== undefined && foldCase(last.grouper, caseSensitive) === key) last.list.push(item)
    else {
      const list = [item]
      groups.push(Object.assign([original, list] as [unknown, unknown[]], { grouper: original, list }))
    }
  }
  return groups
}

function dictsort(value: unknown, caseSensitive?: unknown, by?: unknown, reverse?: unknown): unknown[] {
  if (by !== undefined && by !== 'key' && by !== 'value') throw new TypeError("dictsort: 'by' must be 'key' or 'value'")
  const at = by === 'value' ? 1 : 0
  const sorted = items(value).sort((a, b) => compare(foldCase(a[at], caseSensitive), foldCase(b[at], caseSensitive)))
  return reverse ? sorted.reverse() : sorted
}

/** Keeps the input's safeness (a safe string in, a safe string out). */
const copySafeness = (input: unknown, output: string): unknown => (input instanceof SafeStringClass ? new SafeStringClass(output) : output)

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value))

/** Jinja's `truncate`: `length` includes `end`; up to `leeway` (5) extra characters are let through. */
function truncate(value: unknown, length: unknown = 255, killwords: unknown = false, end: unknown = '...', leeway: unknown = 5): unknown {
  const s = text(value)
  const max = Number(length ?? 255)
  const suffix = text(end ?? '...')
  const slack = Number(leeway ?? 5)
  if (max < suffix.length) throw new RangeError(`truncate: expected length >= ${suffix.length}, got ${max}`)
  if (slack < 0) throw new RangeError(`truncate: expected leeway >= 0, got ${slack}`)
  if (s.length <= max + slack) return copySafeness(value, s)
  const head = s.slice(0, max - suffix.length)
  if (killwords) return copySafeness(value, head + suffix)
  const space = head.lastIndexOf(' ')
  return copySafeness(value, (space === -1 ? head : head.slice(0, space)) + suffix)
}

/** Jinja's `title`: each word (after spaces, `-`, brackets) capitalized, the rest lower-cased. */
function title(value: unknown): unknown {
  const s = text(value)
  const out = s
    .split(/([-\s({[<]+)/)
    .map((piece) => (piece ? piece.charAt(0).toUpperCase() + piece.slice(1).toLowerCase() : piece))
    .join('')
  return copySafeness(value, out)
}

/** Jinja names of the parameters of Nunjucks' built-in filters (after the value). */
const BUILTIN_PARAMS: Record<string, readonly string[]> = {
  batch: ['linecount', 'fill_with'],
  center: ['width'],
  default: ['default_value', 'boolean'],
  d: ['default_value', 'boolean'],
  float: ['default'],
  indent: ['width', 'first'],
  int: ['default', 'base'],
  join: ['d', 'attribute'],
  replace: ['old', 'new', 'count'],
  round: ['precision', 'method'],
  slice: ['slices', 'fill_with'],
  sort: ['reverse', 'case_sensitive', 'attribute'],
  sum: ['attribute', 'start'],
  urlize: ['trim_url_limit', 'nofollow'],
}

/**
 * Adds Jinja's filters to an environment and lets Nunjucks' built-in ones
 * take keyword arguments.
 *
 * @example
 * ```ts
 * installFilters(env)
 * ```
 */
export function installFilters(env: NunjucksEnvironment): void {
  for (const [name, params] of Object.entries(BUILTIN_PARAMS)) {
    env.addFilter(name, withKeywords(name, env.getFilter(name), params))
  }
  installEscapeFilters(env)
  const jinja: Record<string, AnyFunction> = {
    truncate: withKeywords('truncate', truncate, ['length', 'killwords', 'end', 'leeway']),
    title,
    tojson,
    format,
    filesizeformat: withKeywords('filesizeformat', filesizeformat, ['binary']),
    map,
    unique: withKeywords('unique', unique, ['case_sensitive', 'attribute']),
    min: withKeywords('min', extreme(-1), ['case_sensitive', 'attribute']),
    max: withKeywords('max', extreme(1), ['case_sensitive', 'attribute']),
    items,
    attr,
    xmlattr: withKeywords('xmlattr', xmlattr, ['autospace']),
    count: env.getFilter('length'),
    selectattr: selectOrReject(true),
    rejectattr: selectOrReject(false),
    groupby: withKeywords('groupby', groupby, ['attribute', 'default', 'case_sensitive']),
    dictsort: withKeywords('dictsort', dictsort, ['case_sensitive', 'by', 'reverse']),
  }
  for (const [name, fn] of Object.entries(jinja)) env.addFilter(name, fn)
}

export type { Keywords }
