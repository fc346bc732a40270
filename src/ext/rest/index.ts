/**
 * `phial/rest`: REST APIs (Flask-RESTful + Flask-Smorest): `Api`,
 * `Resource`, validation of body/form/query/path/headers with any Standard
 * Schema (zod first) and handler inputs typed from the schemas, response
 * schemas that filter the output, errors as RFC 9457 problem details (or
 * an Api's own format), blueprints in one document, pagination, representations, and an OpenAPI 3.1 document with a Swagger
 * UI page.
 *
 * @example
 * ```ts
 * import { Phial } from 'phial'
 * import { Api, Resource } from 'phial/rest'
 * import { z } from 'zod'
 *
 * const Todo = z.object({ id: z.number().int(), task: z.string() })
 * const todos = new Map([[1, { id: 1, task: 'build an API' }]])
 *
 * class TodoItem extends Resource<'/todos/<int:todoId>'> {
 *   get = this.validate({ responses: { 200: Todo } }, ({ path }) => todos.get(path.todoId) ?? abort(404))
 * }
 * const app = new Phial(import.meta.url)
 * const api = new Api(app, { title: 'Todos', version: '1.0' })
 * api.addResource(TodoItem, '/todos/<int:todoId>')
 * ```
 *
 * @module
 */
export { Resource, fieldHandlers, type Representation, type ResourceArgs } from './resource.ts'
export { validate, checkRequest, operationSpec, unpackReturn } from './validate.ts'
export type { Operation, OperationHandler, OperationInput, OperationReturn, OperationSpec, ResponseSpec, ResponsesSpec } from './operation-types.ts'
export { ApiError, RequestValidationError, problemOf, problemResponse, jsonPointer, PROBLEM_JSON, type FieldError, type FieldLocation, type ProblemDetails } from './problem.ts'
export { paginated, isPaginated, paginationHeaders, pageQuery, type Paginated, type PaginationLike, type PageArgs } from './pagination.ts'
export { jsonSchemaOf, isStandardSchema, type AnySchema, type SchemaInput, type SchemaOutput, type JsonSchema } from './schema.ts'
export { compileProjector, type Projector } from './project.ts'
export { Api, type ApiOptions, type AddResourceOptions } from './api.ts'
export { Blueprint, type BlueprintOptions, type PendingResource, type ResourceClass } from './blueprint.ts'
export { errorResponseOf, errorMediatype, type ErrorFormat } from './error-format.ts'
export { jwtSecuritySchemes, type SecurityRequirements } from './security.ts'
export { outputJson, negotiate, emptyResponse } from './representations.ts'
export { buildOpenApi, type OpenApiInfo, type ResourceRecord } from './openapi.ts'
export { converterSchema, openapiPath, hoistSchema } from './openapi-schemas.ts'
export { REST_DEFAULTS, applyRestDefaults } from './config.ts'
export { docsHtml } from './docs-page.ts'
