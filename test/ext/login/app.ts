/**
 * The app the login tests drive: Flask-Login's test app, ported.
 */
import { Phial, getFlashedMessages, redirect, request, session, urlFor } from 'phial'
import { LoginManager, UserMixin, confirmLogin, currentUser, freshLoginRequired, loginFresh, loginRequired, loginUser, logoutUser, safeNextUrl } from 'phial/login'

export class User extends UserMixin {
  constructor(
    readonly id: number,
    readonly name: string,
    readonly active = true,
  ) {
    super()
  }
  override get isActive(): boolean {
    return this.active
  }
}

// No `declare module 'phial/login' { interface UserTypes … }` here: an interface merge
// in a test would apply to the whole program, the reference app's own included. So
// `currentUser` is typed as whatever the reference app declares; the tests read their
// own users' fields through this shape.
export interface TestUser {
  name: string
}

export interface TestApp {
  app: Phial
  login: LoginManager
  users: Map<string, User>
}

export function makeApp(options: { asyncLoader?: boolean; config?: Record<string, unknown> } = {}): TestApp {
  const app = new Phial(import.meta.url, { name: 'login-test' })
  app.config.SECRET_KEY = 'login-tests-secret'
  app.config.TESTING = true
  app.config.fromMapping(options.config ?? {})
  const users = new Map<string, User>([
    ['1', new User(1, 'Notch')],
    ['2', new User(2, 'Steve')],
    ['3', new User(3, 'Creeper', false)],
  ])
  const login = new LoginManager(app)
  if (options.asyncLoader) {
    login.userLoader(async (id) => {
      await new Promise((r) => setTimeout(r, 1))
      return users.get(id) ?? null
    })
  } else {
    login.userLoader((id) => users.get(id) ?? null)
  }

  app.get('/', function index() {
    return 'Welcome!'
  })
  app.get('/secret', loginRequired(function secret() {
    return `secret for ${currentUser.isAuthenticated ? String((currentUser as unknown as TestUser).name) : '?'}`
  }))
  app.get('/needs-refresh', freshLoginRequired(function needsRefresh() {
    return 'fresh'
  }))
  app.get('/username', function username() {
    return currentUser.isAuthenticated ? String((currentUser as unknown as TestUser).name) : 'Anonymous'
  })
  app.get('/is-fresh', function isFresh() {
    return String(loginFresh())
  })
  app.get('/login-<int:id>', async function loginAs({ id }) {
    const user = users.get(String(id))
    if (!user) return ['no such user', 404]
    const remember = request.args.get('remember') === '1'
    const duration = request.args.get('duration')
    const force = request.args.get('force') === '1'
    const ok = await loginUser(user, { remember, force, duration: duration ? Number(duration) : undefined })
    return String(ok)
  })
  app.post('/login', async function loginForm() {
    const user = users.get(request.form.get('id') ?? '')
    if (!user) return ['Bad login', 401]
    await loginUser(user, { remember: request.form.get('remember') === 'on' })
    return redirect(safeNextUrl(urlFor('index')))
  })
  app.get('/logout', function logout() {
    logoutUser()
    return 'logged out'
  })
  app.get('/confirm-login', function confirm() {
    confirmLogin()
    return 'confirmed'
  })
  app.get('/flashes', function flashes() {
    return { messages: getFlashedMessages({ withCategories: true }) }
  })
  app.get('/session-keys', function sessionKeys() {
    return { keys: session.keys().sort() }
  })
  return { app, login, users }
}
