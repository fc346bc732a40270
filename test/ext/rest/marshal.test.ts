/**
 * Response schemas: output filtered to the schema (nothing undeclared
 * leaves), the declared status for bare returns, pagination headers.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Api, Resource, paginated, pageQuery, compileProjector, jsonSchemaOf, type PaginationLike } from 'phial/rest'
import { makeApp } from './helpers.ts'

const User = z.object({ id: z.number().int(), name: z.string(), roles: z.array(z.object({ name: z.string() })) })
const rows = [{ id: 1, name: 'ada', passwordHash: 'scrypt$...', roles: [{ name: 'admin', grantedBy: 'root' }] }]

describe('output filtering', () => {
  it('drops undeclared fields at every depth (no password hash leaves)', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Users extends Resource {
      get = this.validate({ responses: { 200: z.array(User) } }, () => rows)
      post = this.validate({ responses: { 201: User } }, () => rows[0]!)
    }
    api.addResource(Users, '/users')
    const client = app.testClient()
    const list = await client.get('/users')
    expect(list.json).toEqual([{ id: 1, name: 'ada', roles: [{ name: 'admin' }] }])
    expect(list.text).not.toContain('passwordHash')
    const created = await client.post('/users')
    expect(created.status).toBe(201)
    expect(created.json).toEqual({ id: 1, name: 'ada', roles: [{ name: 'admin' }] })
  })

  it('filters through a schema that is a reference (zod with an id: { $ref, $defs } at the top)', async () => {
    const app = makeApp()
    const api = new Api(app)
    const Named = User.meta({ id: 'NamedUser' })
    class One extends Resource {
      get = this.validate({ responses: { 200: Named } }, () => rows[0]!)
    }
    api.addResource(One, '/one')
    const res = await app.testClient().get('/one')
    expect(res.json).toEqual({ id: 1, name: 'ada', roles: [{ name: 'admin' }] })
    expect(compileProjector({ $ref: '#/$defs/A', $defs: { A: { type: 'object', properties: { id: {} } } } })({ id: 1, secret: 2 })).toEqual({ id: 1 })
  })

  it('filters by the schema of the status returned; undeclared statuses pass as they are', async () => {
    const app = makeApp()
    const api = new Api(app)
    const Conflict = z.object({ reason: z.string() })
    class Thing extends Resource {
      post = this.validate({ body: z.object({ dup: z.boolean() }), responses: { 201: User, 409: Conflict } }, ({ body }) =>
        body.dup ? [{ reason: 'exists', internal: 'x' }, 409] : [rows[0]!, 201],
      )
    }
    api.addResource(Thing, '/thing')
    const client = app.testClient()
    expect((await client.post('/thing', { json: { dup: true } })).json).toEqual({ reason: 'exists' })
    expect((await client.post('/thing', { json: { dup: false } })).json.passwordHash).toBeUndefined()
  })

  it('projects model objects through toJSON, keeps Dates as ISO strings, and a loose schema keeps extras', async () => {
    class Model {
      constructor(readonly id: number, readonly secret: string) {}
      toJSON() {
        return { id: this.id, secret: this.secret, at: new Date(Date.UTC(2026, 0, 2)) }
      }
    }
    const project = compileProjector({ type: 'object', properties: { id: { type: 'integer' }, at: { type: 'string' } } })
    expect(JSON.parse(JSON.stringify(project(new Model(1, 's'))))).toEqual({ id: 1, at: '2026-01-02T00:00:00.000Z' })
    const loose = compileProjector({ type: 'object', properties: { a: {} }, additionalProperties: {} })
    expect(loose({ a: 1, b: 2 })).toEqual({ a: 1, b: 2 })
  })

  it('generated projectors: declared order, undefined left out, nested objects and arrays, a __proto__ key', () => {
    const Row = z.object({ id: z.number(), name: z.string().optional(), tags: z.array(z.string()), owner: z.object({ id: z.number() }), items: z.array(z.object({ n: z.number() })) })
    const project = compileProjector(jsonSchemaOf(Row, 'output')!)
    const row = { secret: 1, items: [{ n: 1, x: 2 }], owner: { id: 7, hash: 'h' }, tags: ['a'], name: undefined, id: 3 }
    const out = project(row) as Record<string, unknown>
    expect(Object.keys(out)).toEqual(['id', 'tags', 'owner', 'items'])
    expect(out).toEqual({ id: 3, tags: ['a'], owner: { id: 7 }, items: [{ n: 1 }] })
    expect(project({ ...row, name: 'ada' })).toEqual({ id: 3, name: 'ada', tags: ['a'], owner: { id: 7 }, items: [{ n: 1 }] })
    expect(project('not an object')).toBe('not an object')
    // an own "__proto__" property (as JSON.parse makes it) takes the generic path: no literal that would set a prototype
    const proto = compileProjector(JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"},"a":{}},"additionalProperties":false}'))
    expect(Object.getPrototypeOf(proto(JSON.parse('{"a":1,"b":2}')))).toBe(Object.prototype)
    expect(proto(JSON.parse('{"a":1,"b":2}'))).toEqual({ a: 1 })
  })

  it('REST_VALIDATE_RESPONSES turns a body that breaks its schema into a 500', async () => {
    const app = makeApp({ REST_VALIDATE_RESPONSES: true })
    const api = new Api(app)
    class Broken extends Resource {
      get = this.validate({ responses: { 200: User } }, () => ({ id: 'one', name: 'x', roles: [] }) as never)
    }
    api.addResource(Broken, '/broken')
    const res = await app.testClient().get('/broken')
    expect(res.status).toBe(500)
    expect(res.mimetype).toBe('application/problem+json')
  })

  it('a 204 declared without a schema sends no body', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Gone extends Resource {
      delete = this.validate({ responses: { 204: null } }, () => null)
    }
    api.addResource(Gone, '/gone')
    const res = await app.testClient().delete('/gone')
    expect([res.status, res.text]).toEqual([204, ''])
  })
})

describe('pagination', () => {
  const items = Array.from({ length: 23 }, (_, i) => ({ id: i + 1, name: `user${i + 1}`, roles: [], passwordHash: 'x' }))

  function setup() {
    const app = makeApp()
    const api = new Api(app)
    class People extends Resource {
      get = this.validate({ query: pageQuery({ defaultPerPage: 10, maxPerPage: 20 }), responses: { 200: z.array(User) } }, ({ query }) =>
        paginated(items, query),
      )
    }
    class FromDb extends Resource {
      get = this.validate({ responses: { 200: z.array(User) } }, () => {
        const page: PaginationLike<(typeof items)[number]> = { items: items.slice(0, 2), total: 23, page: 1, per_page: 2, pages: 12 }
        return paginated(page)
      })
    }
    api.addResource(People, '/people')
    api.addResource(FromDb, '/db')
    return app.testClient()
  }

  it('slices a plain array and sets X-Pagination and Link (first/prev/next/last)', async () => {
    const client = setup()
    const res = await client.get('/people?page=2&per_page=5&q=x')
    expect(res.json.map((u: { id: number }) => u.id)).toEqual([6, 7, 8, 9, 10])
    expect(res.text).not.toContain('passwordHash')
    expect(JSON.parse(res.headers.get('x-pagination')!)).toEqual({
      total: 23, total_pages: 5, first_page: 1, last_page: 5, page: 2, previous_page: 1, next_page: 3,
    })
    expect(res.headers.get('link')).toBe(
      '</people?page=1&per_page=5&q=x>; rel="first", </people?page=1&per_page=5&q=x>; rel="prev", ' +
        '</people?page=3&per_page=5&q=x>; rel="next", </people?page=5&per_page=5&q=x>; rel="last"',
    )
  })

  it('defaults to page 1 and refuses bad page arguments with field errors', async () => {
    const client = setup()
    const first = await client.get('/people')
    expect(first.json).toHaveLength(10)
    expect(JSON.parse(first.headers.get('x-pagination')!).next_page).toBe(2)
    const bad = await client.get('/people?page=0&per_page=500')
    expect(bad.status).toBe(422)
    expect(bad.json.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/page', '/per_page'])
    const past = await client.get('/people?page=9')
    expect(past.json).toEqual([])
  })

  it('accepts a Flask-SQLAlchemy-shaped Pagination (phial/sql’s paginate())', async () => {
    const res = await setup().get('/db')
    expect(res.json).toHaveLength(2)
    expect(JSON.parse(res.headers.get('x-pagination')!)).toMatchObject({ total: 23, total_pages: 12, page: 1, next_page: 2 })
  })
})
