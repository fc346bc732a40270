/**
 * The types of a validated operation: the spec, what the handler receives
 * (inferred from the schemas), and what it may return.
 */
import type { Context, HeaderMap, HeadersInit, Response, ViewReturn } from 'phial'
import type { Paginated } from './pagination.ts'
import type { AnySchema, SchemaInput, SchemaOutput } from './schema.ts'
import type { SecurityRequirements } from './security.ts'

/**
 * One documented response: its schema (null or absent for no body) and
 * description.
 *
 * @example
 * ```ts
 * const created: ResponseSpec = { schema: Todo, description: 'The new todo.' }
 * ```
 */
export interface ResponseSpec {
  schema?: AnySchema | null
  description?: string
}

/**
 * Responses by status code: a schema, or a {@link ResponseSpec}, or null
 * for a response without a body (a 204).
 *
 * @example
 * ```ts
 * const responses: ResponsesSpec = { 200: Todo, 404: { description: 'No such todo' }, 204: null }
 * ```
 */
export type ResponsesSpec = { [status: number]: AnySchema | ResponseSpec | null }

/**
 * What an operation validates and documents (Flask-Smorest's
 * `@blp.arguments` and `@blp.response`, in one object).
 *
 * @example
 * ```ts
 * const spec = {
 *   body: z.object({ task: z.string().min(1) }),
 *   query: z.object({ dryRun: z.boolean().optional() }),
 *   responses: { 201: Todo },
 *   summary: 'Create a todo',
 * } satisfies OperationSpec
 * ```
 */
export interface OperationSpec {
  /** The JSON body. */
  body?: AnySchema
  /** The form body (urlencoded or multipart; files under their field names). */
  form?: AnySchema
  /** The query string (strings coerced to the schema's numbers and booleans). */
  query?: AnySchema
  /** The view arguments from the rule (already converted by its converters). */
  path?: AnySchema
  /** The request headers, by lower-case name. */
  headers?: AnySchema
  /** Response schemas by status: the body is filtered to the schema and documented. */
  responses?: ResponsesSpec
  /** Keys of the body or form that no schema declares: refused (default, as marshmallow's RAISE) or dropped. */
  unknown?: 'reject' | 'strip'
  summary?: string
  description?: string
  tags?: readonly string[]
  operationId?: string
  deprecated?: boolean
  /**
   * The operation's OpenAPI `security` (Flask-Smorest's `@blp.doc(security=...)`):
   * `[{ Token: [] }]` needs the scheme, `[{}, { Token: [] }]` takes it
   * optionally, `[]` makes it public. Default: its resource's or
   * blueprint's, else the Api's `security`.
   */
  security?: SecurityRequirements
}

type Part = 'body' | 'form' | 'query' | 'headers'

/**
 * What a validated handler receives: `path` (the view arguments, or the
 * output of the `path` schema) and, for each schema of the spec, its
 * validated output under the same name.
 *
 * @example
 * ```ts
 * type I = OperationInput<{ body: typeof NewTodo }, { id: number }>  // { path: { id: number }; body: { task: string } }
 * ```
 */
export type OperationInput<S, A = Record<string, unknown>> = {
  path: S extends { path: infer P } ? SchemaOutput<P> : A
} & { [K in Part & keyof S as S[K] extends AnySchema ? K : never]: SchemaOutput<S[K]> }

type BodyOf<R> = R extends null ? NoBody : R extends AnySchema ? SchemaInput<R> : R extends { schema: infer X } ? (X extends AnySchema ? SchemaInput<X> : NoBody) : unknown

/** The body of a response declared without a schema (a 204, `{ 200: null }`): nothing (a handler may end without a return), or text that is not sent. */
type NoBody = null | undefined | void | string

type ResponsesOf<S> = S extends { responses: infer R } ? R : never
type Success<R> = { [K in keyof R & number]: `${K}` extends `2${string}` ? K : never }[keyof R & number]
type ItemOf<T> = T extends ReadonlyArray<infer I> ? I : never
type HeadersArg = HeadersInit | HeaderMap | Headers

