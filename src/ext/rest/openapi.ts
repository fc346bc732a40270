/**
 * The OpenAPI 3.1 document of an `Api`, built from the app's URL map (so
 * blueprint prefixes and converters are the real ones), the resources'
 * handlers and their specs.
 */
import { createRequire } from 'node:module'
import type { Phial, Rule } from 'phial'
import { converterSchema, hoistSchema, openapiPath, PROBLEM_SCHEMA } from './openapi-schemas.ts'
import { errorMediatype, type ErrorFormat } from './error-format.ts'
import { isStandardSchema, jsonSchemaOf, type AnySchema, type JsonSchema } from './schema.ts'
import type { SecurityRequirements } from './security.ts'
import { operationSpec } from './validate.ts'
import type { OperationSpec, ResponseSpec } from './operation-types.ts'

// required, not imported: an ES-module import of node:http loads undici on Node 24 (src/http/node-http.ts)
const { STATUS_CODES } = createRequire(import.meta.url)('node:http') as typeof import('node:http')

/** What the document needs to know about one registered resource. */
export interface ResourceRecord {
  readonly resourceClass: Function
  readonly endpoint: string
  readonly view: Function
  /** Handlers by lower-case method name. */
  readonly handlers: ReadonlyMap<string, Function>
  readonly tags: readonly string[]
  /** The security of its operations that declare none (from its blueprint or `addResource` options). */
  readonly security?: SecurityRequirements
}

/**
 * Settings of the document (`Api` options, else the `API_*` config keys).
 *
 * @example
 * ```ts
 * const info: OpenApiInfo = { title: 'Todo API', version: '1.0.0', description: 'Things to do.' }
 * ```
 */
export interface OpenApiInfo {
  title: string
  version: string
  description?: string
  /** `servers` of the document (default: none, meaning the host that serves it). */
  servers?: Array<{ url: string; description?: string }>
  /** Merged into the document last: `components.securitySchemes`, `security`, `externalDocs`, … */
  extra?: Record<string, unknown>
  /** The document's `security` (what operations without their own need). */
  security?: SecurityRequirements
  /** `components.securitySchemes`. */
  securitySchemes?: Record<string, Record<string, unknown>>
  /** Descriptions of tags (a blueprint's `description`), by tag name. */
  tagDescriptions?: Record<string, string>
  /** The error format (default: problem details), documented as every error response. */
  errors?: ErrorFormat
}

/** What an error response looks like in the document: its content, and how a validation failure is described. */
interface ErrorDoc {
  readonly content: Record<string, unknown>
}

/** The error content of the document, adding the error schema to `components`. */
function errorDoc(format: ErrorFormat | undefined, components: Record<string, JsonSchema>): ErrorDoc {
  const mediatype = errorMediatype(format ?? null)
  if (format === undefined) {
    components.ProblemDetails = PROBLEM_SCHEMA
    return { content: { [mediatype]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } } }
  }
  if (format.schema === undefined) return { content: { [mediatype]: {} } }
  let json: JsonSchema | null = isStandardSchema(format.schema) ? jsonSchemaOf(format.schema, 'output') : (format.schema as JsonSchema)
  json ??= {}
  const name = format.name ?? (typeof json.id === 'string' ? json.id : typeof json.title === 'string' ? json.title : 'Error')
  const hoisted = hoistSchema(json, components)
  // a schema hoisted under its own id is a $ref already; any other is put under `name`
  if (typeof hoisted.$ref === 'string') return { content: { [mediatype]: { schema: hoisted } } }
  components[name] = hoisted
  return { content: { [mediatype]: { schema: { $ref: `#/components/schemas/${name}` } } } }
}

type Parameter = { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: JsonSchema; description?: string }

function parametersFrom(schema: AnySchema | undefined, where: 'query' | 'header', components: Record<string, JsonSchema>): Parameter[] {
  if (!schema) return []
  const json = jsonSchemaOf(schema)
  if (!json) return []
  const hoisted = hoistSchema(json, components)
  const props = (hoisted.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((hoisted.required ?? []) as string[])
  return Object.entries(props).map(([name, s]) => {
    const p: Parameter = { name, in: where, required: required.has(name), schema: s }
    if (typeof s.description === 'string') p.description = s.description
    return p
  })
}

function schemaFor(schema: AnySchema, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const json = jsonSchemaOf(schema, io)
  return json ? hoistSchema(json, components) : {}
}

function responsesFor(spec: OperationSpec | null, validationStatus: number, components: Record<string, JsonSchema>, errors: ErrorDoc): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const problem = errors.content
  for (const [code, entry] of Object.entries(spec?.responses ?? {})) {
    const status = Number(code)
    const schema = entry == null ? null : isStandardSchema(entry) ? entry : ((entry as ResponseSpec).schema ?? null)
    const description = (entry && !isStandardSchema(entry) && (entry as ResponseSpec).description) || STATUS_CODES[status] || `Status ${status}`
    const response: Record<string, unknown> = { description }
    if (schema) response.content = { 'application/json': { schema: schemaFor(schema, 'output', components) } }
    else if (status >= 400) response.content = problem
    out[code] = response
  }
  if (Object.keys(out).length === 0) out['200'] = { description: 'OK' }
  const validates = spec && (spec.body || spec.form || spec.query || spec.path || spec.headers)
  if (validates && out[String(validationStatus)] === undefined) {
    out[String(validationStatus)] = { description: 'The request is invalid: every field error is listed.', content: problem }
  }
  out.default = { description: 'An error.', content: problem }
  return out
}

