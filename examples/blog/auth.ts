/**
 * Registration, login and logout (Flaskr's auth.py).
 */
import { LibsqlError } from '@libsql/client'
import { Blueprint, checkPasswordHash, flash, g, generatePasswordHash, redirect, renderTemplate, request, session, urlFor, type View } from 'phial'
import { getDb } from './db.ts'

/** A row of the user table. */
export interface User {
  id: number
  username: string
  password: string
}

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
  if (userId === undefined) {
    g.user = null
    return
  }
  const { rows } = await getDb().execute({ sql: 'SELECT * FROM user WHERE id = ?', args: [userId] })
  g.user = (rows[0] as unknown as User | undefined) ?? null
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
        await getDb().execute({
          sql: 'INSERT INTO user (username, password) VALUES (?, ?)',
          args: [username, await generatePasswordHash(password)],
        })
        return redirect(urlFor('auth.login'))
      } catch (err) {
        if (!(err instanceof LibsqlError && err.code === 'SQLITE_CONSTRAINT')) throw err
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
    const { rows } = await getDb().execute({ sql: 'SELECT * FROM user WHERE username = ?', args: [username] })
    const user = rows[0] as unknown as User | undefined
    let error: string | null = null
    if (user === undefined) error = 'Incorrect username.'
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
