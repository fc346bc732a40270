/**
 * JSON Schemas for the OpenAPI document: `$defs` hoisted into
 * `components/schemas`, and path-parameter schemas from rule converters.
 */
import { AnyConverter, FloatConverter, IntegerConverter, PathConverter, UuidConverter, type BaseConverter } from 'phial'
import type { JsonSchema } from './schema.ts'

/**
 * Copies a JSON Schema for use inside the document: drops `$schema`, moves
 * its `$defs` into `components` (renaming on a clash with a different
 * schema) and points the `$ref`s there, since a `#/$defs/...` reference
 * would resolve against the document's root.
 */
export function hoistSchema(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>
  const renamed = new Map<string, string>()
  for (const name of Object.keys(defs)) {
    let target = name.replace(/[^A-Za-z0-9._-]/g, '_')
    let n = 2
    while (components[target] !== undefined && JSON.stringify(components[target]) !== JSON.stringify(rewrite(defs[name], renamed))) {
      target = `${name}${n++}`
    }
    renamed.set(name, target)
  }
  for (const [name, target] of renamed) components[target] = rewrite(defs[name], renamed) as JsonSchema
  const { $schema: _s, $defs: _d, ...rest } = schema
  return rewrite(rest, renamed) as JsonSchema
}

function rewrite(value: unknown, renamed: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, renamed))
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) {
      const name = v.slice('#/$defs/'.length)
      out[k] = `#/components/schemas/${renamed.get(name) ?? name}`
    } else if (k !== '$schema') out[k] = rewrite(v, renamed)
  }
  return out
}

/**
 * The schema of a path parameter from its converter: `int` an integer
 * (with `min`/`max`, non-negative unless `signed`), `float` a number,
 * `uuid` a string with format uuid, `any(a, b)` an enum, `string` and
 * `path` strings (with the `string` length bounds).
 *
 * @example
 * ```ts
 * converterSchema(rule.converters.id) // { type: 'integer', minimum: 0 }
 * ```
 */
export function converterSchema(converter: BaseConverter | undefined): JsonSchema {
  if (converter instanceof IntegerConverter || converter instanceof FloatConverter) {
    const c = converter as IntegerConverter & { min: number | null; max: number | null; signed: boolean }
    const schema: JsonSchema = { type: converter instanceof IntegerConverter ? 'integer' : 'number' }
    const min = c.min ?? (c.signed ? null : 0)
    if (min !== null) schema.minimum = min
    if (c.max !== null) schema.maximum = c.max
    return schema
  }
  if (converter instanceof UuidConverter) return { type: 'string', format: 'uuid' }
  if (converter instanceof AnyConverter) return { type: 'string', enum: [...converter.items] }
  if (converter instanceof PathConverter) return { type: 'string' }
  const schema: JsonSchema = { type: 'string' }
  const bounds = /^\[\^\/\]\{(\d+)(?:,(\d*))?\}$/.exec(converter?.regex ?? '')
  if (bounds) {
    schema.minLength = Number(bounds[1])
    if (bounds[2] === undefined) schema.maxLength = Number(bounds[1])
    else if (bounds[2] !== '') schema.maxLength = Number(bounds[2])
  } else schema.minLength = 1
  return schema
}

/**
 * A rule in OpenAPI's path syntax: `/todos/<int:todoId>` → `/todos/{todoId}`,
 * with the parameter names in order.
 *
 * @example
 * ```ts
 * openapiPath('/u/<int:id>/<path:rest>') // { path: '/u/{id}/{rest}', names: ['id', 'rest'] }
 * ```
 */
export function openapiPath(rule: string): { path: string; names: string[] } {
  const names: string[] = []
  const path = rule.replace(/<(?:[^>:]+:)?([^>:]+)>/g, (_m, name: string) => {
    names.push(name)
    return `{${name}}`
  })
  return { path, names }
}

/** The problem-details schema every error response refers to. */
export const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'An RFC 9457 problem details document.',
  properties: {
    type: { type: 'string', description: 'A URI that identifies the problem type ("about:blank" for plain HTTP errors).' },
    title: { type: 'string', description: 'The HTTP status title.' },
    status: { type: 'integer', description: 'The HTTP status code.' },
    detail: { type: 'string', description: 'What went wrong, for a human.' },
    errors: {
      type: 'array',
      description: 'One entry per invalid field (validation errors only).',
      items: {
        type: 'object',
        properties: {
          location: { type: 'string', enum: ['body', 'form', 'query', 'path', 'headers'] },
          path: { type: 'array', items: { type: ['string', 'integer'] } },
          pointer: { type: 'string', description: 'An RFC 6901 JSON pointer into the location.' },
          message: { type: 'string' },
          code: { type: 'string' },
        },
        required: ['location', 'path', 'pointer', 'message'],
      },
    },
  },
  required: ['type', 'title', 'status'],
}
