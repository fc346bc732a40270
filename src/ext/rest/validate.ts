/**
 * `validate(spec, handler)`: request validation with any Standard Schema,
 * typed handler inputs, and output filtering by response schema.
 */
import { ApiError, RequestValidationError, jsonPointer, type FieldError, type FieldLocation } from './problem.ts'
import { coerceStrings, hasUnknownFields, multiToObject, unknownFields } from './input-shape.ts'
import { isPaginated, paginationHeaders } from './pagination.ts'
import { compileProjector, type Projector } from './project.ts'
import { emptyResponse, headersRecord, isWebResponse } from './representations.ts'
import { isStandardSchema, issuePath, jsonSchemaOf, preloadCompiler, runSchema, schemaToRun, type AnySchema, type StandardSchemaV1 } from './schema.ts'
import type { Operation, OperationHandler, OperationInput, OperationSpec, ResponseSpec } from './operation-types.ts'
import { Response, type Context, type Request } from 'phial'

const PARTS = ['path', 'query', 'headers', 'form', 'body'] as const

/**
 * The status of a failed validation: `REST_VALIDATION_STATUS` (default 422,
 * RFC 9110's "Unprocessable Content": the request was well-formed but its
 * content is not acceptable; malformed JSON is a 400 either way).
 */
function validationStatus(ctx: Context): number {
  const status = ctx.app.config.REST_VALIDATION_STATUS
  return typeof status === 'number' ? status : 422
}

/** The raw value of one part of the request, ready for its schema. */
function rawPart(part: (typeof PARTS)[number], schema: AnySchema, args: unknown, request: Request): unknown {
  switch (part) {
    case 'path':
      return args
    case 'query':
      return coerceStrings(multiToObject(request.args, jsonSchemaOf(schema)), jsonSchemaOf(schema))
    case 'headers':
      return coerceStrings({ ...request.headers.toJSON() }, jsonSchemaOf(schema))
    case 'form': {
      const fields = coerceStrings(multiToObject(request.form, jsonSchemaOf(schema)), jsonSchemaOf(schema)) as Record<string, unknown>
      for (const key of new Set(request.files.keys())) {
        const all = request.files.getAll(key)
        fields[key] = all.length > 1 ? all : all[0]
      }
      return fields
    }
    case 'body':
      return jsonBody(request)
  }
}

/** The JSON body, or the 4xx that says why there is none. */
function jsonBody(request: Request): unknown {
  if (!request.hasBody || request.data.length === 0) return undefined
  if (!request.isJson) {
    throw new ApiError(415, {
      detail: `Expected a JSON body (Content-Type: application/json), got '${request.mimetype || 'none'}'.`,
    })
  }
  try {
    return request.getJson()
  } catch (err) {
    const message = err instanceof Error ? (err as { description?: string }).description ?? err.message : String(err)
    const fieldError: FieldError = { location: 'body', path: [], pointer: '', message }
    throw new ApiError(400, { detail: 'The body is not valid JSON.', errors: [fieldError] })
  }
}

function fieldErrors(location: FieldLocation, issues: readonly StandardSchemaV1.Issue[]): FieldError[] {
  return issues.map((issue) => {
    const path = issuePath(issue)
    const error: FieldError = { location, path, pointer: jsonPointer(path), message: issue.message }
    const code = (issue as { code?: unknown }).code
    if (typeof code === 'string') error.code = code
    return error
  })
}

/** One declared part of a spec, with what is worked out once: whether its unknown keys are refused, and the check that finds them. */
interface PartPlan {
  readonly part: (typeof PARTS)[number]
  readonly schema: AnySchema
  /** What validates: the schema, or its compiled form (zod's `z.compile`); null until known. */
  run: AnySchema | null
  /** Finds unknown keys (body and form, unless `unknown: 'strip'`), or null. */
  readonly unknown: ((value: unknown) => boolean) | null
}

