import { describe, expect, it } from 'vitest'
import { Blueprint, Phial, g, renderTemplateString } from 'phial'
import {
  Denial,
  Identity,
  ItemNeed,
  Need,
  Permission,
  PermissionDenied,
  Principal,
  RoleNeed,
  UserNeed,
  currentIdentity,
  identityChanged,
  identityLoaded,
} from 'phial/principal'

const adminPermission = new Permission(RoleNeed('admin'))
const anonPermission = new Permission()
const adminOrEditor = new Permission(RoleNeed('admin'), RoleNeed('editor'))
const editorPermission = new Permission(RoleNeed('editor'))
const adminDenied = new Denial(RoleNeed('admin'))

/** Flask-Principal's test app, ported: 'ali' is an admin. */
function mkapp(withFactory = false) {
  const app = new Phial(import.meta.url, { name: 'principal-test' })
  app.config.SECRET_KEY = 'notverysecret'
  const principal = new Principal()
  if (withFactory) principal.initApp(app)
  else principal.initApp(app)
  identityLoaded.connect((_app, { identity }) => {
    if (identity.id === 'ali') identity.provides.add(RoleNeed('admin'))
  }, { sender: app })
  const mkadmin = () => new Identity('ali')

  app.get('/', async function index() {
    await adminPermission.require(() => undefined)
    return 'hello'
  })
  app.get('/a', adminPermission.require()(function a() {
    return 'hello'
  }))
  app.get('/b', anonPermission.require()(function b() {
    return 'hello'
  }))
  app.get('/c', async function c() {
    return anonPermission.require(async () => {
      throw new Error('reraised')
    })
  })
  app.get('/e', async function e() {
    identityChanged.send(app, { identity: mkadmin() })
    return adminPermission.require(() => 'hello')
  })
  app.get('/f', async function f() {
    identityChanged.send(app, { identity: mkadmin() })
    return adminOrEditor.require(() => 'hello')
  })
  app.get('/g', adminPermission.require()(editorPermission.require()(function gView() {
    return 'hello'
  })))
  app.get('/k', adminPermission.require(404)(function k() {
    return 'hello'
  }))
  app.get('/l', function l() {
    const s: string[] = []
    if (!adminOrEditor.can()) s.push('not admin')
    identityChanged.send(app, { identity: new Identity('ali') })
    if (adminOrEditor.can()) s.push('now admin')
    return s.join('\n')
  })
  app.get('/m', async function m() {
    await adminDenied.require(() => undefined)
    return 'OK'
  })
  app.get('/n', async function n() {
    identityChanged.send(app, { identity: mkadmin() })
    await adminDenied.require(() => undefined)
    return 'OK'
  })
  app.get('/o', function o() {
    adminOrEditor.test()
    return 'OK'
  })
  app.get('/p', function p() {
    adminOrEditor.test(404)
    return 'OK'
  })
  app.get('/whoami', function whoami() {
    return { id: g.identity?.id ?? null, anonymous: currentIdentity().isAnonymous }
  })
  return app
}

