/**
 * Registration, login and logout (Flaskr's auth.py), on `phial/login`
 * (Flask-Login): the login manager loads the logged-in user from the
 * database for each request as `currentUser`, keeps a "remember me" cookie,
 * and sends anonymous visitors of `loginRequired` views to the login page
 * with `next`, which is only followed when it stays on this site.
 */
import { Blueprint, checkPasswordHash, currentApp, flash, generatePasswordHash, redirect, renderTemplate, request, urlFor } from 'phial'
import { LoginManager, loginUser, logoutUser, safeNextUrl } from 'phial/login'
import { IntegrityError } from 'phial/sql'
import { db } from './db.ts'
import { LoginForm, RegisterForm, validateForm } from './forms.ts'
import { User } from './models.ts'
import { throttleOf } from './throttle.ts'

declare module 'phial/login' {
  interface UserTypes {
    user: User
  }
}

export const auth = new Blueprint('auth', import.meta.url, { urlPrefix: '/auth' })

/** The blog's login manager: `loginManager.initApp(app)` in the factory. */
export const loginManager = new LoginManager()
loginManager.loginView = 'auth.login'

// the session and the remember-me cookie keep String(user.id)
loginManager.userLoader(async (id) => (/^\d{1,15}$/.test(id) ? db.session.get(User, Number(id)) : null))

auth.route('/register', { methods: ['GET', 'POST'] }, async function register() {
  if (request.method === 'GET') return renderTemplate('auth/register.html', { errors: {} })
  const form = await validateForm(RegisterForm, request.form)
  if (form.ok) {
    const { username, password } = form.data
    try {
      await db.session.add(User, { username, password: await generatePasswordHash(password) })
      await db.session.commit()
      return redirect(urlFor('auth.login'))
    } catch (err) {
      if (!(err instanceof IntegrityError && err.kind === 'unique')) throw err
      await db.session.rollback()
      form.errors.username = [`User ${username} is already registered.`]
    }
  }
  return [renderTemplate('auth/register.html', { errors: form.errors }), 400]
})

auth.route('/login', { methods: ['GET', 'POST'] }, async function login() {
  if (request.method === 'GET') return renderTemplate('auth/login.html', { errors: {} })
  const form = await validateForm(LoginForm, request.form)
  if (form.ok) {
    const { username, password, remember } = form.data
    // too many failures for this user or from this address: refused before any password is hashed
    const throttle = throttleOf(currentApp)
    const address = request.remoteAddr ?? 'unknown'
    const wait = throttle.retryAfter(address, username)
    if (wait > 0) {
      flash(`Too many failed logins. Try again in ${wait} seconds.`)
      return [renderTemplate('auth/login.html', { errors: {} }), 429, { 'Retry-After': String(wait) }]
    }
    const user = await db.session.findOne(User, { where: { username } })
    let error: string | null = null
    if (user === null) error = 'Incorrect username.'
    else if (!(await checkPasswordHash(user.password, password))) error = 'Incorrect password.'
    if (error === null) {
      throttle.succeeded(username)
      // a new session (no fixation); with remember, a signed cookie that outlives the browser session
      await loginUser(user!, { remember })
      return redirect(safeNextUrl(urlFor('index')))
    }
    throttle.failed(address, username)
    flash(error)
  }
  return [renderTemplate('auth/login.html', { errors: form.errors }), 400]
})

auth.get('/logout', function logout() {
  // ends the login and deletes the remember-me cookie
  logoutUser()
  return redirect(urlFor('index'))
})