/** A response status as declared: its schema and projector (made on first use), or `'none'` for no body. */
interface ResponsePlan {
  readonly schema: AnySchema | 'none'
  project: Projector | null | undefined
}

/** What a spec means per request, worked out once per spec object (not per request). */
interface Plan {
  readonly parts: readonly PartPlan[]
  /** By status; null without `responses`. */
  readonly responses: ReadonlyMap<number, ResponsePlan> | null
  /** The status of a bare return: the first 2xx declared (200 without one). */
  readonly defaultStatus: number
}

const plans = new WeakMap<OperationSpec, Plan>()

function planOf(spec: OperationSpec): Plan {
  let plan = plans.get(spec)
  if (plan === undefined) plans.set(spec, (plan = makePlan(spec)))
  return plan
}

function makePlan(spec: OperationSpec): Plan {
  const parts: PartPlan[] = []
  for (const part of PARTS) {
    const schema = spec[part]
    if (schema === undefined) continue
    const json = (part === 'body' || part === 'form') && spec.unknown !== 'strip' ? jsonSchemaOf(schema) : null
    parts.push({ part, schema, run: schemaToRun(schema), unknown: json === null ? null : hasUnknownFields(json) })
  }
  let responses: Map<number, ResponsePlan> | null = null
  if (spec.responses !== undefined) {
    responses = new Map()
    for (const [code, entry] of Object.entries(spec.responses)) {
      const schema = entry == null ? 'none' : isStandardSchema(entry) ? entry : ((entry as ResponseSpec).schema ?? 'none')
      responses.set(Number(code), { schema, project: undefined })
    }
  }
  const codes = Object.keys(spec.responses ?? {}).map(Number).filter((c) => c >= 200 && c < 300).sort((a, b) => a - b)
  return { parts, responses, defaultStatus: codes[0] ?? 200 }
}

interface Checked {
  input: Record<string, unknown>
  errors: FieldError[]
  pending: Array<Promise<void>> | null
}

/** Records one part's result: its value, or its field errors (a strict schema's own unknown-key issue left out when each key is listed already). */
function settle(checked: Checked, part: FieldLocation, result: StandardSchemaV1.Result<unknown>, unknownReported: boolean): void {
  if (!result.issues) {
    checked.input[part] = result.value
    return
  }
  // a strict schema reports the unknown keys again, once for the object (zod's code): each is listed already
  const issues = unknownReported ? result.issues.filter((i) => (i as { code?: unknown }).code !== 'unrecognized_keys') : result.issues
  checked.errors.push(...fieldErrors(part, issues))
}

/** Validates every declared part, collecting all field errors (not just the first). */
function checkParts(plan: Plan, args: unknown, ctx: Context): Checked {
  const checked: Checked = { input: { path: args }, errors: [], pending: null }
  const request = ctx.request
  for (const partPlan of plan.parts) {
    const { part, schema, unknown } = partPlan
    const raw = rawPart(part, schema, args, request)
    let unknownReported = false
    // the compiled check first: the paths are looked for only when there is an unknown key
    if (unknown !== null && unknown(raw)) {
      for (const path of unknownFields(raw, jsonSchemaOf(schema))) {
        unknownReported = true
        checked.errors.push({ location: part, path, pointer: jsonPointer(path), message: 'Unknown field.', code: 'unknown_field' })
      }
    }
    // the compiled schema once zod's core has loaded (the schema itself meanwhile)
    const result = runSchema((partPlan.run ??= schemaToRun(schema)) ?? schema, raw)
    if (result instanceof Promise) {
      const reported = unknownReported
      ;(checked.pending ??= []).push(result.then((r) => settle(checked, part, r, reported)))
    } else settle(checked, part, result, unknownReported)
  }
  return checked
}

