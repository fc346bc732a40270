/**
 * Users and authentication: register, log in, the current user and its
 * update (RealWorld's `/users`, `/users/login` and `/user`).
 */
import { abort, checkPasswordHash, currentContext, generatePasswordHash } from 'phial'
import { Blueprint, Resource } from 'phial/rest'
import { IntegrityError } from 'phial/sql'
import { TOKEN, authRequired, currentConduitUser, tokenFor } from './auth.ts'
import { db } from './db.ts'
import { ConduitUser } from './models.ts'
import { LoginUserRequest, NewUserRequest, UpdateUserRequest, UserResponse } from './schemas.ts'

/** `/users`, `/users/login` and `/user`: no common prefix. */
export const users = new Blueprint('users', { tags: ['User and Authentication'], description: 'Registration, login and the current user' })

// statuses without a schema are errors in the Api's format (GenericErrorModel)
const invalid = { 422: null }

/** The `{ user }` body: the user with a fresh token. @example return await userBody(user) */
export async function userBody(user: ConduitUser) {
  return { user: { email: user.email, token: await tokenFor(user), username: user.username, bio: user.bio, image: user.image } }
}

/** Hashes a password (`PASSWORD_HASH_METHOD` lets tests pick a cheaper method). @example await hashPassword('s3cret') */
export function hashPassword(password: string): Promise<string> {
  const method = currentContext().app.config.get('PASSWORD_HASH_METHOD') as string | undefined
  return generatePasswordHash(password, method ? { method } : {})
}

/** Runs a write; a unique email or username already taken is a 422 naming the field. */
async function uniquely<T>(write: () => Promise<T>): Promise<T> {
  try {
    const result = await write()
    await db.session.commit()
    return result
  } catch (err) {
    if (!(err instanceof IntegrityError && err.kind === 'unique')) throw err
    await db.session.rollback()
    const field = err.columns?.includes('email') || err.constraint?.includes('email') ? 'email' : 'username'
    abort(422, `${field} has already been taken`)
  }
}

class Users extends Resource {
  post = this.validate(
    { body: NewUserRequest, responses: { 201: UserResponse, ...invalid }, unknown: 'strip', operationId: 'CreateUser', summary: 'Register a new user' },
    async ({ body: { user } }) => {
      const created = await uniquely(async () => db.session.add(ConduitUser, {
        username: user.username,
        email: user.email.toLowerCase(),
        passwordHash: await hashPassword(user.password),
      }))
      return userBody(created)
    },
  )
}

class Login extends Resource {
  post = this.validate(
    { body: LoginUserRequest, responses: { 200: UserResponse, 401: null, ...invalid }, unknown: 'strip', operationId: 'Login', summary: 'Existing user login' },
    async ({ body: { user } }) => {
      const found = await db.session.findOne(ConduitUser, { where: { email: user.email.toLowerCase() } })
      if (found === null || !(await checkPasswordHash(found.passwordHash, user.password))) abort(401, 'email or password is invalid')
      return userBody(found)
    },
  )
}

class CurrentUser extends Resource {
  static override methodDecorators = [authRequired]

  get = this.validate(
    { responses: { 200: UserResponse, 401: null, ...invalid }, operationId: 'GetCurrentUser', summary: 'Get current user', security: TOKEN },
    () => userBody(currentConduitUser()),
  )

  put = this.validate(
    { body: UpdateUserRequest, responses: { 200: UserResponse, 401: null, ...invalid }, unknown: 'strip', operationId: 'UpdateCurrentUser', summary: 'Update current user', security: TOKEN },
    async ({ body: { user: changes } }) => {
      const me = currentConduitUser()
      const values: Partial<ConduitUser> = {}
      if (changes.email !== undefined) values.email = changes.email.toLowerCase()
      if (changes.username !== undefined) values.username = changes.username
      if (changes.bio !== undefined) values.bio = changes.bio
      if (changes.image !== undefined) values.image = changes.image
      if (changes.password !== undefined) values.passwordHash = await hashPassword(changes.password)
      if (Object.keys(values).length > 0) await uniquely(() => db.session.update(ConduitUser, { id: me.id }, values))
      return userBody({ ...me, ...values })
    },
  )
}

users.addResource(Users, '/users', { endpoint: 'users' })
users.addResource(Login, '/users/login', { endpoint: 'login' })
users.addResource(CurrentUser, '/user', { endpoint: 'current_user' })
