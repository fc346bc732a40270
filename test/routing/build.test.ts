import { describe, it, expect } from 'vitest'
import { BuildError, encodeQuery } from '../../src/routing/index.ts'
import { mapOf } from './helpers.ts'

function buildError(fn: () => unknown): BuildError {
  try {
    fn()
  } catch (error) {
    if (error instanceof BuildError) return error
    throw error
  }
  throw new Error('expected a BuildError')
}

describe('build', () => {
  const m = mapOf([
    ['/', 'index'],
    ['/post/<int:id>', { endpoint: 'post', methods: ['GET'] }],
    ['/post/<int:id>/edit', { endpoint: 'post', methods: ['POST'] }],
    ['/u/<name>/<path:rest>', 'deep'],
    ['/a/<a>/<int:b>/<float:c>', 'three'],
    ['/s/café/<x>', 'encoded'],
  ])
  it('builds static and dynamic rules', () => {
    expect(m.build('index')).toBe('/')
    expect(m.build('post', { id: 42 })).toBe('/post/42')
    expect(m.build('deep', { name: 'ann', rest: 'x/y z' })).toBe('/u/ann/x/y%20z')
    expect(m.build('three', { a: 'x', b: 1, c: 2.5 })).toBe('/a/x/1/2.5')
    expect(m.build('encoded', { x: 'é' })).toBe('/s/caf%C3%A9/%C3%A9')
  })
  it('prefers GET rules without a method, and filters by method when given', () => {
    expect(m.build('post', { id: 1 })).toBe('/post/1')
    expect(m.build('post', { id: 1 }, { method: 'post' })).toBe('/post/1/edit')
    expect(m.build('post', { id: 1 }, { method: 'HEAD' })).toBe('/post/1')
  })
  it('appends unknown values as a query string, in order', () => {
    expect(m.build('post', { id: 1, q: 'a b&c', tag: ['x', 'y'], skip: null, none: undefined, n: 0 })).toBe(
      '/post/1?q=a+b%26c&tag=x&tag=y&n=0',
    )
    expect(m.build('index', { next: '/a?b=c' })).toBe('/?next=/a?b%3Dc')
    expect(m.build('post', { id: 1, q: 'x' }, { appendUnknown: false })).toBe('/post/1')
    expect(m.build('index', { empty: [] })).toBe('/')
  })
  it('treats null and undefined values as missing', () => {
    expect(buildError(() => m.build('post', { id: null })).message).toBe(
      "Could not build url for endpoint 'post'. Did you forget to specify values ['id']?",
    )
  })
})

describe('build with defaults', () => {
  const m = mapOf([
    ['/users/', { endpoint: 'users', defaults: { page: 1 } }],
    ['/users/page/<int:page>', 'users'],
    ['/lang/<lang>/', { endpoint: 'home', defaults: { lang: 'en' } }],
  ])
  it('uses the rule whose defaults agree with the values', () => {
    expect(m.build('users')).toBe('/users/')
    expect(m.build('users', { page: 1 })).toBe('/users/')
    expect(m.build('users', { page: '1' })).toBe('/users/')
    expect(m.build('users', { page: 2 })).toBe('/users/page/2')
    expect(m.build('users', { page: 2, sort: 'name' })).toBe('/users/page/2?sort=name')
  })
  it('fills a variable that has a default with the default', () => {
    expect(m.build('home')).toBe('/lang/en/')
    expect(buildError(() => m.build('home', { lang: 'fr' })).message).toBe(
      "Could not build url for endpoint 'home': rule '/lang/<lang>/' has the default lang='en', but lang='fr' was given and no other rule takes it.",
    )
  })
})

describe('build errors', () => {
  const m = mapOf([
    ['/post/<int:id>', { endpoint: 'post', methods: ['GET'] }],
    ['/user/<int(min=1):id>/<name>', 'user'],
    ['/login', 'auth.login'],
  ])
  it('names an unknown endpoint and suggests close ones', () => {
    const e = buildError(() => m.build('psot', { id: 1 }))
    expect(e.message).toBe("Could not build url for endpoint 'psot': no rule has this endpoint. Did you mean 'post'?")
    expect(e.endpoint).toBe('psot')
    expect(e.values).toEqual({ id: 1 })
    expect(e.suggestions).toEqual(['post'])
    expect(buildError(() => m.build('login')).suggestions).toEqual(['auth.login'])
    expect(buildError(() => m.build('zzzzzzzz')).message).toBe(
      "Could not build url for endpoint 'zzzzzzzz': no rule has this endpoint.",
    )
  })
  it('names missing values', () => {
    expect(buildError(() => m.build('user', { name: 'x' })).message).toBe(
      "Could not build url for endpoint 'user' with values ['name']. Did you forget to specify values ['id']?",
    )
    expect(buildError(() => m.build('user')).message).toBe(
      "Could not build url for endpoint 'user'. Did you forget to specify values ['id', 'name']?",
    )
  })
  it('names the rejected value, the placeholder and the rule', () => {
    expect(buildError(() => m.build('post', { id: 'abc' })).message).toBe(
      "Could not build url for endpoint 'post': value 'abc' is not valid for <int:id> in rule '/post/<int:id>' (expected an integer, got 'abc').",
    )
    expect(buildError(() => m.build('user', { id: 0, name: 'x' })).message).toBe(
      "Could not build url for endpoint 'user': value 0 is not valid for <int(min=1):id> in rule '/user/<int(min=1):id>/<name>' (0 is below min=1).",
    )
    expect(buildError(() => m.build('user', { id: 1, name: '' })).message).toMatch(
      /value '' is not valid for <name> .*does not match the converter's pattern \[\^\/\]\+/,
    )
  })
  it('names the methods the endpoint accepts', () => {
    const e = buildError(() => m.build('post', { id: 1 }, { method: 'DELETE' }))
    expect(e.message).toBe("Could not build url for endpoint 'post' ('DELETE'). Did you mean to use methods ['GET', 'HEAD']?")
    expect(e.method).toBe('DELETE')
  })
  it('is an Error with a name', () => {
    const e = buildError(() => m.build('nope'))
    expect(e).toBeInstanceOf(Error)
    expect(e.name).toBe('BuildError')
  })
})

describe('encodeQuery', () => {
  it('encodes like Werkzeug (space as +, keeps !$\'()*,/:;?@)', () => {
    expect(encodeQuery({ 'a b': "!$'()*,/:;?@&=+#é" })).toBe("a+b=!$'()*,/:;?@%26%3D%2B%23%C3%A9")
    expect(encodeQuery({ t: true, n: 1.5, list: [1, null, 2] })).toBe('t=true&n=1.5&list=1&list=2')
  })
})
