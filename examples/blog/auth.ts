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
import { LoginForm, RegisterForm } from './forms.ts'
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
  const form = new RegisterForm()
  if (form.validateOnSubmit()) {
    const { username, password, email } = form.data
    try {
      await db.session.add(User, { username, password: await generatePasswordHash(password), email: email || null })
      await db.session.commit()
      return redirect(urlFor('auth.login'))
    } catch (err) {
      if (!(err instanceof IntegrityError && err.kind === 'unique')) throw err
      await db.session.rollback()
      form.username.errors.push(`User ${username} is already registered.`)
    }
  }
  // a form sent with errors is shown again with them, and a 400
  return [renderTemplate('auth/register.html', { form }), form.isSubmitted() ? 400 : 200]
})

auth.route('/login', { methods: ['GET', 'POST'] }, async function login() {
  const form = new LoginForm()
  if (!form.isSubmitted()) return renderTemplate('auth/login.html', { form })
  if (form.validateOnSubmit()) {
    const { username, password, remember } = form.data
    // too many failures for this user or from this address: refused before any password is hashed
    const throttle = throttleOf(currentApp)
    const address = request.remoteAddr ?? 'unknown'
    const wait = await throttle.retryAfter(address, username)
    if (wait > 0) {
      flash(`Too many failed logins. Try again in ${wait} seconds.`)
      return [renderTemplate('auth/login.html', { form }), 429, { 'Retry-After': String(wait) }]
    }
    const user = await db.session.findOne(User, { where: { username } })
    let error: string | null = null
    if (user === null) error = 'Incorrect username.'
    else if (!(await checkPasswordHash(user.password, password))) error = 'Incorrect password.'
    if (error === null) {
      await throttle.succeeded(username)
      // a new session (no fixation); with remember, a signed cookie that outlives the browser session
      await loginUser(user!, { remember })
      return redirect(safeNextUrl(urlFor('index')))
    }
    await throttle.failed(address, username)
    flash(error)
  }
  return [renderTemplate('auth/login.html', { form }), 400]
})

auth.get('/logout', function logout() {
  // ends the login and deletes the remember-me cookie
  logoutUser()
  return redirect(urlFor('index'))
})
