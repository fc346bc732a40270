/**
 * Request parts as plain objects for validation: query/form MultiDicts and
 * headers turned into objects, strings coerced to the numbers and booleans
 * the schema asks for (as Fastify's ajv `coerceTypes` does for query
 * strings), and unknown fields found.
 */
import type { JsonSchema } from './schema.ts'
import { deref, itemsOf, objectShape, typesOf } from './json-schema-walk.ts'

/** What `request.args` and `request.form` are: ordered keys, each with its values. */
export interface MultiValueSource {
  keys(): Iterable<string>
  getAll(key: string): string[]
}

/**
 * A MultiDict as an object: a key the schema types as an array keeps all
 * its values; any other key its first (a repeated key without an array
 * schema also keeps all, so validation reports it instead of dropping it).
 */
export function multiToObject(source: MultiValueSource, schema: JsonSchema | null): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null)
  const shape = schema ? objectShape(schema, schema) : null
  for (const key of new Set(source.keys())) {
    const values = source.getAll(key)
    const prop = shape?.properties.get(key)
    const wantsArray = prop !== undefined && typesOf(prop, schema!).has('array')
    out[key] = wantsArray || values.length > 1 ? values : values[0]
  }
  return { ...out }
}

/** Converts one string to what the schema's types ask for, when it reads as one. */
function coerceScalar(value: string, types: Set<string>): unknown {
  if (types.size === 0 || types.has('string')) return value
  if ((types.has('integer') || types.has('number')) && value.trim() !== '' && Number.isFinite(Number(value))) {
    const n = Number(value)
    if (types.has('number') || Number.isInteger(n)) return n
  }
  if (types.has('boolean')) {
    if (value === 'true' || value === '1' || value === 'on') return true
    if (value === 'false' || value === '0' || value === 'off' || value === '') return false
  }
  if (types.has('null') && value === '') return null
  return value
}

/**
 * Strings (from a query string, form or headers) coerced by the schema:
 * `'2'` becomes 2 where an integer is expected, `'true'` true where a
 * boolean is. Values that do not read as the type stay strings, so the
 * schema reports them.
 */
export function coerceStrings(value: unknown, schema: JsonSchema | null, root: JsonSchema | null = schema, depth = 0): unknown {
  if (schema === null || root === null || depth > 32) return value
  if (typeof value === 'string') return coerceScalar(value, typesOf(schema, root))
  if (Array.isArray(value)) {
    const items = itemsOf(schema, root)
    return items ? value.map((v) => coerceStrings(v, items, root, depth + 1)) : value
  }
  if (typeof value === 'object' && value !== null) {
    const { properties } = objectShape(schema, root)
    if (properties.size === 0) return value
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) }
    for (const [k, v] of Object.entries(out)) {
      const prop = properties.get(k)
      if (prop) out[k] = coerceStrings(v, prop, root, depth + 1)
    }
    return out
  }
  return value
}

/**
 * The paths of keys that the schema does not declare, in objects whose
 * schema is closed (declares properties and allows nothing else, as
 * marshmallow's `unknown = RAISE`), at any depth.
 */
export function unknownFields(value: unknown, schema: JsonSchema | null, root: JsonSchema | null = schema, path: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (schema === null || root === null || path.length > 32) return out
  if (Array.isArray(value)) {
    const items = itemsOf(schema, root)
    if (items) value.forEach((v, i) => unknownFields(v, items, root, [...path, i], out))
    return out
  }
  if (typeof value !== 'object' || value === null) return out
  const { properties, open } = objectShape(schema, root)
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const prop = properties.get(k)
    if (prop) unknownFields(v, deref(prop, root), root, [...path, k], out)
    else if (!open) out.push([...path, k])
  }
  return out
}

const unknownChecks = new WeakMap<JsonSchema, (value: unknown) => boolean>()

/**
 * Whether {@link unknownFields} would find anything, as a function built
 * once per schema: the valid body's check reads each key once and
 * allocates no paths (those are found only when there is an unknown key).
 *
 * @example
 * ```ts
 * hasUnknownFields({ type: 'object', properties: { a: {} }, additionalProperties: false })({ a: 1, b: 2 }) // true
 * ```
 */
export function hasUnknownFields(schema: JsonSchema): (value: unknown) => boolean {
  let check = unknownChecks.get(schema)
  if (!check) unknownChecks.set(schema, (check = buildUnknownCheck(schema, schema, new Map()) ?? (() => false)))
  return check
}

type Check = (value: unknown) => boolean

/** The check of one schema, or null when no value can have unknown keys under it (no closed object, no item or property that has one). */
function buildUnknownCheck(schema: JsonSchema, root: JsonSchema, seen: Map<JsonSchema, Check | null>): Check | null {
  if (seen.has(schema)) return seen.get(schema)!
  // a placeholder first, so a recursive schema ($ref to itself) builds
  let real: Check = () => false
  const lazy: Check = (v) => real(v)
  seen.set(schema, lazy)
  const { properties, open } = objectShape(schema, root)
  const itemSchema = itemsOf(schema, root)
  const items = itemSchema ? buildUnknownCheck(itemSchema, root, seen) : null
  const children = new Map<string, Check>()
  for (const [k, s] of properties) {
    const target = deref(s, root)
    const child = target ? buildUnknownCheck(target, root, seen) : null
    if (child) children.set(k, child)
  }
  if (open && items === null && children.size === 0) {
    seen.set(schema, null)
    return null
  }
  real = (value) => {
    if (Array.isArray(value)) {
      if (items !== null) for (let i = 0; i < value.length; i++) if (items(value[i])) return true
      return false
    }
    if (typeof value !== 'object' || value === null) return false
    const keys = Object.keys(value)
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!
      const child = children.get(k)
      if (child !== undefined) {
        if (child((value as Record<string, unknown>)[k])) return true
      } else if (!open && !properties.has(k)) return true
    }
    return false
  }
  return lazy
}
