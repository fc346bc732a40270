/**
 * The runtime helpers Phial's compiled templates call: Nunjucks' own, with
 * Jinja's semantics where they differ — Python truthiness (an empty list or
 * dict is false), `True`/`False`/`None`, Python methods on values,
 * MarkupSafe's escaping, and errors that carry the template's location.
 *
 * @module
 */
import { locateError, type TemplateInfo } from './errors.ts'
import { SafeStringClass, nunjucks, type Frame, type NunjucksContext, type NunjucksRuntime } from './nunjucks.ts'
import { overriddenStringMethod, pythonMember } from './python-methods.ts'
import { printNone, suppressValue } from './escape.ts'

// Nunjucks' runtime, taken when the first template is compiled (createRuntime)
let base: NunjucksRuntime
let baseLookup: NunjucksRuntime['contextOrFrameLookup']

/**
 * Python's truth value: empty strings, lists, dicts, maps and sets are false,
 * as are `0`, `null`, `undefined` and `false`; other objects are true.
 *
 * @example
 * ```ts
 * truthy([])        // false
 * truthy({})        // false
 * truthy({ a: 1 })  // true
 * truthy('0')       // true
 * ```
 */
export function truthy(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return Boolean(value)
  if (Array.isArray(value)) return value.length > 0
  if (value instanceof SafeStringClass) return value.length > 0
  if (value instanceof Map || value instanceof Set) return value.size > 0
  const proto = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null) {
    for (const _ in value) return true
    return false
  }
  return true
}

/**
 * `obj.key` / `obj[key]` in a template: the property (methods bound to
 * `obj`), else a Python-style member (see python-methods.ts).
 *
 * @example
 * ```ts
 * memberLookup({ a: 1 }, 'a') // 1
 * ```
 */
export function memberLookup(obj: unknown, key: unknown): unknown {
  if (obj === undefined || obj === null) return undefined
  const value = (obj as Record<string, unknown>)[key as string]
  if (typeof value === 'function') {
    if (typeof obj === 'string') {
      const python = overriddenStringMethod(obj, key as string)
      if (python !== undefined) return python
    }
    return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(obj, args)
  }
  return value === undefined ? pythonMember(obj, key) : value
}

/**
 * A variable: the frame, then the context, then the globals; then Jinja's
 * `True`, `False` and `None`.
 *
 * @example
 * ```ts
 * contextOrFrameLookup(context, frame, 'None') // null
 * ```
 */
export function contextOrFrameLookup(context: NunjucksContext, frame: Frame, name: string): unknown {
  const value = baseLookup(context, frame, name)
  if (value !== undefined) return value
  switch (name) {
    case 'True': return true
    case 'False': return false
    case 'None': return null
    default: return undefined
  }
}

/**
 * Python's `seq[start:stop:step]` for arrays, strings and other iterables.
 *
 * @example
 * ```ts
 * slice([1, 2, 3, 4], null, 2, null)   // [1, 2]
 * slice('hello', null, null, -1)        // 'olleh'
 * ```
 */
export function slice(value: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (value === undefined || value === null) return []
  const isString = typeof value === 'string'
  const seq: ArrayLike<unknown> = isString || Array.isArray(value) ? (value as ArrayLike<unknown>) : Array.from(value as Iterable<unknown>)
  const by = step === null || step === undefined ? 1 : Number(step)
  if (by === 0) throw new RangeError('slice step cannot be zero')
  const len = seq.length
  const clamp = (v: unknown, fallback: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return fallback
    let n = Math.trunc(Number(v))
    if (n < 0) n += len
    return Math.min(Math.max(n, lo), hi)
  }
  const from = by > 0 ? clamp(start, 0, 0, len) : clamp(start, len - 1, -1, len - 1)
  const to = by > 0 ? clamp(stop, len, 0, len) : clamp(stop, -1, -1, len - 1)
  const out: unknown[] = []
  if (by > 0) for (let i = from; i < to; i += by) out.push(seq[i])
  else for (let i = from; i > to; i += by) out.push(seq[i])
  return isString ? out.join('') : out
}

let shared: NunjucksRuntime | undefined

function sharedRuntime(): NunjucksRuntime {
  if (shared === undefined) {
    base = nunjucks.runtime
    baseLookup = base.contextOrFrameLookup
    shared = { ...base, memberLookup, contextOrFrameLookup, truthy, suppressValue, printNone, slice }
  }
  return shared
}

/**
 * The runtime object of one compiled template: the shared helpers, and a
 * `handleError` that stamps errors with this template's name, file and line.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ name: 'index.html', filename: '/srv/app/templates/index.html' })
 * ```
 */
export function createRuntime(template: TemplateInfo): NunjucksRuntime {
  return {
    ...sharedRuntime(),
    handleError: (error: unknown, lineno: number, colno: number) => locateError(error, template, lineno, colno),
  }
}
