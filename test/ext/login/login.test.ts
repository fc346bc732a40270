import { describe, expect, it } from 'vitest'
import { Blueprint, Phial, renderTemplateString, request } from 'phial'
import { AnonymousUserMixin, LoginManager, currentUser, isAuthenticatedUser, loadUser, loginRequired, loginUser, userLoaded, userLoggedIn, userLoggedOut, userUnauthorized } from 'phial/login'
import { makeApp } from './app.ts'

describe('loginUser / logoutUser / currentUser', () => {
  it('keeps the login across requests and forgets it on logout', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    expect((await client.get('/username')).text).toBe('Anonymous')
    expect((await client.get('/login-1')).text).toBe('true')
    expect((await client.get('/username')).text).toBe('Notch')
    expect((await client.get('/logout')).text).toBe('logged out')
    expect((await client.get('/username')).text).toBe('Anonymous')
  })

  it('works the same with an asynchronous userLoader', async () => {
    const { app } = makeApp({ asyncLoader: true })
    const client = app.testClient()
    await client.get('/login-2')
    expect((await client.get('/username')).text).toBe('Steve')
    expect((await client.get('/secret')).text).toBe('secret for Steve')
  })

  it('with LOGIN_PRELOAD_USER false, loads an async user only where it is needed', async () => {
    const app = new Phial(import.meta.url, { name: 'lazy' })
    app.config.fromMapping({ SECRET_KEY: 'x', LOGIN_PRELOAD_USER: false })
    const login = new LoginManager(app)
    let lookups = 0
    login.userLoader(async (id) => {
      lookups++
      return { id }
    })
    app.get('/in', async function signIn() {
      await loginUser({ id: '5' })
      return 'in'
    })
    app.get('/public', function publicPage() {
      return 'no user needed'
    })
    app.get('/private', loginRequired(function privatePage() {
      return `user ${currentUser.getId()}`
    }))
    const client = app.testClient()
    await client.get('/in')
    await client.get('/public')
    expect(lookups).toBe(0)
    expect((await client.get('/private')).text).toBe('user 5')
    expect(lookups).toBe(1)
  })

  it('refuses an inactive user unless forced', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    expect((await client.get('/login-3')).text).toBe('false')
    expect((await client.get('/username')).text).toBe('Anonymous')
    expect((await client.get('/login-3?force=1')).text).toBe('true')
    expect((await client.get('/username')).text).toBe('Creeper')
  })

  it('logs out a user the loader no longer finds (a deleted user)', async () => {
    const { app, users } = makeApp()
    const client = app.testClient()
    await client.get('/login-1')
    users.delete('1')
    expect((await client.get('/username')).text).toBe('Anonymous')
  })

  it('sends userLoggedIn, userLoggedOut and userLoaded with the app as sender', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    const heard: string[] = []
    const off = [
      userLoggedIn.connect((_s, { user }) => heard.push(`in:${(user as { name: string }).name}`), { sender: app }),
      userLoggedOut.connect((_s, { user }) => heard.push(`out:${(user as { name: string }).name}`), { sender: app }),
      userLoaded.connect((_s, { source }) => heard.push(`loaded:${source}`), { sender: app }),
    ]
    await client.get('/login-1')
    await client.get('/username')
    await client.get('/logout')
    off.forEach((f) => f())
    expect(heard).toEqual(['in:Notch', 'loaded:session', 'loaded:session', 'out:Notch'])
  })

  it('gives templates current_user, with the Jinja spellings', async () => {
    const { app } = makeApp({ asyncLoader: true })
    app.get('/tpl', function tpl() {
      return renderTemplateString('{% if current_user.is_authenticated %}Hi {{ current_user.name }} ({{ current_user.get_id() }}){% else %}Hello stranger{% endif %}')
    })
    const client = app.testClient()
    expect((await client.get('/tpl')).text).toBe('Hello stranger')
    await client.get('/login-2')
    expect((await client.get('/tpl')).text).toBe('Hi Steve (2)')
  })

  it('gives a template rendered outside a request current_user null', async () => {
    const { app } = makeApp()
    const text = await app.appContext(() => renderTemplateString('[{{ current_user }}]'))
    expect(text).toBe('[]')
  })

  it('gives plain-object users the UserMixin defaults', async () => {
    const { app, login } = makeApp()
    const plain = { id: 9, name: 'Plain' }
    login.userLoader((id) => (id === '9' ? plain : null))
    app.get('/plain-login', async function plainLogin() {
      const { loginUser } = await import('phial/login')
      await loginUser(plain)
      return 'ok'
    })
    app.get('/plain', function plainView() {
      return { authenticated: currentUser.isAuthenticated, id: currentUser.getId(), anonymous: currentUser.isAnonymous }
    })
    const client = app.testClient()
    await client.get('/plain-login')
    expect((await client.get('/plain')).json).toEqual({ authenticated: true, id: '9', anonymous: false })
  })

  it('uses a custom anonymous user class', async () => {
    const { app, login } = makeApp()
    class Guest extends AnonymousUserMixin {
      readonly name = 'Guest'
    }
    login.anonymousUser = Guest
    app.get('/guest', function guest() {
      return (currentUser as unknown as Guest).name
    })
    expect((await app.testClient().get('/guest')).text).toBe('Guest')
  })

  it('says what to do when currentUser is read before an async loader ran, and loadUser() waits', async () => {
    const app = new Phial(import.meta.url, { name: 'early' })
    app.config.SECRET_KEY = 'x'
    app.beforeRequest(async () => {
      if (request.path === '/too-early') return currentUser.isAuthenticated ? 'yes' : 'no'
      if (request.path === '/awaited') return isAuthenticatedUser(await loadUser()) ? 'yes' : 'no'
    })
    const login = new LoginManager(app)
    login.userLoader(async (id) => (id === '1' ? { id: 1 } : null))
    app.get('/in', async function signIn() {
      await loginUser({ id: 1 })
      return 'in'
    })
    const client = app.testClient()
    await client.get('/in')
    const early = await client.get('/too-early')
    expect(early.status).toBe(500)
    expect((await client.get('/awaited')).text).toBe('yes')
  })
})
