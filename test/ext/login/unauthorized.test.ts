import { describe, expect, expectTypeOf, it } from 'vitest'
import { Blueprint, session } from 'phial'
import { MethodView, addView } from 'phial/views'
import { currentUser, loginRequired, userUnauthorized } from 'phial/login'
import { makeApp, type TestUser } from './app.ts'

describe('loginRequired and unauthorized()', () => {
  it('answers 401 without a login view, and lets a logged-in user through', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    expect((await client.get('/secret')).status).toBe(401)
    await client.get('/login-1')
    expect((await client.get('/secret')).text).toBe('secret for Notch')
  })

  it('redirects to the login view with next and flashes the login message', async () => {
    const { app, login } = makeApp()
    app.get('/signin', function signin() {
      return 'Login Form Goes Here!'
    })
    login.loginView = 'signin'
    login.loginMessage = 'Log in!'
    login.loginMessageCategory = 'login'
    const client = app.testClient()
    const res = await client.get('/secret?tab=2')
    expect(res.status).toBe(302)
    expect(res.location).toBe('/signin?next=%2Fsecret%3Ftab%3D2')
    expect((await client.get('/flashes')).json.messages).toEqual([['login', 'Log in!']])
  })

  it('translates the message with localizeCallback, and flashes nothing when it is null', async () => {
    const { app, login } = makeApp()
    login.loginView = '/signin'
    login.localizeCallback = (m) => (m === 'Please log in to access this page.' ? 'Bitte einloggen.' : m)
    const client = app.testClient()
    await client.get('/secret')
    expect((await client.get('/flashes')).json.messages).toEqual([['message', 'Bitte einloggen.']])
    login.loginMessage = null
    await client.get('/secret')
    expect((await client.get('/flashes')).json.messages).toEqual([])
  })

  it('answers a JSON client with a 401 in JSON rather than an HTML redirect', async () => {
    const { app, login } = makeApp()
    login.loginView = '/signin'
    const res = await app.testClient().get('/secret', { headers: { Accept: 'application/json' } })
    expect(res.status).toBe(401)
    expect(res.json.code).toBe(401)
  })

  it('uses the unauthorizedHandler and sends userUnauthorized', async () => {
    const { app, login } = makeApp()
    login.unauthorizedHandler(() => ['This is secret!', 401])
    let heard = 0
    const res = await userUnauthorized.connectedTo(() => heard++, { sender: app }, () => app.testClient().get('/secret'))
    expect(res.status).toBe(401)
    expect(res.text).toBe('This is secret!')
    expect(heard).toBe(1)
  })

  it('keeps next in the session with USE_SESSION_FOR_NEXT', async () => {
    const { app, login } = makeApp({ config: { USE_SESSION_FOR_NEXT: true } })
    app.get('/signin', function signin() {
      return String(session.pop('next') ?? '')
    })
    login.loginView = 'signin'
    const client = app.testClient()
    const res = await client.get('/secret')
    expect(res.location).toBe('/signin')
    expect((await client.get('/signin')).text).toBe('/secret')
  })

  it('uses per-blueprint login views, and guards a whole blueprint as a beforeRequest hook', async () => {
    const { app, login } = makeApp()
    const admin = new Blueprint('admin', import.meta.url, { urlPrefix: '/admin' })
    admin.beforeRequest(loginRequired)
    admin.get('/login', function adminLogin() {
      return 'admin login'
    })
    admin.get('/panel', function panel() {
      return `panel of ${currentUser.isAuthenticated ? (currentUser as unknown as TestUser).name : '?'}`
    })
    app.register(admin)
    app.get('/app-login', function appLogin() {
      return 'app login'
    })
    login.loginView = 'appLogin'
    login.blueprintLoginViews = { admin: '/elsewhere' }
    const client = app.testClient()
    expect((await client.get('/secret')).location).toBe('/app-login?next=%2Fsecret')
    expect((await client.get('/admin/panel')).location).toBe('/elsewhere?next=%2Fadmin%2Fpanel')
    await client.get('/login-1')
    expect((await client.get('/admin/panel')).text).toBe('panel of Notch')
  })

  it('works in the decorators of a class-based view', async () => {
    const { app } = makeApp()
    class Dashboard extends MethodView {
      static override decorators = [loginRequired]
      get() {
        return `dashboard of ${currentUser.isAuthenticated ? (currentUser as unknown as TestUser).name : '?'}`
      }
    }
    addView(app, '/dashboard', Dashboard.asView('dashboard'))
    const client = app.testClient()
    expect((await client.get('/dashboard')).status).toBe(401)
    await client.get('/login-2')
    expect((await client.get('/dashboard')).text).toBe('dashboard of Steve')
    expect(app.viewFunctions.dashboard).toBeDefined()
  })

  it('keeps the view name as the endpoint, and the typed view arguments', async () => {
    const { app } = makeApp()
    expect(app.viewFunctions.secret).toBeDefined()
    app.get('/items/<int:id>', loginRequired(function item({ id }) {
      expectTypeOf(id).toEqualTypeOf<number>()
      return { id: id + 1 }
    }))
    const client = app.testClient()
    await client.get('/login-1')
    expect((await client.get('/items/41')).json).toEqual({ id: 42 })
  })

  it('lets OPTIONS through and is off with LOGIN_DISABLED', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    expect((await client.options('/secret')).status).toBe(200)
    app.config.LOGIN_DISABLED = true
    expect((await client.get('/secret')).text).toBe('secret for ?')
  })
})