/** Splits `[body, status, headers]` / `[body, status]` / body, as Flask-RESTful's `unpack`. */
export function unpackReturn(rv: unknown): [unknown, number | null, unknown] {
  if (Array.isArray(rv) && (rv.length === 2 || rv.length === 3) && Number.isInteger(rv[1]) && rv[1] >= 100 && rv[1] <= 599) {
    return [rv[0], rv[1] as number, rv[2]]
  }
  return [rv, null, undefined]
}

/** Filters a returned value to the response schema and adds pagination headers (synchronous unless output validation is). */
function marshal(plan: Plan, rv: unknown, ctx: Context, validateOutput: boolean): unknown {
  if (rv instanceof Response || isWebResponse(rv)) return rv
  let [body, status, headers] = unpackReturn(rv)
  status ??= plan.defaultStatus
  if (isPaginated(body)) {
    const request = ctx.request
    headers = mergeHeaders(headers, paginationHeaders(body, request.rootPath + request.path, request.queryString))
    body = body.items
  }
  // the schema of the status: a schema, 'none' when declared without a body (`{ 204: null }`), undefined when undeclared
  const declared = plan.responses!.get(status)
  // no body: declared without one, a 204/304, or nothing returned (never the JSON text "")
  if (declared?.schema === 'none' || status === 204 || status === 304 || body === undefined || (body === null && declared === undefined)) {
    return emptyResponse(status, headersRecord(headers))
  }
  const done = (out: unknown): unknown => (headers === undefined ? [out, status] : [out, status, headers])
  if (declared === undefined) return done(body)
  const filtered = filterOutput(declared as ResponsePlan & { schema: AnySchema }, body, validateOutput)
  return filtered instanceof Promise ? filtered.then(done) : done(filtered)
}

function mergeHeaders(headers: unknown, extra: Record<string, string>): unknown {
  if (headers === undefined || headers === null) return extra
  if (headers instanceof Headers) {
    for (const [k, v] of Object.entries(extra)) headers.set(k, v)
    return headers
  }
  if (typeof (headers as { set?: unknown }).set === 'function') {
    for (const [k, v] of Object.entries(extra)) (headers as { set(k: string, v: string): void }).set(k, v)
    return headers
  }
  return { ...(headers as Record<string, string>), ...extra }
}

/**
 * The body as the response schema allows it: projected on its JSON Schema
 * (only declared fields leave), and — with `REST_VALIDATE_RESPONSES`, or
 * for a schema without a JSON Schema — validated, an invalid body being the
 * server's bug (an error, so a 500).
 */
function filterOutput(declared: ResponsePlan & { schema: AnySchema }, body: unknown, validateOutput: boolean): unknown {
  const schema = declared.schema
  if (declared.project === undefined) {
    const json = jsonSchemaOf(schema, 'output')
    declared.project = json === null ? null : compileProjector(json)
  }
  const project = declared.project
  if (project !== null) body = project(body)
  if (!validateOutput && project !== null) return body
  const checked = (result: StandardSchemaV1.Result<unknown>): unknown => {
    if (result.issues) {
      const first = result.issues.slice(0, 5).map((i) => `${jsonPointer(issuePath(i)) || '/'}: ${i.message}`).join('; ')
      throw new Error(`The response does not match its schema: ${first}`)
    }
    return project !== null ? project(result.value) : result.value
  }
  const result = runSchema(schema, body)
  return result instanceof Promise ? result.then(checked) : checked(result)
}

/**
 * Wraps a handler so that it runs only with valid input: each part the
 * spec names (`body`, `form`, `query`, `path`, `headers`) is validated with
 * its schema (any Standard Schema library), and the handler receives the
 * validated values, typed from the schemas — no casts. Every field error is
 * reported at once, as a 422 problem document (see {@link RequestValidationError}).
 * With `responses`, what the handler returns is filtered to the schema of
 * its status. Works as a `Resource` handler and as a plain view.
 *
 * @example
 * ```ts
 * import { z } from 'zod'
 * const NewTodo = z.object({ task: z.string().min(1).max(200) })
 * const Todo = NewTodo.extend({ id: z.number().int() })
 *
 * app.post('/todos', validate({ body: NewTodo, responses: { 201: Todo } }, function createTodo({ body }) {
 *   const todo = { id: nextId++, ...body }          // body: { task: string }
 *   return [todo, 201]
 * }))
 * ```
 */
