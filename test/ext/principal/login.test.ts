import { describe, expect, it } from 'vitest'
import { Phial, request } from 'phial'
import { JWTManager, LoginManager, UserMixin, createAccessToken, loginUser, logoutUser } from 'phial/login'
import { ItemNeed, Permission, Principal, RoleNeed, currentIdentity, identityLoaded, rolesAccepted, rolesRequired } from 'phial/principal'

class Member extends UserMixin {
  constructor(
    readonly id: number,
    readonly name: string,
    readonly roles: Array<string | { name: string }>,
  ) {
    super()
  }
}

const editPost = (id: number) => new Permission(ItemNeed('update', id, 'posts'))

function makeApp() {
  const app = new Phial(import.meta.url, { name: 'principal-login' })
  app.config.SECRET_KEY = 'principal-login-secret'
  const members = new Map<string, Member>([
    ['1', new Member(1, 'root', ['admin', { name: 'editor' }])],
    ['2', new Member(2, 'ed', ['editor'])],
    ['3', new Member(3, 'reader', [])],
  ])
  const posts = new Map<number, { author: number }>([[10, { author: 2 }]])
  const login = new LoginManager(app)
  // an asynchronous loader, as a database gives
  login.userLoader(async (id) => members.get(id) ?? null)
  new JWTManager(app)
  new Principal(app)
  identityLoaded.connect((_app, { identity }) => {
    for (const [id, post] of posts) if (String(post.author) === identity.id) identity.provides.add(ItemNeed('update', id, 'posts'))
  }, { sender: app })

  app.get('/login/<int:id>', async function signIn({ id }) {
    await loginUser(members.get(String(id))!, { remember: request.args.get('remember') === '1' })
    // the identity follows at once, in the same request
    return { identity: currentIdentity().id, admin: new Permission(RoleNeed('admin')).can() }
  })
  app.get('/logout', function signOut() {
    logoutUser()
    return { identity: currentIdentity().id }
  })
  app.get('/token/<int:id>', async function token({ id }) {
    return { token: await createAccessToken(String(id)) }
  })
  app.get('/admin', rolesRequired('admin')(function admin() {
    return 'admin area'
  }))
  app.get('/admin-editor', rolesRequired('admin', 'editor')(function adminEditor() {
    return 'both'
  }))
  app.get('/drafts', rolesAccepted('editor', 'admin')(function drafts() {
    return 'drafts'
  }))
  app.post('/posts/<int:id>/delete', async function deletePost({ id }) {
    const anyEditor = new Permission(RoleNeed('admin')).union(editPost(id))
    return anyEditor.require(async () => {
      posts.delete(id)
      return 'deleted'
    })
  })
  app.get('/whoami', function whoami() {
    const identity = currentIdentity()
    return { id: identity.id, authType: identity.authType, provides: [...identity.provides] }
  })
  return { app, posts }
}

describe('principal with phial/login', () => {
  it('the identity follows login and logout, with a UserNeed and the roles', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    expect((await client.get('/whoami')).json).toEqual({ id: null, authType: null, provides: [] })
    expect((await client.get('/login/1')).json).toEqual({ identity: '1', admin: true })
    const who = (await client.get('/whoami')).json
    expect(who.id).toBe('1')
    expect(who.authType).toBe('session')
    expect(who.provides).toEqual([
      { method: 'id', value: '1' },
      { method: 'role', value: 'admin' },
      { method: 'role', value: 'editor' },
    ])
    expect((await client.get('/logout')).json).toEqual({ identity: null })
    expect((await client.get('/whoami')).json.id).toBe(null)
  })

  it('rolesRequired needs every role, rolesAccepted one; nobody logged in gets the login answer', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    expect((await client.get('/admin')).status).toBe(401)
    await client.get('/login/2')
    expect((await client.get('/admin')).status).toBe(403)
    expect((await client.get('/admin-editor')).status).toBe(403)
    expect((await client.get('/drafts')).text).toBe('drafts')
    await client.get('/login/1')
    expect((await client.get('/admin')).text).toBe('admin area')
    expect((await client.get('/admin-editor')).text).toBe('both')
    await client.get('/login/3')
    expect((await client.get('/drafts')).status).toBe(403)
  })

  it('item needs from identityLoaded: the author and an admin may delete, others get 403', async () => {
    const { app, posts } = makeApp()
    const reader = app.testClient()
    await reader.get('/login/3')
    expect((await reader.post('/posts/10/delete')).status).toBe(403)
    expect(posts.has(10)).toBe(true)
    const author = app.testClient()
    await author.get('/login/2')
    expect((await author.post('/posts/10/delete')).text).toBe('deleted')
    expect(posts.has(10)).toBe(false)
  })

  it('a remembered user and a token user get their identity too', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    await client.get('/login/1?remember=1')
    client.deleteCookie('session')
    const remembered = (await client.get('/whoami')).json
    expect([remembered.id, remembered.authType]).toEqual(['1', 'cookie'])
    const { token } = (await app.testClient().get('/token/2')).json
    const api = (await app.testClient().get('/whoami', { headers: { Authorization: `Bearer ${token}` } })).json
    expect([api.id, api.authType]).toEqual(['2', 'token'])
    expect((await app.testClient().get('/drafts', { headers: { Authorization: `Bearer ${token}` } })).text).toBe('drafts')
  })

  it('strong session protection also drops the identity', async () => {
    const { app } = makeApp()
    app.config.SESSION_PROTECTION = 'strong'
    const client = app.testClient()
    await client.get('/login/1', { remoteAddr: '10.0.0.1' })
    expect((await client.get('/admin', { remoteAddr: '10.0.0.1' })).text).toBe('admin area')
    expect((await client.get('/admin', { remoteAddr: '10.6.6.6' })).status).toBe(401)
  })
})
