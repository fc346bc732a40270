/**
 * Task arguments and results travel as JSON (through Redis, or copied
 * in-process so that both behave alike). This refuses, with the path of the
 * offending value, anything JSON would silently change or drop.
 */

/**
 * A value that survives `JSON.stringify` / `JSON.parse` unchanged.
 *
 * @example
 * ```ts
 * const args: JsonValue[] = [1, 'two', { three: [3] }, null]
 * ```
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

function describe(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'number') return String(value)
  if (typeof value === 'bigint') return 'a bigint'
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`
  if (typeof value === 'symbol') return 'a symbol'
  const name = (value as object).constructor?.name
  return name ? `a ${name}` : 'an object with a null prototype'
}

function hint(value: unknown): string {
  if (value instanceof Date) return ' (pass date.toISOString() and parse it in the task)'
  if (value instanceof Map || value instanceof Set) return ' (pass an array or a plain object)'
  if (value === undefined) return ' (pass null)'
  if (typeof value === 'bigint') return ' (pass it as a string)'
  if (typeof value === 'object' && value !== null) return ' (pass its JSON-able fields as a plain object, e.g. an id to load it again in the task)'
  return ''
}

const NOT_JSON = 'which is not JSON'

function refuse(label: string, path: string, v: unknown, why: string): never {
  throw new TypeError(`${label} ${path || '(the value)'} is ${describe(v)}, ${why}${hint(v)}.`)
}

/**
 * Throws a `TypeError` naming `label` and the path when `value` is not plain
 * JSON: `undefined`, functions, symbols, bigints, `NaN`/`Infinity`, `Date`,
 * `Map`, `Set`, class instances and cycles are refused.
 *
 * @example
 * ```ts
 * assertJson([1, new Date()], 'add.delay(): argument')
 * // TypeError: add.delay(): argument [1] is a Date, which is not JSON (pass date.toISOString() and parse it in the task)
 * ```
 */
export function assertJson(value: unknown, label: string, path = '', seen: Set<object> = new Set()): asserts value is JsonValue {
  // No closure per value: this runs for every argument of every task sent.
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) refuse(label, path, value, 'which JSON turns into null')
    return
  }
  if (typeof value !== 'object') return refuse(label, path, value, NOT_JSON)
  if (seen.has(value)) return refuse(label, path, value, 'a cycle (it contains itself)')
  if (Array.isArray(value)) {
    seen.add(value)
    for (let i = 0; i < value.length; i++) assertJson(value[i], label, `${path}[${i}]`, seen)
    seen.delete(value)
    return
  }
  const proto = Object.getPrototypeOf(value) as unknown
  if (proto !== Object.prototype && proto !== null) return refuse(label, path, value, NOT_JSON)
  seen.add(value)
  for (const [key, item] of Object.entries(value)) {
    // An undefined property is dropped by JSON, which changes nothing the task could see.
    if (item === undefined) continue
    assertJson(item, label, `${path}.${key}`, seen)
  }
  seen.delete(value)
}

/**
 * A deep copy through JSON, after {@link assertJson}: what a worker would receive.
 *
 * @example
 * ```ts
 * const copy = jsonCopy([{ a: 1 }], 'argument') // a fresh [{ a: 1 }]
 * ```
 */
export function jsonCopy<T>(value: T, label: string): T {
  assertJson(value, label)
  return JSON.parse(JSON.stringify(value)) as T
}
