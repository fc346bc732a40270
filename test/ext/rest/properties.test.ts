/**
 * Property tests (fast-check): whatever a handler returns, the filtered
 * output has only declared keys; every undeclared key of a body is found;
 * JSON pointers round-trip.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compileProjector, jsonPointer, jsonSchemaOf } from 'phial/rest'
import { makeApp } from './helpers.ts'
import { validate } from 'phial/rest'

const Address = z.object({ city: z.string(), zip: z.string() })
const Person = z.object({ id: z.number(), name: z.string(), address: Address, friends: z.array(z.object({ id: z.number() })) })
const declared = { top: ['id', 'name', 'address', 'friends'], address: ['city', 'zip'], friend: ['id'] }

const extraKey = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !['id', 'name', 'address', 'friends', 'city', 'zip', '__proto__'].includes(k))
const withExtras = <T extends object>(base: fc.Arbitrary<T>) =>
  fc.tuple(base, fc.dictionary(extraKey, fc.jsonValue(), { maxKeys: 4 })).map(([b, extra]) => ({ ...extra, ...b }))

const person = withExtras(
  fc.record({
    id: fc.integer(),
    name: fc.string(),
    address: withExtras(fc.record({ city: fc.string(), zip: fc.string() })),
    friends: fc.array(withExtras(fc.record({ id: fc.integer() })), { maxLength: 4 }),
  }),
)

describe('output filtering', () => {
  const project = compileProjector(jsonSchemaOf(Person, 'output')!)

  it('keeps only declared keys at every depth, and their values', () => {
    fc.assert(
      fc.property(person, (value) => {
        const out = project(value) as Record<string, any>
        expect(Object.keys(out).every((k) => declared.top.includes(k))).toBe(true)
        expect(Object.keys(out.address).every((k) => declared.address.includes(k))).toBe(true)
        for (const f of out.friends) expect(Object.keys(f)).toEqual(['id'])
        expect(out.id).toBe(value.id)
        expect(out.address.city).toBe(value.address.city)
      }),
    )
  })
})

describe('unknown fields', () => {
  it('reports every undeclared key of a body, by pointer, and nothing else', async () => {
    const app = makeApp()
    app.post('/people', validate({ body: Person }, function create() {
      return 'reached'
    }))
    const client = app.testClient()
    await fc.assert(
      fc.asyncProperty(person, async (value) => {
        const expected = [
          ...Object.keys(value).filter((k) => !declared.top.includes(k)).map((k) => jsonPointer([k])),
          ...Object.keys(value.address).filter((k) => !declared.address.includes(k)).map((k) => jsonPointer(['address', k])),
          ...value.friends.flatMap((f, i) => Object.keys(f).filter((k) => k !== 'id').map((k) => jsonPointer(['friends', i, k]))),
        ].sort()
        const res = await client.post('/people', { json: value })
        if (expected.length === 0) {
          expect(res.text).toBe('reached')
        } else {
          expect(res.status).toBe(422)
          const found = res.json.errors.filter((e: { code?: string }) => e.code === 'unknown_field').map((e: { pointer: string }) => e.pointer).sort()
          expect(found).toEqual(expected)
        }
      }),
      { numRuns: 60 },
    )
  })
})

describe('jsonPointer', () => {
  it('escapes ~ and / so each key decodes back', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.nat()), { maxLength: 5 }), (path) => {
        const pointer = jsonPointer(path)
        const decoded = pointer === '' ? [] : pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
        expect(decoded).toEqual(path.map(String))
      }),
    )
  })
})
