/**
 * Jinja's tests that Nunjucks lacks: `boolean`, `true`, `false`,
 * `integer`, `float`, `sequence`, `in`, `filter`, `test`.
 *
 * @module
 */
import type { NunjucksContext, NunjucksEnvironment } from './nunjucks.ts'

function isIn(value: unknown, container: unknown): boolean {
  if (typeof container === 'string') return container.includes(String(value))
  if (Array.isArray(container)) return container.includes(value)
  if (container instanceof Map || container instanceof Set) return container.has(value)
  if (typeof container === 'object' && container !== null) return Object.hasOwn(container, String(value))
  return false
}

/**
 * Adds Jinja's missing tests to an environment.
 *
 * @example
 * ```ts
 * installTests(env) // then: {% if page is integer %}, {% if x is true %}, {% if 'a' is in(letters) %}
 * ```
 */
export function installTests(env: NunjucksEnvironment): void {
  const tests: Record<string, (this: NunjucksContext, value: unknown, ...args: unknown[]) => boolean> = {
    boolean: (v) => typeof v === 'boolean',
    true: (v) => v === true,
    false: (v) => v === false,
    integer: (v) => typeof v === 'number' && Number.isInteger(v),
    float: (v) => typeof v === 'number' && !Number.isInteger(v),
    sequence: (v) => typeof v === 'string' || Array.isArray(v) || (typeof v === 'object' && v !== null && Symbol.iterator in v),
    in: isIn,
    filter: function (v) {
      return typeof v === 'string' && typeof this.env.filters[v] === 'function'
    },
    test: function (v) {
      return typeof v === 'string' && typeof this.env.tests[v] === 'function'
    },
  }
  for (const [name, fn] of Object.entries(tests)) env.addTest(name, fn)
}
