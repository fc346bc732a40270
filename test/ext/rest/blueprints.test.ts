/**
 * Flask-Smorest's blueprints registered into one Api (`api.register_blueprint`)
 * and one document; an Api's own error format; per-operation security and
 * the schemes of phial/login's JWTManager; responses declared without a body.
 * Ported by meaning from flask-smorest's tests/test_blueprint.py and
 * tests/test_api.py (register_blueprint, doc security, tags), through HTTP.
 */
import { validate as validateOpenApi } from '@readme/openapi-parser'
import { abort } from 'phial'
import { JWTManager, createAccessToken, jwtRequired } from 'phial/login'
import { Api, Blueprint, Resource, type ApiOptions, type ErrorFormat } from 'phial/rest'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { makeApp } from './helpers.ts'

const Pet = z.object({ id: z.number().int(), name: z.string() }).meta({ id: 'Pet' })
const NewPet = z.object({ name: z.string().min(1) })
const Err = z.object({ errors: z.object({ body: z.array(z.string()) }) }).meta({ id: 'GenericErrorModel' })

const bodyErrors: ErrorFormat = {
  schema: Err,
  render: (problem) => ({ errors: { body: problem.errors?.map((e) => `${e.path.join('.')}: ${e.message}`) ?? [problem.detail ?? problem.title] } }),
}

function petsBlueprint(): Blueprint {
  const pets = new Blueprint('pets', { urlPrefix: '/pets', description: 'Operations on pets' })
  const store = new Map([[1, { id: 1, name: 'Rex', owner: 'secret' }]])
  class PetList extends Resource {
    get = this.validate({ responses: { 200: z.array(Pet) } }, () => [...store.values()])
    post = this.validate({ body: NewPet, responses: { 201: Pet }, security: [{ jwt: [] }] }, ({ body }) => {
      const pet = { id: store.size + 1, name: body.name, owner: 'x' }
      store.set(pet.id, pet)
      return [pet, 201]
    })
  }
  class PetItem extends Resource<'/<int:petId>'> {
    get = this.validate({ responses: { 200: Pet, 404: null } }, ({ path }) => store.get(path.petId) ?? abort(404, `No pet ${path.petId}.`))
    delete = this.validate({ responses: { 204: null } }, ({ path }) => {
      store.delete(path.petId)
    })
  }
  pets.addResource(PetList, '', { endpoint: 'pets' })
  pets.addResource(PetItem, '/<int:petId>', { endpoint: 'pet' })
  return pets
}

function usersBlueprint(): Blueprint {
  const users = new Blueprint('users', { tags: ['Users'], security: [{ jwt: [] }] })
  class Me extends Resource {
    static override methodDecorators = [jwtRequired()]
    get = this.validate({ responses: { 200: z.object({ me: z.string() }), 401: null } }, () => ({ me: 'ada' }))
  }
  class Health extends Resource {
    get = this.validate({ responses: { 200: null }, security: [] }, () => undefined)
  }
  users.addResource(Me, '/me', { endpoint: 'me' })
  users.addResource(Health, '/health', { endpoint: 'health' })
  return users
}

function makeApi(options: ApiOptions = {}) {
  const app = makeApp({ SECRET_KEY: 'a-test-secret-of-enough-length-123' })
  new JWTManager(app)
  const api = new Api(null, { prefix: '/api', title: 'Pets', version: '1', ...options })
  api.registerBlueprint(petsBlueprint())
  api.registerBlueprint(usersBlueprint())
  api.initApp(app)
  return { app, api, client: app.testClient() }
}

