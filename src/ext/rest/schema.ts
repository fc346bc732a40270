/**
 * Standard Schema glue: running any library's schema, reading its types,
 * and its JSON Schema (Standard JSON Schema, e.g. zod 4's) once per schema.
 */
import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec'

export type { StandardSchemaV1, StandardJSONSchemaV1 }

/**
 * A schema of any Standard Schema library (zod, valibot, arktype, …).
 *
 * @example
 * ```ts
 * import { z } from 'zod'
 * const schema: AnySchema = z.object({ title: z.string() })
 * ```
 */
export type AnySchema = StandardSchemaV1<unknown, unknown>

/**
 * What a schema accepts (its input type).
 *
 * @example
 * ```ts
 * type In = SchemaInput<typeof z.object({ n: z.coerce.number() })>   // { n: unknown }
 * ```
 */
export type SchemaInput<S> = S extends StandardSchemaV1<infer I, unknown> ? I : unknown

/**
 * What a schema gives after validation (its output type).
 *
 * @example
 * ```ts
 * type Out = SchemaOutput<typeof z.object({ n: z.coerce.number() })>  // { n: number }
 * ```
 */
export type SchemaOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : unknown

/** A JSON Schema (2020-12) object. */
export type JsonSchema = Record<string, unknown>

const inputSchemas = new WeakMap<object, JsonSchema | null>()
const outputSchemas = new WeakMap<object, JsonSchema | null>()

/**
 * The JSON Schema (draft 2020-12, which is OpenAPI 3.1's dialect) of a
 * schema's input or output, from its Standard JSON Schema converter; null
 * when the library has none or the schema cannot be expressed (a zod
 * `z.date()`). Computed once per schema.
 *
 * @example
 * ```ts
 * jsonSchemaOf(z.object({ title: z.string() }))  // { type: 'object', properties: { title: { type: 'string' } }, ... }
 * ```
 */
export function jsonSchemaOf(schema: AnySchema, io: 'input' | 'output' = 'input'): JsonSchema | null {
  const cache = io === 'input' ? inputSchemas : outputSchemas
  let found = cache.get(schema)
  if (found === undefined) {
    found = null
    const converter = (schema['~standard'] as Partial<StandardJSONSchemaV1.Props>).jsonSchema
    if (converter && typeof converter[io] === 'function') {
      try {
        found = converter[io]({ target: 'draft-2020-12' })
      } catch {
        found = null
      }
    }
    cache.set(schema, found)
  }
  return found
}

/**
 * True when `value` is a Standard Schema.
 *
 * @example
 * ```ts
 * isStandardSchema(z.string()) // true
 * ```
 */
export function isStandardSchema(value: unknown): value is AnySchema {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false
  const props = (value as { '~standard'?: { validate?: unknown } })['~standard']
  return typeof props === 'object' && props !== null && typeof props.validate === 'function'
}

/**
 * Validates a value: the result, or a promise of it when the library
 * validates asynchronously.
 *
 * @example
 * ```ts
 * const result = runSchema(z.number(), '1')  // { issues: [...] }
 * ```
 */
export function runSchema(
  schema: AnySchema,
  value: unknown,
): StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>> {
  return schema['~standard'].validate(value)
}

/**
 * The path of an issue as plain keys (`['tags', 3]`).
 *
 * @example
 * ```ts
 * issuePath({ message: 'x', path: [{ key: 'tags' }, 3] }) // ['tags', 3]
 * ```
 */
export function issuePath(issue: StandardSchemaV1.Issue): Array<string | number> {
  if (!issue.path) return []
  return issue.path.map((segment) => {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment
    return typeof key === 'number' ? key : String(key)
  })
}
