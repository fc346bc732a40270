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

/** What `schema.ts` uses of zod's core module (`zod/v4/core`). */
interface ZodCore {
  compile(schema: unknown): unknown
  version: unknown
  globalConfig: { jitless?: boolean }
}

// a variable, so that neither TypeScript nor a bundler takes zod for a dependency of phial/rest
const ZOD_CORE = 'zod/v4/core'
let zodCore: ZodCore | null = null
let zodLoading = false
/** True when zod's core could not be loaded, or has no `compile` (before zod 4.6): schemas run as they are. */
let zodWithoutCompiler = false
const compiledSchemas = new WeakMap<AnySchema, AnySchema>()

/** True for a schema made by zod 4 (Standard Schema vendor `zod`). */
function isZod(schema: AnySchema): boolean {
  return schema['~standard'].vendor === 'zod'
}

/** The same zod release (`{ major, minor, patch }`): a second copy of it in node_modules compiles too, another release is left alone. */
function sameVersion(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return false
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  return x.major === y.major && x.minor === y.minor && x.patch === y.patch && typeof x.major === 'number'
}

/**
 * Starts loading zod's core (once, in the background) when `schema` is a
 * zod schema, so that {@link schemaToRun} can compile it. An app without
 * zod never loads it.
 *
 * @example
 * ```ts
 * preloadCompiler(z.object({ title: z.string() }))
 * ```
 */
export function preloadCompiler(schema: AnySchema): void {
  if (zodLoading || !isZod(schema)) return
  zodLoading = true
  import(ZOD_CORE).then(
    (core: ZodCore) => {
      if (typeof core.compile === 'function') zodCore = core
      else zodWithoutCompiler = true
    },
    () => {
      zodWithoutCompiler = true
    },
  )
}

/**
 * The schema to validate with: a zod schema's `z.compile()` clone (valid
 * input takes zod's generated code; invalid input goes through zod's own
 * runtime parser, so the issues are the same), else the schema itself.
 * Null while zod's core is still loading (ask again later). Not compiled:
 * a schema of another zod release than the one phial/rest loads, and any
 * schema under `z.config({ jitless: true })`.
 *
 * @example
 * ```ts
 * schemaToRun(z.object({ title: z.string() }))  // a compiled clone (or null, the first time)
 * ```
 */
export function schemaToRun(schema: AnySchema): AnySchema | null {
  if (!isZod(schema)) return schema
  const done = compiledSchemas.get(schema)
  if (done !== undefined) return done
  if (zodCore === null && !zodWithoutCompiler) {
    preloadCompiler(schema)
    return null
  }
  let run = schema
  const own = (schema as { _zod?: { version?: unknown } })._zod
  if (zodCore !== null && sameVersion(own?.version, zodCore.version) && zodCore.globalConfig.jitless !== true) {
    try {
      // never throws for an unsupported schema (it is handed back as it is); the guard is for a zod that would
      run = zodCore.compile(schema) as AnySchema
    } catch {
      run = schema
    }
  }
  compiledSchemas.set(schema, run)
  return run
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
