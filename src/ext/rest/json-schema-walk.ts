/**
 * Small walks over a JSON Schema: resolving `$ref`s, the types a schema
 * allows, and the properties an object schema declares. Shared by input
 * coercion, the unknown-field check and output filtering.
 */
import type { JsonSchema } from './schema.ts'

/** The schema a `$ref` points to inside `root` (`#/$defs/Name`), or the schema itself. */
export function deref(schema: unknown, root: JsonSchema, depth = 0): JsonSchema | null {
  if (typeof schema !== 'object' || schema === null) return null
  const s = schema as JsonSchema
  const ref = s.$ref
  if (typeof ref !== 'string' || depth > 32) return s
  if (!ref.startsWith('#/')) return null
  let target: unknown = root
  for (const part of ref.slice(2).split('/')) {
    target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return deref(target, root, depth + 1)
}

/** The branches of a schema: itself (and what its own `$ref` points to) plus its `anyOf` / `oneOf` / `allOf` members, resolved. */
export function branches(schema: JsonSchema, root: JsonSchema, out: JsonSchema[] = [], depth = 0): JsonSchema[] {
  if (depth > 16) return out
  out.push(schema)
  // a schema that is a reference (zod's top-level schema with an `id`: `{ $ref: '#/$defs/Pet', $defs }`) is what it points to
  if (typeof schema.$ref === 'string') {
    const target = deref(schema, root)
    if (target && target !== schema) branches(target, root, out, depth + 1)
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key]
    if (Array.isArray(list)) {
      for (const member of list) {
        const s = deref(member, root)
        if (s) branches(s, root, out, depth + 1)
      }
    }
  }
  return out
}

// the walks run per request (query coercion, unknown fields): each is cached per schema object
const typesCache = new WeakMap<JsonSchema, Set<string>>()
const shapeCache = new WeakMap<JsonSchema, { properties: Map<string, JsonSchema>; open: boolean }>()
const itemsCache = new WeakMap<JsonSchema, JsonSchema | null>()

/** The JSON types a schema allows (`'integer'`, `'array'`, …); empty when it does not say. */
export function typesOf(schema: JsonSchema, root: JsonSchema): Set<string> {
  let cached = typesCache.get(schema)
  if (!cached) typesCache.set(schema, (cached = computeTypes(schema, root)))
  return cached
}

function computeTypes(schema: JsonSchema, root: JsonSchema): Set<string> {
  const types = new Set<string>()
  for (const b of branches(schema, root)) {
    const t = b.type
    if (typeof t === 'string') types.add(t)
    else if (Array.isArray(t)) for (const x of t) types.add(String(x))
  }
  return types
}

/**
 * The properties an object schema declares (over all its branches), and
 * whether other keys are allowed (`additionalProperties` true or a schema,
 * `patternProperties`, or a branch that says nothing about its keys).
 */
export function objectShape(schema: JsonSchema, root: JsonSchema): { properties: Map<string, JsonSchema>; open: boolean } {
  let cached = shapeCache.get(schema)
  if (!cached) shapeCache.set(schema, (cached = computeShape(schema, root)))
  return cached
}

function computeShape(schema: JsonSchema, root: JsonSchema): { properties: Map<string, JsonSchema>; open: boolean } {
  const properties = new Map<string, JsonSchema>()
  let open = false
  let sawObject = false
  for (const b of branches(schema, root)) {
    const props = b.properties
    const extra = b.additionalProperties
    if (typeof props === 'object' && props !== null) {
      sawObject = true
      for (const [k, v] of Object.entries(props)) {
        const s = deref(v, root)
        if (s && !properties.has(k)) properties.set(k, s)
      }
    }
    if ((extra !== undefined && extra !== false) || b.patternProperties !== undefined) {
      sawObject = true
      open = true
    }
  }
  return { properties, open: open || !sawObject }
}

/** The item schema of an array schema (over its branches), or null. */
export function itemsOf(schema: JsonSchema, root: JsonSchema): JsonSchema | null {
  let cached = itemsCache.get(schema)
  if (cached === undefined) {
    cached = null
    for (const b of branches(schema, root)) {
      if (b.items !== undefined && typeof b.items === 'object') {
        cached = deref(b.items, root)
        break
      }
    }
    itemsCache.set(schema, cached)
  }
  return cached
}
