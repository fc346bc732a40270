/**
 * examples/todo-api: Flask-RESTful's todo example, validated and
 * documented; its OpenAPI document checked against the OpenAPI 3.1 schema.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { validate as validateOpenApi } from '@readme/openapi-parser'
import { createApp } from '../../../examples/todo-api/app.ts'

const client = () => createApp({ TESTING: true, LOG_LEVEL: 'silent' }).testClient()

describe('the todo API', () => {
  it('lists, creates, reads, replaces and deletes todos', async () => {
    const c = client()
    const list = await c.get('/todos')
    expect(list.json).toEqual([
      { id: 'todo1', task: 'build an API' },
      { id: 'todo2', task: '?????' },
      { id: 'todo3', task: 'profit!' },
    ])
    expect(JSON.parse(list.headers.get('x-pagination')!)).toMatchObject({ total: 3, page: 1 })
    const created = await c.post('/todos', { json: { task: 'something new' } })
    expect([created.status, created.json, created.location]).toEqual([201, { id: 'todo4', task: 'something new' }, '/todos/todo4'])
    expect((await c.get('/todos/todo4')).json).toEqual({ id: 'todo4', task: 'something new' })
    const put = await c.put('/todos/todo4', { json: { task: '  trimmed  ' } })
    expect([put.status, put.json]).toEqual([201, { id: 'todo4', task: 'trimmed' }])
    const del = await c.delete('/todos/todo2')
    expect([del.status, del.text]).toEqual([204, ''])
    const gone = await c.get('/todos/todo2')
    expect(gone.status).toBe(404)
    expect(gone.json).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: "Todo todo2 doesn't exist" })
  })

  it('refuses bad input with field errors, changing nothing', async () => {
    const c = client()
    for (const json of [{}, { task: '' }, { task: 7 }, { task: 'x', done: true }, { task: 'x'.repeat(201) }]) {
      const res = await c.post('/todos', { json })
      expect(res.status).toBe(422)
      expect(res.json.errors.length).toBeGreaterThan(0)
    }
    const malformed = await c.post('/todos', { data: '{"task":', contentType: 'application/json' })
    expect(malformed.status).toBe(400)
    expect((await c.get('/todos/nottodo')).json.errors[0]).toMatchObject({ location: 'path', pointer: '/todoId' })
    expect((await c.get('/todos?per_page=1000')).status).toBe(422)
    expect((await c.get('/todos')).json).toHaveLength(3)
  })

  it('pages the list', async () => {
    const res = await client().get('/todos?per_page=2&page=2')
    expect(res.json).toEqual([{ id: 'todo3', task: 'profit!' }])
    expect(res.headers.get('link')).toContain('rel="prev"')
  })
})

describe('its OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (@readme/openapi-parser)', async () => {
    const doc = (await client().get('/openapi.json')).json
    const result = await validateOpenApi(structuredClone(doc))
    if (!result.valid) throw new Error(JSON.stringify(result.errors, null, 2))
    expect(result.valid).toBe(true)
    expect(result.specification).toBe('OpenAPI')
    expect(doc.openapi).toBe('3.1.0')
  })

  it('describes the operations, parameters, bodies, responses and shared schemas', async () => {
    const doc = (await client().get('/openapi.json')).json
    expect(doc.info).toMatchObject({ title: 'Todo API', version: '1.0.0' })
    expect(Object.keys(doc.paths).sort()).toEqual(['/todos', '/todos/{todoId}'])
    const item = doc.paths['/todos/{todoId}']
    expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'put'])
    expect(item.get.parameters).toEqual([
      { name: 'todoId', in: 'path', required: true, schema: { type: 'string', pattern: '^todo\\d+$', description: 'A todo id: todo1, todo2, ...' } },
    ])
    expect(item.get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Todo' })
    expect(item.get.responses['404'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/ProblemDetails')
    expect(item.get.responses['422']).toBeDefined()
    expect(item.delete.responses['204']).toEqual({ description: 'No Content' })
    expect(item.put.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object', required: ['task'], additionalProperties: false,
    })
    const list = doc.paths['/todos']
    expect(list.get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['query:page', 'query:per_page'])
    expect(list.get.responses['200'].content['application/json'].schema).toEqual({ type: 'array', items: { $ref: '#/components/schemas/Todo' } })
    expect(doc.components.schemas.Todo).toMatchObject({ type: 'object', description: 'A thing to do.' })
    expect(list.post.tags).toEqual(['todos'])
    expect(list.post.summary).toBe('Add a todo')
    expect(doc.tags).toEqual([{ name: 'todos' }])
  })

  describe('phial openapi', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phial-openapi-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    it('writes the document to a file, or prints it', async () => {
      const app = createApp({ LOG_LEVEL: 'silent' })
      const file = join(dir, 'todo-api.json')
      const wrote = await app.testCliRunner().invoke(['openapi', file])
      expect(wrote.exitCode).toBe(0)
      expect(wrote.output).toContain(`to ${file}`)
      const doc = JSON.parse(readFileSync(file, 'utf8'))
      expect(doc.paths['/todos']).toBeDefined()
      expect((await validateOpenApi(doc)).valid).toBe(true)
      const printed = await app.testCliRunner().invoke(['openapi'])
      expect(JSON.parse(printed.stdout).info.title).toBe('Todo API')
      const wrong = await app.testCliRunner().invoke(['openapi', '--api', 'nope'])
      expect(wrong.exitCode).toBe(2)
      expect(wrong.output).toContain("No Api named 'nope' (the app has: api)")
    })
  })
})