describe('permissions through HTTP', () => {
  it.each([false, true])('denies with 403 (factory: %s)', async (factory) => {
    const client = mkapp(factory).testClient()
    expect((await client.get('/')).status).toBe(403)
    expect((await client.get('/a')).status).toBe(403)
    expect((await client.get('/b')).text).toBe('hello')
  })

  it('lets errors of the block through', async () => {
    const app = mkapp()
    const res = await app.testClient().get('/c')
    expect(res.status).toBe(500)
  })

  it('follows identityChanged, and identityLoaded adds the needs', async () => {
    const client = mkapp().testClient()
    expect((await client.get('/e')).text).toBe('hello')
    expect((await client.get('/f')).text).toBe('hello')
    // saved in the session: the next request is still ali
    expect((await client.get('/a')).text).toBe('hello')
    expect((await client.get('/whoami')).json).toEqual({ id: 'ali', anonymous: false })
  })

  it('nested requirements all apply', async () => {
    const client = mkapp().testClient()
    await client.get('/e')
    expect((await client.get('/g')).status).toBe(403) // ali is no editor
  })

  it('a custom status, and bool-like can()', async () => {
    const client = mkapp().testClient()
    const hidden = await client.get('/k')
    expect(hidden.status).toBe(404)
    // a hidden page reads like any missing one
    expect(hidden.text).toContain('Not Found')
    expect(hidden.text).not.toContain('permission')
    const res = await client.get('/l')
    expect(res.text).toBe('not admin\nnow admin')
  })

  it('Denial passes those without the need and stops those with it', async () => {
    const client = mkapp().testClient()
    expect((await client.get('/m')).text).toBe('OK')
    expect((await client.get('/n')).status).toBe(403)
  })

  it('test() raises 403 or the status given', async () => {
    const client = mkapp().testClient()
    expect((await client.get('/o')).status).toBe(403)
    expect((await client.get('/p')).status).toBe(404)
  })

  it('a custom handler sees the permission', async () => {
    const app = mkapp()
    app.errorHandler(PermissionDenied, (e) => [{ denied: e.permission === adminPermission, needs: [...(e.permission as Permission).needs] }, 403])
    const res = await app.testClient().get('/a')
    expect(res.status).toBe(403)
    expect(res.json).toEqual({ denied: true, needs: [{ method: 'role', value: 'admin' }] })
    const app2 = mkapp()
    app2.errorHandler(403, () => 'OK')
    expect((await app2.testClient().get('/a')).text).toBe('OK')
  })

  it('guards a blueprint as a beforeRequest hook', async () => {
    const app = mkapp()
    const admin = new Blueprint('admin', import.meta.url, { urlPrefix: '/admin' })
    admin.beforeRequest(adminPermission.require())
    admin.get('/panel', function panel() {
      return 'panel'
    })
    app.register(admin)
    const client = app.testClient()
    expect((await client.get('/admin/panel')).status).toBe(403)
    await client.get('/e')
    expect((await client.get('/admin/panel')).text).toBe('panel')
  })

  it('a 403 for a JSON client is JSON', async () => {
    const res = await mkapp().testClient().get('/a', { headers: { Accept: 'application/json' } })
    expect(res.status).toBe(403)
    expect(res.json.code).toBe(403)
  })

  it('the identity is usable in templates through g', async () => {
    const app = mkapp()
    app.get('/tpl', function tpl() {
      return renderTemplateString('{{ g.identity.id }}')
    })
    const client = app.testClient()
    await client.get('/e')
    expect((await client.get('/tpl')).text).toBe('ali')
  })
})

describe('needs and permission algebra', () => {
  it('compares needs by value', () => {
    expect(new Permission(Need('role', 'admin')).allows(Object.assign(new Identity('x'), {}))).toBe(false)
    const identity = new Identity('x')
    identity.provides.add(RoleNeed('admin'))
    expect(identity.can(new Permission(Need('role', 'admin')))).toBe(true)
    identity.provides.add(ItemNeed('update', 27, 'posts'))
    expect(identity.can(new Permission(ItemNeed('update', 27, 'posts')))).toBe(true)
    expect(identity.can(new Permission(ItemNeed('update', '27', 'posts')))).toBe(false)
    expect(identity.can(new Permission(UserNeed('x')))).toBe(false)
  })

  it('union and difference (Flask-Principal tests)', () => {
    const p1 = new Permission(Need('a', 'b'))
    const p2 = new Permission(Need('a', 'c'))
    const p3 = p1.union(p2)
    expect(p1.issubset(p3)).toBe(true)
    expect(p2.issubset(p3)).toBe(true)
    const q1 = new Permission(Need('a', 'b'), Need('a', 'c'))
    const q2 = new Permission(Need('a', 'c'), Need('d', 'e'))
    expect([...q1.difference(q2).needs]).toEqual([Need('a', 'b')])
    expect([...q2.difference(q1).needs]).toEqual([Need('d', 'e')])
  })

  it('union and difference with denials, and reverse', () => {
    const p1 = new Permission(Need('a', 'b'))
    const p2 = new Denial(Need('a', 'c'))
    const p3 = p1.union(p2)
    expect(p1.issubset(p3) && p2.issubset(p3)).toBe(true)
    const d1 = new Denial(Need('a', 'b'), Need('a', 'c'))
    const d2 = new Denial(Need('a', 'c'), Need('d', 'e'))
    expect([...d1.difference(d2).excludes]).toEqual([Need('a', 'b')])
    expect([...d2.difference(d1).excludes]).toEqual([Need('d', 'e')])
    expect(new Permission(Need('a', 'b')).reverse().excludes.has(Need('a', 'b'))).toBe(true)
  })
})