describe('blueprints registered into one Api', () => {
  it('serves each blueprint under the Api prefix, then its own', async () => {
    const { client } = makeApi()
    expect((await client.get('/api/pets')).json).toEqual([{ id: 1, name: 'Rex' }])
    expect((await client.get('/api/pets/1')).json).toEqual({ id: 1, name: 'Rex' })
    expect((await client.get('/api/health')).status).toBe(200)
  })

  it('documents every blueprint in one valid document, tagged by blueprint, with its description', async () => {
    const { client } = makeApi()
    const res = await client.get('/api/openapi.json')
    const doc = res.json as any
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/health', '/api/me', '/api/pets', '/api/pets/{petId}'])
    expect(doc.paths['/api/pets'].get.tags).toEqual(['pets'])
    expect(doc.paths['/api/me'].get.tags).toEqual(['Users'])
    expect(doc.tags).toEqual([{ name: 'Users' }, { name: 'pets', description: 'Operations on pets' }])
    const result = await validateOpenApi(structuredClone(doc))
    expect(result.valid, JSON.stringify((result as { errors?: unknown }).errors)).toBe(true)
    // only one document: the blueprints have none of their own
    expect((await client.get('/api/pets/openapi.json')).status).toBe(404)
  })

  it('builds URLs to blueprint resources, whose endpoints are the blueprint’s', async () => {
    const app = makeApp()
    const api = new Api(null, { prefix: '/api' })
    const links = new Blueprint('links', { urlPrefix: '/links' })
    class Target extends Resource<'/<int:id>'> {
      get() {
        return { self: api.urlFor(Target, { id: 7 }) }
      }
    }
    links.addResource(Target, '/<int:id>', { endpoint: 'target' })
    api.registerBlueprint(links)
    api.initApp(app)
    expect(app.viewFunctions['links.target']).toBeTypeOf('function')
    expect((await app.testClient().get('/api/links/1')).json).toEqual({ self: '/api/links/7' })
  })

  it('refuses a core blueprint, and a blueprint twice', () => {
    const api = new Api(null)
    expect(() => api.registerBlueprint(new (class extends Object {})() as never)).toThrow(/Blueprint from 'phial\/rest'/)
    const pets = petsBlueprint()
    api.registerBlueprint(pets)
    expect(() => new Api(null).registerBlueprint(pets)).toThrow(/already registered into an Api/)
  })

  it('takes resources added after registration, before the app is set up', async () => {
    const app = makeApp()
    const api = new Api(null)
    const late = new Blueprint('late', { urlPrefix: '/late' })
    api.registerBlueprint(late)
    late.addResource(class Hello extends Resource { get() { return { hi: 1 } } }, '/hi')
    api.initApp(app)
    expect((await app.testClient().get('/late/hi')).json).toEqual({ hi: 1 })
  })
})

describe('an Api error format', () => {
  it('answers validation errors, aborts, 404s under the prefix and 405s in the format', async () => {
    const { client } = makeApi({ errors: bodyErrors })
    const invalid = await client.post('/api/pets', { json: { name: '' } })
    expect(invalid.status).toBe(422)
    expect(invalid.mimetype).toBe('application/json')
    expect(invalid.json).toEqual({ errors: { body: [expect.stringMatching(/^name: /)] } })
    const missing = await client.get('/api/pets/9')
    expect([missing.status, missing.json]).toEqual([404, { errors: { body: ['No pet 9.'] } }])
    const unknownUrl = await client.get('/api/nothing')
    expect(unknownUrl.status).toBe(404)
    expect(unknownUrl.json).toHaveProperty('errors.body')
    const wrongMethod = await client.put('/api/pets')
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get('allow')).toContain('GET')
    expect(wrongMethod.json).toHaveProperty('errors.body')
    const malformed = await client.post('/api/pets', { data: '{', headers: { 'content-type': 'application/json' } })
    expect(malformed.status).toBe(400)
    expect(malformed.json).toHaveProperty('errors.body')
  })

  it('documents every error response with its schema, and no ProblemDetails', async () => {
    const { client } = makeApi({ errors: bodyErrors })
    const doc = (await client.get('/api/openapi.json')).json as any
    const ref = { $ref: '#/components/schemas/GenericErrorModel' }
    expect(doc.paths['/api/pets/{petId}'].get.responses['404'].content['application/json'].schema).toEqual(ref)
    expect(doc.paths['/api/pets'].post.responses['422'].content['application/json'].schema).toEqual(ref)
    expect(doc.paths['/api/pets'].get.responses.default.content['application/json'].schema).toEqual(ref)
    expect(doc.components.schemas.GenericErrorModel.required).toEqual(['errors'])
    expect(doc.components.schemas.ProblemDetails).toBeUndefined()
    expect((await validateOpenApi(structuredClone(doc))).valid).toBe(true)
  })

  it('keeps problem details without one', async () => {
    const { client } = makeApi()
    const res = await client.get('/api/pets/9')
    expect(res.mimetype).toBe('application/problem+json')
    expect(res.json).toMatchObject({ status: 404, detail: 'No pet 9.' })
  })
})

