/**
 * Validation through HTTP: every bad input is a 4xx listing its field
 * errors, and the view never runs.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { Api, Resource, validate, type FieldError } from 'phial/rest'
import { makeApp } from './helpers.ts'

const NewTodo = z.object({
  task: z.string().min(1).max(100),
  priority: z.number().int().min(1).max(5).default(3),
  tags: z.array(z.string().max(20)).max(3).default([]),
  due: z.object({ day: z.number().int().min(1).max(31), month: z.number().int().min(1).max(12) }).optional(),
})

function setup(config: Record<string, unknown> = {}) {
  const app = makeApp(config)
  const api = new Api(app)
  const reached: unknown[] = []
  class Todos extends Resource {
    post = this.validate({ body: NewTodo, responses: { 201: NewTodo } }, ({ body }) => {
      reached.push(body)
      return [body, 201]
    })
    get = this.validate(
      { query: z.object({ page: z.number().int().min(1).default(1), done: z.boolean().optional(), tag: z.array(z.string()).optional() }) },
      ({ query }) => {
        reached.push(query)
        return query
      },
    )
  }
  class Item extends Resource<'/todos/<int:id>'> {
    put = this.validate(
      { path: z.object({ id: z.number().int().max(1000) }), headers: z.object({ 'x-api-key': z.string().length(6) }), body: z.object({ task: z.string().min(1).optional(), tags: z.array(z.string()).max(3).optional() }) },
      ({ path, headers, body }) => {
        reached.push(path)
        return { id: path.id, key: headers['x-api-key'], changed: Object.keys(body) }
      },
    )
  }
  class Signup extends Resource {
    post = this.validate({ form: z.object({ username: z.string().min(3), age: z.number().int().min(13) }) }, ({ form }) => {
      reached.push(form)
      return form
    })
  }
  api.addResource(Todos, '/todos')
  api.addResource(Item, '/todos/<int:id>')
  api.addResource(Signup, '/signup')
  return { client: app.testClient(), reached }
}

const locations = (errors: FieldError[]) => errors.map((e) => `${e.location}:${e.pointer}`).sort()

describe('valid input reaches the handler, typed and with defaults', () => {
  it('body', async () => {
    const { client, reached } = setup()
    const res = await client.post('/todos', { json: { task: 'write docs', tags: ['docs'] } })
    expect(res.status).toBe(201)
    expect(res.json).toEqual({ task: 'write docs', priority: 3, tags: ['docs'] })
    expect(reached).toHaveLength(1)
  })

  it('query strings are coerced to the schema’s numbers, booleans and arrays', async () => {
    const { client } = setup()
    expect((await client.get('/todos?page=2&done=true&tag=a&tag=b')).json).toEqual({ page: 2, done: true, tag: ['a', 'b'] })
    expect((await client.get('/todos?tag=only')).json).toEqual({ page: 1, tag: ['only'] })
  })

  it('path, headers and form', async () => {
    const { client } = setup()
    const put = await client.put('/todos/7', { json: { task: 'x' }, headers: { 'X-Api-Key': 'abcdef' } })
    expect(put.json).toEqual({ id: 7, key: 'abcdef', changed: ['task'] })
    const signup = await client.post('/signup', { form: { username: 'ada', age: '36' } })
    expect(signup.json).toEqual({ username: 'ada', age: 36 })
  })
})

describe('bad input is a 4xx with every field error, and nothing reaches the view', () => {
  it('malformed JSON: 400', async () => {
    const { client, reached } = setup()
    const res = await client.post('/todos', { data: '{"task": "x",', contentType: 'application/json' })
    expect(res.status).toBe(400)
    expect(res.mimetype).toBe('application/problem+json')
    expect(res.json).toMatchObject({ status: 400, title: 'Bad Request', detail: 'The body is not valid JSON.' })
    expect(res.json.errors[0]).toMatchObject({ location: 'body', path: [], pointer: '' })
    expect(reached).toEqual([])
  })

  it('not JSON at all: 415', async () => {
    const { client, reached } = setup()
    const res = await client.post('/todos', { data: 'task=x', contentType: 'text/plain' })
    expect(res.status).toBe(415)
    expect(res.json.detail).toContain("got 'text/plain'")
    expect(reached).toEqual([])
  })

  it('wrong types, missing fields, unknown fields and oversize arrays: one 422 listing them all', async () => {
    const { client, reached } = setup()
    const res = await client.post('/todos', {
      json: { priority: 'high', tags: ['a', 'b', 'c', 'd'], due: { day: 40, month: 1, year: 2027 }, owner: 'me' },
    })
    expect(res.status).toBe(422)
    expect(res.mimetype).toBe('application/problem+json')
    expect(res.json).toMatchObject({ type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'The request has 6 invalid fields.' })
    expect(locations(res.json.errors)).toEqual(['body:/due/day', 'body:/due/year', 'body:/owner', 'body:/priority', 'body:/tags', 'body:/task'])
    const byPointer = Object.fromEntries(res.json.errors.map((e: FieldError) => [e.pointer, e]))
    expect(byPointer['/owner']).toMatchObject({ message: 'Unknown field.', code: 'unknown_field' })
    expect(byPointer['/tags'].code).toBe('too_big')
    expect(byPointer['/task'].code).toBe('invalid_type')
    expect(reached).toEqual([])
  })

  it('an empty body for a required body: 422 at the root', async () => {
    const { client, reached } = setup()
    const res = await client.post('/todos')
    expect(res.status).toBe(422)
    expect(res.json.errors).toEqual([expect.objectContaining({ location: 'body', path: [], pointer: '' })])
    expect(reached).toEqual([])
  })

  it('a JSON body that is not an object', async () => {
    const { client } = setup()
    for (const json of [[1, 2], 'task', 42, null]) {
      const res = await client.post('/todos', { json })
      expect(res.status).toBe(422)
    }
  })

  it('query values that do not read as their type stay strings and are reported', async () => {
    const { client, reached } = setup()
    const res = await client.get('/todos?page=two&done=maybe')
    expect(res.status).toBe(422)
    expect(locations(res.json.errors)).toEqual(['query:/done', 'query:/page'])
    expect(reached).toEqual([])
  })

  it('path, headers and body errors together, each with its location', async () => {
    const { client, reached } = setup()
    const res = await client.put('/todos/5000', { json: { tags: 'x' } })
    expect(res.status).toBe(422)
    expect(locations(res.json.errors)).toEqual(['body:/tags', 'headers:/x-api-key', 'path:/id'])
    expect(reached).toEqual([])
  })

  it('form fields', async () => {
    const { client, reached } = setup()
    const res = await client.post('/signup', { form: { username: 'x', age: 'old', extra: '1' } })
    expect(res.status).toBe(422)
    expect(locations(res.json.errors)).toEqual(['form:/age', 'form:/extra', 'form:/username'])
    expect(reached).toEqual([])
  })

  it('REST_VALIDATION_STATUS = 400 changes the status', async () => {
    const { client } = setup({ REST_VALIDATION_STATUS: 400 })
    const res = await client.post('/todos', { json: {} })
    expect(res.status).toBe(400)
    expect(res.json).toMatchObject({ status: 400, title: 'Bad Request' })
  })

  it('reports an unknown key once, also with a strict schema', async () => {
    const app = makeApp()
    app.post('/strict', validate({ body: z.strictObject({ a: z.number() }) }, function strict({ body }) {
      return body
    }))
    const res = await app.testClient().post('/strict', { json: { a: 1, b: 2 } })
    expect(res.json.errors).toEqual([{ location: 'body', path: ['b'], pointer: '/b', message: 'Unknown field.', code: 'unknown_field' }])
  })

  it('unknown: "strip" drops undeclared keys instead', async () => {
    const app = makeApp()
    app.post('/loose', validate({ body: z.object({ a: z.number() }), unknown: 'strip' }, function loose({ body }) {
      return body
    }))
    const res = await app.testClient().post('/loose', { json: { a: 1, b: 2 } })
    expect(res.json).toEqual({ a: 1 })
  })
})

describe('validate() on plain function views', () => {
  it('validates and answers problem details without an Api', async () => {
    const app = makeApp()
    const reached: unknown[] = []
    app.post('/items/<int:id>', validate({ body: z.object({ name: z.string() }) }, function rename({ path, body }) {
      reached.push(body)
      return { id: path.id, name: body.name }
    }))
    const client = app.testClient()
    expect((await client.post('/items/3', { json: { name: 'n' } })).json).toEqual({ id: 3, name: 'n' })
    const bad = await client.post('/items/3', { json: { name: 1 } })
    expect([bad.status, bad.mimetype]).toEqual([422, 'application/problem+json'])
    expect(bad.json.errors[0].pointer).toBe('/name')
    expect(reached).toHaveLength(1)
  })

  it('works with an async Standard Schema (not zod)', async () => {
    const app = makeApp()
    const evenAsync: StandardSchemaV1<unknown, { n: number }> = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: async (value: unknown) =>
          typeof value === 'object' && value !== null && typeof (value as { n?: unknown }).n === 'number' && (value as { n: number }).n % 2 === 0
            ? { value: value as { n: number } }
            : { issues: [{ message: 'n must be even', path: ['n'] }] },
      },
    }
    app.post('/even', validate({ body: evenAsync }, function even({ body }) {
      return { half: body.n / 2 }
    }))
    const client = app.testClient()
    expect((await client.post('/even', { json: { n: 4 } })).json).toEqual({ half: 2 })
    const odd = await client.post('/even', { json: { n: 3 } })
    expect(odd.status).toBe(422)
    expect(odd.json.errors).toEqual([{ location: 'body', path: ['n'], pointer: '/n', message: 'n must be even' }])
  })

  it('answers the same once zod schemas run compiled (z.compile): values, transforms, refinements and every error', async () => {
    const Order = z.strictObject({
      sku: z.string().regex(/^[A-Z]{3}-\d+$/),
      qty: z.number().int().min(1).max(10),
      note: z.string().trim().toUpperCase().optional(),
      lines: z.array(z.object({ n: z.number() }).refine((l) => l.n !== 13, 'unlucky')).max(2),
    })
    const app = makeApp()
    app.post('/orders', validate({ body: Order }, ({ body }) => body))
    const client = app.testClient()
    const bodies = [
      { sku: 'ABC-1', qty: 2, note: ' rush ', lines: [{ n: 1 }] },
      { sku: 'abc', qty: 0, lines: [{ n: 13 }, { n: 1 }, { n: 2 }], extra: true },
      { sku: 'ABC-2', qty: 2.5, lines: 'none' },
      { sku: 'ABC-3', qty: 1, lines: [{ n: 13 }] },
    ]
    const first = await Promise.all(bodies.map(async (json) => (await client.post('/orders', { json })).json))
    await new Promise((resolve) => setTimeout(resolve, 50)) // zod's compiler has loaded
    for (let i = 0; i < bodies.length; i++) expect((await client.post('/orders', { json: bodies[i] })).json).toEqual(first[i])
    expect(first[0]).toEqual({ sku: 'ABC-1', qty: 2, note: 'RUSH', lines: [{ n: 1 }] })
    expect(first[1].errors.map((e: FieldError) => e.pointer)).toEqual(['/extra', '/sku', '/qty', '/lines'])
    expect(first[3].errors).toEqual([{ location: 'body', path: ['lines', 0], pointer: '/lines/0', message: 'unlucky', code: 'custom' }])
  })

  it('refuses a spec part that is not a Standard Schema', () => {
    expect(() => validate({ body: { type: 'object' } as never }, () => 'x')).toThrow(/must be a Standard Schema/)
  })
})

describe('checkRequest() for HTML forms', () => {
  it('returns the validated input or every field error, without answering', async () => {
    const { checkRequest } = await import('phial/rest')
    const app = makeApp()
    const Signup = z.object({ username: z.string().min(3), age: z.number().int().min(13) })
    app.post('/signup', async function signup(_args, ctx) {
      const { input, errors } = await checkRequest({ form: Signup }, ctx)
      if (errors.length > 0) return [`<ul>${errors.map((e) => `<li>${e.pointer}: ${e.message}</li>`).join('')}</ul>`, 422]
      return `welcome ${input.form!.username} (${input.form!.age + 1} next year)`
    })
    const client = app.testClient()
    expect((await client.post('/signup', { form: { username: 'ada', age: '36' } })).text).toBe('welcome ada (37 next year)')
    const bad = await client.post('/signup', { form: { username: 'x', age: '9' } })
    expect(bad.status).toBe(422)
    expect(bad.mimetype).toBe('text/html')
    expect(bad.text).toContain('<li>/username:')
    expect(bad.text).toContain('<li>/age:')
  })
})
