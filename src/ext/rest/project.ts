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

/** A schema whose projector only ever unwraps `toJSON()` (no properties, no items, any keys): primitives pass without a call. */
function isLeaf(schema: JsonSchema, root: JsonSchema): boolean {
  const shape = objectShape(schema, root)
  return shape.properties.size === 0 && shape.open && itemsOf(schema, root) === null
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
  const props: Array<[string, Projector, boolean]> = [...shape.properties].map(([k, s]) => [k, build(s, root, seen), isLeaf(s, root)])
  const declared = new Set(shape.properties.keys())
  const freeForm = props.length === 0 && shape.open
  real =
    !shape.open && props.length > 0 && !declared.has('__proto__')
      ? generated(props, items)
      : (value) => {
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

/**
 * The projector of a closed object schema as generated code: one read per
 * declared key and, when every key is present (the usual case), one object
 * literal — a single hidden class, which `JSON.stringify` then walks fast.
 * Same result as the generic loop: declared keys in declared order, those
 * whose value is `undefined` left out; a primitive value of a leaf schema
 * is copied without calling its projector.
 */
function generated(props: ReadonlyArray<readonly [string, Projector, boolean]>, items: Projector | null): Projector {
  const key = (i: number): string => JSON.stringify(props[i]![0])
  const value = (i: number): string => (props[i]![2] ? `(typeof v${i} !== 'object' || v${i} === null ? v${i} : p${i}(v${i}))` : `p${i}(v${i})`)
  const reads = props.map((_, i) => `v${i} = source[${key(i)}]`).join(', ')
  const all = props.map((_, i) => `v${i} !== undefined`).join(' && ')
  const literal = props.map((_, i) => `${key(i)}: ${value(i)}`).join(', ')
  const some = props.map((_, i) => `if (v${i} !== undefined) out[${key(i)}] = ${value(i)}`).join('\n')
  const code = `return function project(source) {
    if (Array.isArray(source)) return items === null ? source : source.map(items)
    if (typeof source !== 'object' || source === null || source instanceof Date || source instanceof Uint8Array) return source
    const toJSON = source.toJSON
    if (typeof toJSON === 'function') return project(toJSON.call(source))
    const ${reads}
    if (${all}) return { ${literal} }
    const out = {}
    ${some}
    return out
  }`
  const names = props.map((_, i) => `p${i}`)
  return new Function('items', ...names, code)(items, ...props.map((p) => p[1])) as Projector
}
