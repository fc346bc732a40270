/**
 * The filters, tests and globals an app (or a blueprint, for its app)
 * registers. A registry counts its changes so that the app's template
 * environment picks up later registrations with one comparison.
 *
 * @module
 */

/**
 * A template filter: the value before `|`, then the filter's arguments. When
 * the template passes keyword arguments (`x|f(a, b=1)`), the last argument is
 * an object of them, with a `__keywords: true` marker.
 *
 * @example
 * ```ts
 * const reverse: TemplateFilter = (s: string) => [...s].reverse().join('')
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TemplateFilter = (value: any, ...args: any[]) => unknown

/**
 * A template test (`{% if n is prime %}`): the value, then the arguments.
 *
 * @example
 * ```ts
 * const prime: TemplateTest = (n: number) => n > 1 && [...Array(n).keys()].slice(2).every((d) => n % d !== 0)
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TemplateTest = (value: any, ...args: any[]) => boolean

/**
 * Name → filter, test or global, with a change counter.
 *
 * @example
 * ```ts
 * const filters = new TemplateRegistry<TemplateFilter>()
 * filters.set('shout', (s: string) => s.toUpperCase())
 * filters.version // 1
 * ```
 */
export class TemplateRegistry<T> extends Map<string, T> {
  /** Incremented by every `set` and `delete`. */
  version = 0

  override set(name: string, value: T): this {
    this.version = (this.version ?? 0) + 1
    return super.set(name, value)
  }

  override delete(name: string): boolean {
    this.version++
    return super.delete(name)
  }

  override clear(): void {
    this.version++
    super.clear()
  }
}

/**
 * What a template loader returns for a name it has (Jinja's
 * `(source, filename, uptodate)` triple).
 *
 * @example
 * ```ts
 * const found: TemplateSource = { source: 'Hello {{ name }}', filename: null }
 * ```
 */
export interface TemplateSource {
  /** The template's text. */
  source: string
  /** The file it came from, shown in errors; null when there is none. */
  filename: string | null
  /** In auto-reload mode, asked before each use: false reloads the template. Absent: always current. */
  upToDate?: () => boolean
}

/**
 * A template loader (Jinja's `BaseLoader`): what `app.createGlobalTemplateLoader()`
 * returns to load templates from somewhere other than the template folders
 * (a database, a dict, a package). Phial compiles what it returns.
 *
 * @example
 * ```ts
 * const loader: TemplateSourceLoader = {
 *   getSource: (name) => (name === 'index.html' ? { source: 'Hello!', filename: null } : null),
 *   listTemplates: () => ['index.html'],
 * }
 * ```
 */
export interface TemplateSourceLoader {
  /** The template called `name`, or null when this loader does not have it. */
  getSource(name: string): TemplateSource | null
  /** Every template name this loader has (for `listTemplates()`); optional. */
  listTemplates?(): string[]
}

/**
 * The name a filter, test or global registered without one gets: the
 * function's own name (Flask's `f.__name__`).
 *
 * @example
 * ```ts
 * templateName(function my_reverse(s: string) { return s }, 'addTemplateFilter') // 'my_reverse'
 * ```
 */
export function templateName(value: unknown, method: string): string {
  const name = typeof value === 'function' ? value.name : ''
  if (typeof name !== 'string' || name === '' || name === 'anonymous') {
    throw new TypeError(`${method}(): the value has no name to register it under; pass one: ${method}(fn, 'name')`)
  }
  return name
}

/**
 * The name and value of `templateFilter(name, fn)` or `templateFilter(fn)`
 * (Flask's `@app.template_filter()`, named after the function).
 *
 * @example
 * ```ts
 * namedArgs([function shout() {}], 'templateFilter') // ['shout', shout]
 * ```
 */
export function namedArgs<T>(args: readonly unknown[], method: string): [string, T] {
  if (args.length === 1) {
    if (typeof args[0] === 'string') throw new TypeError(`${method}('${args[0]}'): pass the function too: ${method}('${args[0]}', fn)`)
    return [templateName(args[0], method), args[0] as T]
  }
  if (typeof args[0] !== 'string') throw new TypeError(`${method}(name, value): the name must be a string, or pass only a named function`)
  return [args[0], args[1] as T]
}
