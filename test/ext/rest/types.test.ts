/**
 * Type tests: handler inputs are inferred from the schemas (no casts), and
 * return values are checked against the response schemas.
 */
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { Phial, type Context } from 'phial'
import { Resource, paginated, pageQuery, validate, type PageArgs } from 'phial/rest'

const NewTodo = z.object({ task: z.string(), tags: z.array(z.string()).max(3).default([]) })
const Todo = z.object({ id: z.number().int(), task: z.string(), tags: z.array(z.string()) })
const Search = z.object({ q: z.string().optional(), limit: z.number().int().default(10) })

describe('validate() types', () => {
  it('infers body, query, headers, form and path from the schemas', () => {
    validate(
      {
        body: NewTodo,
        query: Search,
        headers: z.object({ 'x-api-key': z.string() }),
        path: z.object({ id: z.number() }),
      },
      (input, ctx) => {
        expectTypeOf(input.body).toEqualTypeOf<{ task: string; tags: string[] }>()
        expectTypeOf(input.query).toEqualTypeOf<{ q?: string | undefined; limit: number }>()
        expectTypeOf(input.headers).toEqualTypeOf<{ 'x-api-key': string }>()
        expectTypeOf(input.path).toEqualTypeOf<{ id: number }>()
        expectTypeOf(ctx).toEqualTypeOf<Context>()
        // @ts-expect-error: no form schema, so no form
        void input.form
        return 'ok'
      },
    )
    validate({ form: z.object({ name: z.string() }) }, ({ form, path }) => {
      expectTypeOf(form).toEqualTypeOf<{ name: string }>()
      expectTypeOf(path).toEqualTypeOf<Record<string, unknown>>()
      return 'ok'
    })
  })

  it('types path from the rule when given to route()', () => {
    const app = new Phial(import.meta.url)
    app.post('/lists/<int:listId>/todos', validate({ body: NewTodo }, ({ path, body }) => {
      expectTypeOf(path).toEqualTypeOf<{ listId: number }>()
      return { list: path.listId, task: body.task }
    }))
  })

  it('checks returns against the response schemas', () => {
    validate({ responses: { 200: Todo } }, () => ({ id: 1, task: 't', tags: [], passwordHash: 'x' }))
    validate({ responses: { 201: Todo } }, () => [{ id: 1, task: 't', tags: [] }, 201])
    validate({ responses: { 201: Todo, 409: z.object({ reason: z.string() }) } }, () => [{ reason: 'dup' }, 409])
    // @ts-expect-error: task must be a string
    validate({ responses: { 200: Todo } }, () => ({ id: 1, task: 2, tags: [] }))
    // @ts-expect-error: 404 is not a declared status
    validate({ responses: { 200: Todo } }, () => [{ id: 1, task: 't', tags: [] }, 404])
    validate({ responses: { 204: null } }, () => ['', 204])
    validate({ query: pageQuery(), responses: { 200: z.array(Todo) } }, ({ query }) => {
      expectTypeOf(query).toEqualTypeOf<PageArgs>()
      return paginated([{ id: 1, task: 't', tags: [] }], query)
    })
  })
})

describe('Resource types', () => {
  it('types handlers declared with this.validate from the rule given to the class', () => {
    class TodoItem extends Resource<'/todos/<int:todoId>'> {
      get = this.validate({ responses: { 200: Todo } }, ({ path }) => {
        expectTypeOf(path).toEqualTypeOf<{ todoId: number }>()
        return { id: path.todoId, task: 't', tags: [] }
      })
      put = this.validate({ body: NewTodo, responses: { 200: Todo } }, function ({ path, body }) {
        expectTypeOf(this).toEqualTypeOf<Resource<"/todos/<int:todoId>">>()
        return { id: path.todoId, ...body }
      })
    }
    expectTypeOf<TodoItem['get']>().parameter(0).toEqualTypeOf<{ todoId: number }>()
  })
})