/**
 * What a handler with response schemas may return: a body for one of its
 * 2xx statuses (sent with the first 2xx declared), a tuple
 * `[body, status]` / `[body, status, headers]` whose body fits that
 * status's schema, a page from `paginated()` for an array schema, or a
 * `Response` (sent as is). Without `responses`, anything a view returns.
 *
 * @example
 * ```ts
 * type R = OperationReturn<{ responses: { 201: typeof Todo; 409: typeof Problem } }>
 * // Todo-shaped | [Todo-shaped, 201] | [Problem-shaped, 409] | ... | Response
 * ```
 */
export type OperationReturn<S> = [ResponsesOf<S>] extends [never]
  ? ViewReturn
  :
      | Response
      | globalThis.Response
      | BodyOf<ResponsesOf<S>[Success<ResponsesOf<S>>]>
      | Paginated<ItemOf<BodyOf<ResponsesOf<S>[Success<ResponsesOf<S>>]>>>
      | {
          [K in keyof ResponsesOf<S> & number]:
            | [BodyOf<ResponsesOf<S>[K]> | Paginated<ItemOf<BodyOf<ResponsesOf<S>[K]>>>, K]
            | [BodyOf<ResponsesOf<S>[K]> | Paginated<ItemOf<BodyOf<ResponsesOf<S>[K]>>>, K, HeadersArg]
        }[keyof ResponsesOf<S> & number]

declare const TUPLE_HINT: unique symbol

/** The status codes a tuple may name (literal types, so `201` stays `201`). */
type StatusCode =
  | 100 | 101 | 102 | 103
  | 200 | 201 | 202 | 203 | 204 | 205 | 206 | 207 | 208 | 226
  | 300 | 301 | 302 | 303 | 304 | 305 | 307 | 308
  | 400 | 401 | 402 | 403 | 404 | 405 | 406 | 407 | 408 | 409 | 410 | 411 | 412 | 413 | 414 | 415 | 416 | 417 | 418
  | 421 | 422 | 423 | 424 | 425 | 426 | 428 | 429 | 431 | 451
  | 500 | 501 | 502 | 503 | 504 | 505 | 506 | 507 | 508 | 510 | 511

/**
 * Not a value anyone returns (nothing has its symbol key): it only tells
 * the compiler that `[body, 201]` in a handler is a tuple. While the
 * handler is checked inside `validate(...)`, the spec-dependent return type
 * is not resolved yet, so without a tuple-like member the array would be
 * typed `(Body | number)[]` and then fail against the resolved type.
 */
interface TupleHint {
  readonly 0: unknown
  readonly 1: StatusCode
  readonly 2?: unknown
  readonly [TUPLE_HINT]: true
}

/**
 * A validated handler: the inputs, then the context; `this` is the
 * resource when it is one.
 *
 * @example
 * ```ts
 * const create: OperationHandler<{ body: typeof NewTodo }> = ({ body }) => [{ id: 1, ...body }, 201]
 * ```
 */
export type OperationHandler<S, A = Record<string, unknown>, This = unknown> = (
  this: This,
  input: OperationInput<S, A>,
  ctx: Context,
) => OperationReturn<S> | TupleHint | Promise<OperationReturn<S> | TupleHint>

/**
 * The view function `validate()` makes, with its spec attached (for the
 * OpenAPI document).
 *
 * @example
 * ```ts
 * const view: Operation<{ id: number }> = validate({ responses: { 200: Todo } }, ({ path }) => todos.get(path.id)!)
 * view.spec.responses // { 200: Todo }
 * ```
 */
export interface Operation<A = Record<string, unknown>> {
  (args: A, ctx: Context): ViewReturn | Promise<ViewReturn>
  readonly spec: OperationSpec
}
