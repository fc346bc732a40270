/**
 * The Python methods and attributes Jinja templates call on values —
 * `d.items()`, `s.upper()`, `', '.join(names)`, `date.strftime(...)`,
 * `loop.cycle('odd', 'even')` — for the JavaScript values they get. Looked
 * up only when the value has no such property itself, and Map-like objects
 * (`Map`, the session, `request.args`) answer `obj.key` / `obj['key']` with
 * `obj.get(key)`, as Jinja falls back from attributes to items.
 *
 * @module
 */
import { strftime } from './strftime.ts'

type Method = (...args: never[]) => unknown

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function pyStrip(s: string, chars: unknown, start: boolean, end: boolean): string {
  if (chars === undefined || chars === null) {
    if (start && end) return s.trim()
    return start ? s.trimStart() : s.trimEnd()
  }
  const set = String(chars)
  let i = 0
  let j = s.length
  if (start) while (i < j && set.includes(s[i]!)) i++
  if (end) while (j > i && set.includes(s[j - 1]!)) j--
  return s.slice(i, j)
}

function stringMethod(s: string, key: string): Method | undefined {
  switch (key) {
    case 'upper': return () => s.toUpperCase()
    case 'lower': return () => s.toLowerCase()
    case 'strip': return (chars?: unknown) => pyStrip(s, chars, true, true)
    case 'lstrip': return (chars?: unknown) => pyStrip(s, chars, true, false)
    case 'rstrip': return (chars?: unknown) => pyStrip(s, chars, false, true)
    case 'title': return () => s.toLowerCase().replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase())
    case 'capitalize': return () => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase()
    case 'startswith': return (prefix: unknown) => (Array.isArray(prefix) ? prefix : [prefix]).some((p) => s.startsWith(String(p)))
    case 'endswith': return (suffix: unknown) => (Array.isArray(suffix) ? suffix : [suffix]).some((p) => s.endsWith(String(p)))
    case 'join': return (items: unknown) => Array.from(items as Iterable<unknown>, String).join(s)
    case 'replace':
      return (old: unknown, next: unknown, count?: unknown) => {
        if (typeof count !== 'number' || count < 0) return s.split(String(old)).join(String(next))
        let out = s
        let from = 0
        for (let n = 0; n < count; n++) {
          const at = out.indexOf(String(old), from)
          if (at === -1) break
          out = out.slice(0, at) + String(next) + out.slice(at + String(old).length)
          from = at + String(next).length
        }
        return out
      }
    case 'split':
      return (sep?: unknown, max?: unknown) => {
        const parts = sep === undefined || sep === null ? s.trim().split(/\s+/).filter(Boolean) : s.split(String(sep))
        if (typeof max !== 'number' || max < 0 || parts.length <= max + 1) return parts
        const joiner = sep === undefined || sep === null ? ' ' : String(sep)
        return [...parts.slice(0, max), parts.slice(max).join(joiner)]
      }
    case 'find': return (sub: unknown) => s.indexOf(String(sub))
    case 'count': return (sub: unknown) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1)
    case 'isdigit': return () => /^\d+$/.test(s)
    case 'isalpha': return () => /^\p{L}+$/u.test(s)
    case 'isspace': return () => /^\s+$/.test(s)
    case 'zfill': return (width: unknown) => s.padStart(Number(width), '0')
    default: return undefined
  }
}

function mappingMethod(obj: Record<string, unknown>, key: string): Method | undefined {
  switch (key) {
    case 'items': return () => Object.entries(obj)
    case 'keys': return () => Object.keys(obj)
    case 'values': return () => Object.values(obj)
    case 'get': return (k: unknown, fallback: unknown = null) => (Object.hasOwn(obj, String(k)) ? obj[String(k)] : fallback)
    default: return undefined
  }
}

function dateMember(d: Date, key: string): unknown {
  switch (key) {
    case 'strftime': return (format: unknown) => strftime(d, String(format))
    case 'isoformat': return () => d.toISOString()
    case 'year': return d.getFullYear()
    case 'month': return d.getMonth() + 1
    case 'day': return d.getDate()
    case 'hour': return d.getHours()
    case 'minute': return d.getMinutes()
    case 'second': return d.getSeconds()
    case 'weekday': return () => (d.getDay() + 6) % 7
    default: return undefined
  }
}

/**
 * Python methods whose JavaScript namesake behaves differently (`str.replace`
 * replaces every occurrence, `str.split()` splits on whitespace), used even
 * though the string has the property.
 *
 * @example
 * ```ts
 * overriddenStringMethod('a-b-c', 'replace')!('-', ' ') // 'a b c'
 * ```
 */
export function overriddenStringMethod(s: string, key: string): Method | undefined {
  return key === 'replace' || key === 'split' ? stringMethod(s, key) : undefined
}

/**
 * The Python-style member `key` of `obj` when `obj[key]` is undefined, or
 * undefined.
 *
 * @example
 * ```ts
 * (pythonMember({ a: 1 }, 'items') as () => unknown)() // [['a', 1]]
 * pythonMember(new Map([['k', 2]]), 'k')                // 2
 * ```
 */
export function pythonMember(obj: unknown, key: unknown): unknown {
  if (typeof key !== 'string') return undefined
  if (typeof obj === 'string') return stringMethod(obj, key)
  if (typeof obj !== 'object' || obj === null) return undefined
  if (obj instanceof Date) return dateMember(obj, key)
  if (Array.isArray(obj)) {
    if (key === 'index') return (item: unknown) => obj.indexOf(item)
    if (key === 'count') return (item: unknown) => obj.filter((x) => x === item).length
    return undefined
  }
  if (obj instanceof Map) {
    if (key === 'items') return () => [...obj.entries()]
    return obj.get(key)
  }
  if (isPlainObject(obj)) {
    if (key === 'cycle' && 'index0' in obj && 'revindex0' in obj) {
      // the `loop` variable of a {% for %}
      return (...items: unknown[]) => items[(obj.index0 as number) % items.length]
    }
    return mappingMethod(obj, key)
  }
  const mapLike = obj as { get?: unknown; has?: unknown }
  if (typeof mapLike.get === 'function' && typeof mapLike.has === 'function') {
    const m = obj as { get(k: string): unknown; has(k: string): boolean }
    return m.has(key) ? m.get(key) : undefined
  }
  return undefined
}
