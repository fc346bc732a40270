/**
 * Output filtering (marshalling): a function compiled once from a response
 * schema's JSON Schema that copies only the declared properties, at every
 * depth — so a user row with a `passwordHash` loses it on the way out,
 * whatever the view returned.
 */
import type { JsonSchema } from './schema.ts'
import { itemsOf, objectShape } from './json-schema-walk.ts'

/** Turns a value into what its schema allows to be sent. */
export type Projector = (value: unknown) => unknown

const compiled = new WeakMap<JsonSchema, Projector>()

/**
 * The projector of a JSON Schema (cached per schema object). Objects keep
 * the properties their schema declares (and, when it allows other keys, the
 * rest); arrays are projected item by item; an object with `toJSON` (a
 * model instance) is projected through what `toJSON()` returns; other
 * values pass unchanged.
 *
 * @example
 * ```ts
 * const project = compileProjector({ type: 'object', properties: { id: { type: 'integer' } } })
 * project({ id: 1, passwordHash: 'x' }) // { id: 1 }
 * ```
 */
export function compileProjector(schema: JsonSchema): Projector {
  let fn = compiled.get(schema)
  if (!fn) {
    fn = build(schema, schema, new Map())
    compiled.set(schema, fn)
  }
  return fn
}

function build(schema: JsonSchema, root: JsonSchema, seen: Map<JsonSchema, Projector>): Projector {
  const existing = seen.get(schema)
  if (existing) return existing
  // a placeholder first, so a recursive schema ($ref to itself) compiles
  let real: Projector = (v) => v
  const lazy: Projector = (v) => real(v)
  seen.set(schema, lazy)
  const shape = objectShape(schema, root)
  const itemSchema = itemsOf(schema, root)
  const items = itemSchema ? build(itemSchema, root, seen) : null
  const props: Array<[string, Projector]> = [...shape.properties].map(([k, s]) => [k, build(s, root, seen)])
  const declared = new Set(shape.properties.keys())
  const freeForm = props.length === 0 && shape.open
  real = (value) => {
    if (Array.isArray(value)) return items ? value.map(items) : value
    if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof Uint8Array) return value
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') return real(toJSON.call(value))
    if (freeForm) return value
    const source = value as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const [k, project] of props) {
      const v = source[k]
      if (v !== undefined) out[k] = project(v)
    }
    if (shape.open) for (const k of Object.keys(source)) if (!declared.has(k)) out[k] = source[k]
    return out
  }
  return lazy
}
