/**
 * Registration, login and logout (Flaskr's auth.py).
 */
import { Blueprint, checkPasswordHash, flash, g, generatePasswordHash, redirect, renderTemplate, request, session, urlFor, type View } from 'phial'
import { IntegrityError } from 'phial/sql'
import { db } from './db.ts'
import { User } from './models.ts'

declare module 'phial' {
  interface AppGlobals {
    user?: User | null
  }
  interface SessionData {
    userId?: number
  }
}

export const auth = new Blueprint('auth', import.meta.url, { urlPrefix: '/auth' })

/**
 * Wraps a view so that anonymous visitors are sent to the login page.
 *
 * @example
 * ```ts
 * blog.route('/create', { methods: ['GET', 'POST'] }, loginRequired(function create() { ... }))
 * ```
 */
export function loginRequired<A>(view: View<A>): View<A> {
  const wrapped: View<A> = (args, ctx) => {
    if (!g.user) return redirect(urlFor('auth.login'))
    return view(args, ctx)
  }
  Object.defineProperty(wrapped, 'name', { value: view.name })
  return wrapped
}

auth.beforeAppRequest(async function loadLoggedInUser() {
  const userId = session.get('userId')
  g.user = userId === undefined ? null : await db.session.get(User, userId)
})

auth.route('/register', { methods: ['GET', 'POST'] }, async function register() {
  if (request.method === 'POST') {
    const username = request.form.get('username')?.trim() ?? ''
    const password = request.form.get('password') ?? ''
    let error: string | null = null
    if (!username) error = 'Username is required.'
    else if (!password) error = 'Password is required.'
    if (error === null) {
      try {
        await db.session.add(User, { username, password: await generatePasswordHash(password) })
        await db.session.commit()
        return redirect(urlFor('auth.login'))
      } catch (err) {
        if (!(err instanceof IntegrityError && err.kind === 'unique')) throw err
        await db.session.rollback()
        error = `User ${username} is already registered.`
      }
    }
    flash(error)
  }
  return renderTemplate('auth/register.html')
})

auth.route('/login', { methods: ['GET', 'POST'] }, async function login() {
  if (request.method === 'POST') {
    const username = request.form.get('username') ?? ''
    const password = request.form.get('password') ?? ''
    const user = await db.session.findOne(User, { where: { username } })
    let error: string | null = null
    if (user === null) error = 'Incorrect username.'
    else if (!(await checkPasswordHash(user.password, password))) error = 'Incorrect password.'
    if (error === null) {
      session.clear()
      session.set('userId', user!.id)
      return redirect(urlFor('index'))
    }
    flash(error)
  }
  return renderTemplate('auth/login.html')
})

auth.get('/logout', function logout() {
  session.clear()
  return redirect(urlFor('index'))
})