function operationFor(
  rule: Rule,
  method: string,
  record: ResourceRecord,
  validationStatus: number,
  components: Record<string, JsonSchema>,
  operationIds: Set<string>,
  errors: ErrorDoc,
): Record<string, unknown> {
  const handler = record.handlers.get(method) ?? (method === 'head' ? record.handlers.get('get') : undefined)
  const spec = operationSpec(handler)
  const { names } = openapiPath(rule.rule)
  const pathSchema = spec?.path ? jsonSchemaOf(spec.path) : null
  const pathProps = ((pathSchema && hoistSchema(pathSchema, components).properties) ?? {}) as Record<string, JsonSchema>
  const parameters: Parameter[] = names.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: pathProps[name] ?? converterSchema(rule.converters[name]),
  }))
  parameters.push(...parametersFrom(spec?.query, 'query', components), ...parametersFrom(spec?.headers, 'header', components))
  let operationId = spec?.operationId ?? `${method}_${record.endpoint}`.replace(/[^A-Za-z0-9_]/g, '_')
  for (let n = 2; operationIds.has(operationId); n++) operationId = `${operationId}_${n}`
  operationIds.add(operationId)
  const op: Record<string, unknown> = { operationId, tags: [...(spec?.tags ?? record.tags)] }
  if (spec?.summary) op.summary = spec.summary
  const doc = spec?.description
  if (doc) op.description = doc
  if (spec?.deprecated) op.deprecated = true
  // the operation's own security (`[]`: public), else its resource's or blueprint's; the document's applies otherwise
  const security = spec?.security ?? record.security
  if (security) op.security = security.map((req) => Object.fromEntries(Object.entries(req).map(([k, v]) => [k, [...v]])))
  if (parameters.length > 0) op.parameters = parameters
  if (spec?.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: schemaFor(spec.body, 'input', components) } } }
  } else if (spec?.form) {
    const schema = schemaFor(spec.form, 'input', components)
    op.requestBody = { required: true, content: { 'application/x-www-form-urlencoded': { schema }, 'multipart/form-data': { schema } } }
  }
  op.responses = responsesFor(spec, validationStatus, components, errors)
  return op
}

/**
 * The OpenAPI 3.1 document for the resources in `records`, as registered
 * on `app` (every rule whose view is one of theirs).
 *
 * @example
 * ```ts
 * const doc = buildOpenApi(app, api.records, { title: 'Todos', version: '1' }, 422)
 * doc.paths['/todos/{todoId}'].get.responses['200']
 * ```
 */
export function buildOpenApi(app: Phial, records: Iterable<ResourceRecord>, info: OpenApiInfo, validationStatus: number): Record<string, unknown> {
  const byView = new Map<Function, ResourceRecord>()
  for (const r of records) byView.set(r.view, r)
  const components: Record<string, JsonSchema> = {}
  const errors = errorDoc(info.errors, components)
  const paths: Record<string, Record<string, unknown>> = {}
  const tags = new Set<string>()
  const operationIds = new Set<string>()
  for (const rule of app.urlMap.rules()) {
    const record = byView.get(app.viewFunctions[rule.endpoint] as Function)
    if (!record) continue
    const { path } = openapiPath(rule.rule)
    const item = (paths[path] ??= {})
    for (const m of [...(rule.methods ?? ['GET'])].sort()) {
      if (m === 'HEAD' || m === 'OPTIONS') continue
      const method = m.toLowerCase()
      if (!['get', 'put', 'post', 'delete', 'patch', 'trace'].includes(method) || item[method]) continue
      const op = operationFor(rule, method, record, validationStatus, components, operationIds, errors)
      for (const t of op.tags as string[]) tags.add(t)
      item[method] = op
    }
  }
  const doc: Record<string, unknown> = {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    ...(info.servers ? { servers: info.servers } : {}),
    ...(info.security ? { security: info.security.map((req) => ({ ...req })) } : {}),
    tags: [...tags].sort().map((name) => (info.tagDescriptions?.[name] ? { name, description: info.tagDescriptions[name] } : { name })),
    paths,
    components: { schemas: components, ...(info.securitySchemes ? { securitySchemes: info.securitySchemes } : {}) },
  }
  for (const [k, v] of Object.entries(info.extra ?? {})) {
    if (k === 'components' && typeof v === 'object' && v !== null) {
      doc.components = { ...(doc.components as object), ...(v as object), schemas: { ...components, ...((v as { schemas?: object }).schemas ?? {}) } }
    } else doc[k] = v
  }
  return doc
}