describe('security', () => {
  it('documents the JWTManager scheme, per-operation and per-blueprint security, and [] for public', async () => {
    const { client } = makeApi({ security: [{ jwt: [] }] })
    const doc = (await client.get('/api/openapi.json')).json as any
    expect(doc.components.securitySchemes).toEqual({ jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } })
    expect(doc.security).toEqual([{ jwt: [] }])
    expect(doc.paths['/api/pets'].post.security).toEqual([{ jwt: [] }])
    expect(doc.paths['/api/pets'].get.security).toBeUndefined()
    expect(doc.paths['/api/me'].get.security).toEqual([{ jwt: [] }])
    expect(doc.paths['/api/health'].get.security).toEqual([])
    expect((await validateOpenApi(structuredClone(doc))).valid).toBe(true)
  })

  it('names the scheme, describes a non-Bearer header as an API key, or leaves it out', () => {
    const app = makeApp({ SECRET_KEY: 'a-test-secret-of-enough-length-123', JWT_HEADER_TYPE: 'Token', JWT_TOKEN_LOCATION: ['headers', 'cookies'] })
    new JWTManager(app)
    const named = new Api(app, { jwtScheme: 'Token', name: 'a' }).openapi(app) as any
    expect(named.components.securitySchemes.Token).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' })
    expect(named.components.securitySchemes.TokenCookie).toMatchObject({ type: 'apiKey', in: 'cookie' })
    const none = new Api(app, { jwtScheme: false, name: 'b', prefix: '/b' }).openapi(app) as any
    expect(none.components.securitySchemes).toBeUndefined()
    const own = new Api(app, { jwtScheme: false, name: 'c', prefix: '/c', securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } }).openapi(app) as any
    expect(own.components.securitySchemes).toEqual({ key: { type: 'apiKey', in: 'header', name: 'X-Key' } })
  })

  it('the guard still answers 401 in the Api format', async () => {
    const { app, client } = makeApi({ errors: bodyErrors })
    app.get('/token', async function token() {
      return { token: await createAccessToken('ada') }
    })
    const refused = await client.get('/api/me')
    expect(refused.status).toBe(401)
    expect(refused.json).toHaveProperty('errors.body')
    const { token } = (await client.get('/token')).json as { token: string }
    expect((await client.get('/api/me', { headers: { Authorization: `Bearer ${token}` } })).json).toEqual({ me: 'ada' })
  })
})

describe('responses declared without a body', () => {
  it('{ 200: null } sends an empty body with no JSON content type', async () => {
    const { client } = makeApi()
    const res = await client.get('/api/health')
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
    expect(res.headers.get('content-type')).toBeNull()
  })

  it('204 never has a body, declared or returned as a tuple', async () => {
    const { client } = makeApi()
    const res = await client.delete('/api/pets/1')
    expect([res.status, res.text, res.headers.get('content-type')]).toEqual([204, '', null])
    const app = makeApp()
    const api = new Api(app)
    api.addResource(class Gone extends Resource { delete() { return [{ ignored: true }, 204] } }, '/gone')
    const plain = await app.testClient().delete('/gone')
    expect([plain.status, plain.text, plain.headers.get('content-type')]).toEqual([204, '', null])
  })

  it('documents them without content', async () => {
    const { client } = makeApi()
    const doc = (await client.get('/api/openapi.json')).json as any
    expect(doc.paths['/api/health'].get.responses['200']).toEqual({ description: 'OK' })
    expect(doc.paths['/api/pets/{petId}'].delete.responses['204']).toEqual({ description: 'No Content' })
  })
})
