/**
 * The OpenAPI document: converters as path-parameter schemas, blueprint
 * prefixes and tags, query/header/form parameters, $defs hoisting; the
 * document and docs routes; the docs page's assets.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { validate as validateOpenApi } from '@readme/openapi-parser'
import { Blueprint } from 'phial'
import { Api, Resource, converterSchema, hoistSchema, openapiPath } from 'phial/rest'
import { makeApp } from './helpers.ts'

describe('path parameters from converters', () => {
  it('maps each converter to a schema', async () => {
    const app = makeApp()
    const api = new Api(app, { title: 'Converters', version: '2' })
    class Any extends Resource {
      get() {
        return {}
      }
    }
    api.addResource(
      Any,
      '/a/<int:n>/<int(min=1, max=9):d>/<int(signed=True):s>/<float:f>/<uuid:u>/<any(red, blue):c>/<string(length=2):cc>/<string(minlength=2, maxlength=5):w>/<path:rest>',
    )
    const doc = (await app.testClient().get('/openapi.json')).json
    const [path] = Object.keys(doc.paths)
    expect(path).toBe('/a/{n}/{d}/{s}/{f}/{u}/{c}/{cc}/{w}/{rest}')
    const schemas = Object.fromEntries(doc.paths[path!].get.parameters.map((p: { name: string; schema: unknown }) => [p.name, p.schema]))
    expect(schemas).toEqual({
      n: { type: 'integer', minimum: 0 },
      d: { type: 'integer', minimum: 1, maximum: 9 },
      s: { type: 'integer' },
      f: { type: 'number', minimum: 0 },
      u: { type: 'string', format: 'uuid' },
      c: { type: 'string', enum: ['red', 'blue'] },
      cc: { type: 'string', minLength: 2, maxLength: 2 },
      w: { type: 'string', minLength: 2, maxLength: 5 },
      rest: { type: 'string' },
    })
    expect((await validateOpenApi(doc)).valid).toBe(true)
  })

  it('converts rules to OpenAPI paths', () => {
    expect(openapiPath('/u/<int(min=1):id>/<slug>')).toEqual({ path: '/u/{id}/{slug}', names: ['id', 'slug'] })
    expect(converterSchema(undefined)).toEqual({ type: 'string', minLength: 1 })
  })
})

describe('blueprints, parameters and shared schemas', () => {
  it('documents a blueprint Api under its prefix with its name as tag, query/header/form parameters', async () => {
    const app = makeApp()
    const bp = new Blueprint('pets', import.meta.url, { urlPrefix: '/v1' })
    const api = new Api(bp, { title: 'Pets', version: '1.2.3', openapi: { components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'x-api-key' } } }, security: [{ key: [] }] } })
    const Owner = z.object({ name: z.string() }).meta({ id: 'Owner' })
    const Pet = z.object({ id: z.number().int(), owner: Owner, friends: z.array(Owner) })
    class Pets extends Resource {
      get = this.validate(
        { query: z.object({ species: z.enum(['cat', 'dog']).optional(), limit: z.number().int().max(50).default(10) }), headers: z.object({ 'x-trace': z.string().optional() }), responses: { 200: z.array(Pet) } },
        () => [],
      )
      post = this.validate(
        { form: z.object({ name: z.string() }), responses: { 201: Pet }, description: 'Adds a pet.', deprecated: true, security: [{ key: [] }] },
        () => ({ id: 1, owner: { name: 'a' }, friends: [] }),
      )
    }
    api.addResource(Pets, '/pets')
    app.register(bp)
    const res = await app.testClient().get('/v1/openapi.json')
    expect(res.status).toBe(200)
    const doc = res.json
    const op = doc.paths['/v1/pets'].get
    expect(op.tags).toEqual(['pets'])
    expect(op.operationId).toBe('get_pets')
    expect(op.parameters).toEqual([
      { name: 'species', in: 'query', required: false, schema: { type: 'string', enum: ['cat', 'dog'] } },
      { name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ type: 'integer', default: 10, maximum: 50 }) },
      { name: 'x-trace', in: 'header', required: false, schema: { type: 'string' } },
    ])
    const post = doc.paths['/v1/pets'].post
    expect(Object.keys(post.requestBody.content)).toEqual(['application/x-www-form-urlencoded', 'multipart/form-data'])
    expect(post).toMatchObject({ description: 'Adds a pet.', deprecated: true, security: [{ key: [] }] })
    expect(op.security).toBeUndefined()
    expect(doc.components.schemas.Owner).toMatchObject({ type: 'object' })
    expect(JSON.stringify(doc)).not.toContain('#/$defs/')
    expect(doc.components.securitySchemes.key.type).toBe('apiKey')
    expect(doc.security).toEqual([{ key: [] }])
    expect(doc.info).toEqual({ title: 'Pets', version: '1.2.3' })
    const result = await validateOpenApi(structuredClone(doc))
    if (!result.valid) throw new Error(JSON.stringify(result.errors))
  })

  it('hoists $defs into components, renaming a clash', () => {
    const components: Record<string, Record<string, unknown>> = { A: { type: 'string' } }
    const out = hoistSchema({ $schema: 'x', type: 'array', items: { $ref: '#/$defs/A' }, $defs: { A: { type: 'number' } } }, components)
    expect(out).toEqual({ type: 'array', items: { $ref: '#/components/schemas/A2' } })
    expect(components).toEqual({ A: { type: 'string' }, A2: { type: 'number' } })
  })
})

describe('the document and docs routes', () => {
  it('serves /openapi.json, /docs and Swagger UI’s files (JavaScript as UTF-8), and can turn them off', async () => {
    const app = makeApp()
    new Api(app)
    const client = app.testClient()
    const page = await client.get('/docs')
    expect(page.mimetype).toBe('text/html')
    expect(page.text).toContain('<div id="swagger-ui"></div>')
    expect(page.text).toContain('src="/docs/swagger-ui/swagger-ui-bundle.js"')
    expect(page.text).not.toMatch(/https?:\/\//)
    const js = await client.get('/docs/swagger-ui/swagger-ui-bundle.js')
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.data.length).toBeGreaterThan(100_000)
    const css = await client.get('/docs/swagger-ui/swagger-ui.css')
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    const init = await client.get('/docs/swagger-initializer.js')
    expect(init.text).toContain('url: "/openapi.json"')
    expect(init.text).toContain('validatorUrl: null')
    expect((await client.get('/docs/swagger-ui/package.json')).status).toBe(404)
    expect((await client.get('/docs/swagger-ui/../../package.json')).status).toBe(404)

    const quiet = makeApp({ REST_OPENAPI_URL: null })
    new Api(quiet)
    expect((await quiet.testClient().get('/openapi.json')).status).toBe(404)
    expect((await quiet.testClient().get('/docs')).status).toBe(404)
  })

  it('puts them under the Api prefix', async () => {
    const app = makeApp({ REST_DOCS_URL: '/ui' })
    new Api(app, { prefix: '/api' })
    const client = app.testClient()
    expect((await client.get('/api/openapi.json')).json.openapi).toBe('3.1.0')
    expect((await client.get('/api/ui/swagger-initializer.js')).text).toContain('"/api/openapi.json"')
  })
})
