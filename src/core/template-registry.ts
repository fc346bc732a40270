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