export function validate<S extends OperationSpec, A = Record<string, unknown>, This = unknown>(
  spec: S,
  handler: OperationHandler<NoInfer<S>, A, This>,
): Operation<A> {
  for (const part of PARTS) {
    const schema = spec[part]
    if (schema !== undefined && !isStandardSchema(schema)) {
      throw new TypeError(`validate(): '${part}' must be a Standard Schema (zod, valibot, arktype, ...).`)
    }
    // zod's compiler loads while the app is set up, ready for the first requests
    if (schema !== undefined) preloadCompiler(schema)
  }
  const marshalled = spec.responses !== undefined
  // worked out on the first request (not here: a resource's handlers are made while the app is set up)
  let plan: Plan | null = null
  const run = function (this: This, args: A, ctx: Context): unknown {
    plan ??= planOf(spec)
    const checked = checkParts(plan, args, ctx)
    if (checked.pending === null) return finish(this, plan, checked, ctx)
    const ready = plan
    return Promise.all(checked.pending).then(() => finish(this, ready, checked, ctx))
  }
  const finish = (self: This, ready: Plan, checked: Checked, ctx: Context): unknown => {
    if (checked.errors.length > 0) throw new RequestValidationError(checked.errors, validationStatus(ctx))
    const rv = (handler as (this: This, input: unknown, ctx: Context) => unknown).call(self, checked.input, ctx)
    if (!marshalled) return rv
    const validateOutput = ctx.app.config.REST_VALIDATE_RESPONSES === true
    return rv instanceof Promise ? rv.then((v) => marshal(ready, v, ctx, validateOutput)) : marshal(ready, rv, ctx, validateOutput)
  }
  Object.defineProperty(run, 'name', { value: handler.name || 'validated', configurable: true })
  Object.defineProperty(run, 'spec', { value: spec, enumerable: true })
  return run as unknown as Operation<A>
}

/**
 * Validates the current request against a spec without calling anything:
 * the validated parts (`input`, typed from the schemas) and every field
 * error. For HTML forms that show errors next to their fields instead of
 * answering a problem document. Malformed JSON and a non-JSON body for a
 * `body` schema still throw their 400/415.
 *
 * @example
 * ```ts
 * app.route('/signup', { methods: ['GET', 'POST'] }, async function signup(_args, ctx) {
 *   if (ctx.request.method === 'GET') return renderTemplate('signup.html')
 *   const { input, errors } = await checkRequest({ form: SignupForm }, ctx)
 *   if (errors.length > 0) return [renderTemplate('signup.html', { errors }), 422]
 *   return redirect(createUser(input.form!))
 * })
 * ```
 */
export async function checkRequest<S extends OperationSpec>(
  spec: S,
  ctx: Context,
): Promise<{ input: Partial<OperationInput<S>>; errors: FieldError[] }> {
  const checked = checkParts(planOf(spec), ctx.request.viewArgs ?? {}, ctx)
  if (checked.pending !== null) await Promise.all(checked.pending)
  return { input: (checked.errors.length > 0 ? {} : checked.input) as Partial<OperationInput<S>>, errors: checked.errors }
}

/**
 * The spec of a view made by {@link validate}, or null.
 *
 * @example
 * ```ts
 * operationSpec(app.viewFunctions.createTodo)?.body // NewTodo
 * ```
 */
export function operationSpec(fn: unknown): OperationSpec | null {
  const spec = typeof fn === 'function' ? (fn as { spec?: unknown }).spec : undefined
  return typeof spec === 'object' && spec !== null ? (spec as OperationSpec) : null
}
