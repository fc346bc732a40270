/**
 * The `resources` option: path patterns, each with its policy, tried from
 * the most specific (longest) to the least, as Flask-CORS does.
 */
import type { CorsOptions, ResourcePattern, ResourcesOption } from './types.ts'

/**
 * One parsed resource: its pattern, as given and compiled, and its own options.
 *
 * @example
 * ```ts
 * const [api]: ParsedResource[] = parseResources({ '/api/*': { maxAge: 60 } })
 * api.test('/api/users') // true
 * ```
 */
export interface ParsedResource {
  readonly source: string
  readonly test: (path: string) => boolean
  readonly options: CorsOptions
}

/**
 * Compiles a pattern to a whole-path test. In a string, `*` matches any run
 * of characters; a trailing `/*` also matches the bare prefix. Matching is
 * case-sensitive, like routing (Flask-CORS 6 too).
 *
 * @example
 * ```ts
 * compilePattern('/api/*')('/api')          // true
 * compilePattern('/api/*')('/apiary')       // false
 * compilePattern(/^\/v\d+\//)('/v2/users')  // true
 * ```
 */
export function compilePattern(pattern: ResourcePattern): (path: string) => boolean {
  if (pattern instanceof RegExp) {
    const re = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''))
    return (path) => re.test(path)
  }
  if (typeof pattern !== 'string' || pattern === '') {
    throw new TypeError(`CORS resources take path patterns (strings or RegExps), got ${JSON.stringify(pattern)}.`)
  }
  if (pattern === '*' || pattern === '/*') return () => true
  if (!pattern.includes('*')) return (path) => path === pattern
  const body = pattern
  let bareAlso: string | null = null
  if (body.endsWith('/*')) bareAlso = body.slice(0, -2)
  const parts = body.split('*')
  return (path) => (bareAlso !== null && path === bareAlso) || globMatch(parts, path)
}

/**
 * Whole-string match of a glob split at its `*`s, without a RegExp: the
 * first part is a prefix, the last a suffix, the middle ones are found in
 * order (leftmost is always right when `*` is the only wildcard). Linear in
 * the path for a fixed pattern, so a long path cannot make it backtrack.
 */
function globMatch(parts: readonly string[], path: string): boolean {
  const first = parts[0]!
  const last = parts[parts.length - 1]!
  if (path.length < first.length + last.length || !path.startsWith(first) || !path.endsWith(last)) return false
  let at = first.length
  const end = path.length - last.length
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i]!
    const found = path.indexOf(part, at)
    if (found === -1 || found + part.length > end) return false
    at = found + part.length
  }
  return true
}

function sourceOf(pattern: ResourcePattern): string {
  return pattern instanceof RegExp ? pattern.source : pattern
}

/**
 * Parses `resources` into a list sorted by specificity: longer patterns
 * first, so `'/api/public/*'` wins over `'/api/*'`, which wins over `'/*'`.
 *
 * @throws TypeError for a value that is not a pattern, a list, or an object of options.
 *
 * @example
 * ```ts
 * parseResources({ '/api/*': { origins: 'https://a.test' }, '/*': {} }).map((r) => r.source) // ['/api/*', '/*']
 * ```
 */
export function parseResources(resources: ResourcesOption): ParsedResource[] {
  let pairs: Array<readonly [ResourcePattern, CorsOptions]>
  if (typeof resources === 'string' || resources instanceof RegExp) pairs = [[resources, {}]]
  else if (Array.isArray(resources)) {
    pairs = (resources as ReadonlyArray<ResourcePattern | readonly [ResourcePattern, CorsOptions]>).map((item) =>
      Array.isArray(item) ? (item as readonly [ResourcePattern, CorsOptions]) : [item as ResourcePattern, {}],
    )
  } else if (resources !== null && typeof resources === 'object') {
    pairs = Object.entries(resources as Record<string, CorsOptions>)
  } else {
    throw new TypeError(`CORS resources must be a pattern, a list of patterns, or an object of options, got ${typeof resources}.`)
  }
  return pairs
    .map(([pattern, options]) => {
      if (options === null || typeof options !== 'object') {
        throw new TypeError(`The options of CORS resource ${JSON.stringify(sourceOf(pattern))} must be an object.`)
      }
      return { source: sourceOf(pattern), test: compilePattern(pattern), options }
    })
    .sort((a, b) => b.source.length - a.source.length)
}
