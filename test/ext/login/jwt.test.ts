import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { SignJWT, UnsecuredJWT } from 'jose'
import { Phial, jsonify, request } from 'phial'
import {
  JWTManager,
  LoginManager,
  createAccessToken,
  createRefreshToken,
  currentUser,
  getCurrentUser,
  getJwt,
  getJwtIdentity,
  jwtRequired,
  loginRequired,
  setAccessCookies,
  unsetJwtCookies,
  userAccessed,
} from 'phial/login'

const SECRET = 'jwt-tests-secret-that-is-long-enough'

function makeApi(config: Record<string, unknown> = {}) {
  const app = new Phial(import.meta.url, { name: 'jwt-test' })
  app.config.SECRET_KEY = SECRET
  app.config.fromMapping(config)
  const users = new Map<string, { id: number; username: string }>([
    ['1', { id: 1, username: 'ada' }],
    ['2', { id: 2, username: 'bob' }],
  ])
  const login = new LoginManager(app)
  login.userLoader((id) => users.get(id) ?? null)
  const jwt = new JWTManager(app)
  const revoked = new Set<string>()
  jwt.tokenInBlocklistLoader((claims) => revoked.has(claims.jti))

  app.post('/api/login', async function apiLogin() {
    const user = users.get(String((request.json as { id?: unknown } | null)?.id))
    if (!user) return [{ msg: 'Bad username or password' }, 401]
    return {
      access_token: await createAccessToken(user, { name: user.username }, { fresh: true }),
      refresh_token: await createRefreshToken(user),
    }
  })
  app.get('/api/me', jwtRequired()(function me() {
    return { id: currentUser.getId(), identity: getJwtIdentity(), name: getJwt().name, authenticated: currentUser.isAuthenticated }
  }))
  app.get('/api/fresh', jwtRequired({ fresh: true })(function freshOnly() {
    return { ok: true }
  }))
  app.get('/api/optional', jwtRequired({ optional: true })(function optional() {
    return { user: currentUser.isAuthenticated ? currentUser.getId() : null }
  }))
  app.post('/api/refresh', jwtRequired({ refresh: true })(async function refresh() {
    return { access_token: await createAccessToken(getJwtIdentity()) }
  }))
  app.post('/api/logout', jwtRequired()(function apiLogout() {
    revoked.add(getJwt().jti!)
    return { ok: true }
  }))
  app.get('/session-or-token', loginRequired(function either() {
    return { id: currentUser.getId() }
  }))
  return { app, users, jwt }
}

async function tokensFor(app: Phial, id = 1): Promise<{ access_token: string; refresh_token: string }> {
  return (await app.testClient().post('/api/login', { json: { id } })).json
}

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } })

async function refused(res: Promise<{ status: number; json: any; headers: { get(n: string): string | null } }>, msg: string): Promise<void> {
  const r = await res
  expect(r.status).toBe(401)
  expect(r.json).toEqual({ msg })
  expect(r.headers.get('content-type')).toMatch(/application\/json/)
}

describe('token auth', () => {
  it('a token from createAccessToken opens jwtRequired views, and its user is currentUser', async () => {
    const { app } = makeApi()
    const { access_token } = await tokensFor(app)
    const res = await app.testClient().get('/api/me', bearer(access_token))
    expect(res.json).toEqual({ id: '1', identity: '1', name: 'ada', authenticated: true })
  })

  it('currentUser works the same for token and session users under loginRequired', async () => {
    const { app } = makeApi()
    const { access_token } = await tokensFor(app, 2)
    expect((await app.testClient().get('/session-or-token', bearer(access_token))).json).toEqual({ id: '2' })
    expect((await app.testClient().get('/session-or-token', bearer('not.a.token'))).status).toBe(401)
    expect((await app.testClient().get('/session-or-token')).status).toBe(401)
  })

  it('refuses a request without a token or with a bad header, in JSON whatever the client accepts', async () => {
    const { app } = makeApi()
    const client = app.testClient()
    await refused(client.get('/api/me', { headers: { Accept: 'text/html' } }), 'Missing Authorization Header')
    await refused(client.get('/api/me', { headers: { Authorization: 'Basic dXNlcjpwdw==' } }), "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'")
    await refused(client.get('/api/me', { headers: { Authorization: 'Bearer' } }), "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'")
    const res = await client.get('/api/me')
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
  })

  it('reads another scheme when configured (the RealWorld API sends "Token")', async () => {
    const { app } = makeApi({ JWT_HEADER_TYPE: 'Token' })
    const { access_token } = await tokensFor(app)
    const client = app.testClient()
    expect((await client.get('/api/me', { headers: { Authorization: `Token ${access_token}` } })).json.id).toBe('1')
    await refused(client.get('/api/me', bearer(access_token)), "Bad Authorization header. Expected 'Authorization: Token <JWT>'")
  })

  it('refuses a bad signature: another key, or a changed payload', async () => {
    const { app } = makeApi()
    const other = makeApi({ SECRET_KEY: 'a-completely-different-secret-key' }).app
    const { access_token: foreign } = await tokensFor(other)
    await refused(app.testClient().get('/api/me', bearer(foreign)), 'Signature verification failed')
    const { access_token } = await tokensFor(app)
    const [h, , s] = access_token.split('.')
    const forged = Buffer.from(JSON.stringify({ sub: '2', type: 'access', fresh: true, jti: randomUUID(), iat: 1, nbf: 1 })).toString('base64url')
    await refused(app.testClient().get('/api/me', bearer(`${h}.${forged}.${s}`)), 'Signature verification failed')
  })

  it('refuses alg "none" and an algorithm it was not told to accept', async () => {
    const { app } = makeApi()
    const now = Math.floor(Date.now() / 1000)
    const claims = { sub: '1', type: 'access', fresh: true, jti: randomUUID(), iat: now, nbf: now, exp: now + 600 }
    const unsigned = new UnsecuredJWT(claims).encode()
    await refused(app.testClient().get('/api/me', bearer(unsigned)), "The token's algorithm (none) is not allowed")
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(SECRET))
    await refused(app.testClient().get('/api/me', bearer(hs512)), "The token's algorithm (HS512) is not allowed")
    const accepted = makeApi({ JWT_DECODE_ALGORITHMS: ['HS256', 'HS512', 'none'] }).app
    expect((await accepted.testClient().get('/api/me', bearer(hs512))).status).toBe(200)
    await refused(accepted.testClient().get('/api/me', bearer(unsigned)), "The token's algorithm (none) is not allowed")
  })

  it('refuses an expired token (signed with the right key)', async () => {
    const { app } = makeApi()
    const past = Math.floor(Date.now() / 1000) - 3600
    const expired = await new SignJWT({ sub: '1', type: 'access', fresh: false, jti: randomUUID(), iat: past, nbf: past, exp: past + 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET))
    await refused(app.testClient().get('/api/me', bearer(expired)), 'Token has expired')
    // a leeway accepts a little clock skew, not an hour
    const lenient = makeApi({ JWT_DECODE_LEEWAY: 30 }).app
    await refused(lenient.testClient().get('/api/me', bearer(expired)), 'Token has expired')
  })

  it('refuses a short-lived token once it expires', async () => {
    const { app } = makeApi({ JWT_ACCESS_TOKEN_EXPIRES: 1 })
    const { access_token } = await tokensFor(app)
    expect((await app.testClient().get('/api/me', bearer(access_token))).status).toBe(200)
    await new Promise((r) => setTimeout(r, 2100))
    await refused(app.testClient().get('/api/me', bearer(access_token)), 'Token has expired')
  })

  it('refuses a valid token for a deleted user', async () => {
    const { app, users } = makeApi()
    const { access_token } = await tokensFor(app)
    users.delete('1')
    await refused(app.testClient().get('/api/me', bearer(access_token)), 'Error loading the user 1')
  })

  it('refuses garbage, and claims it did not make', async () => {
    const { app } = makeApi()
    await refused(app.testClient().get('/api/me', bearer('abc')), 'Invalid token: Invalid Compact JWS')
    const noType = await new SignJWT({ sub: '1', jti: randomUUID() }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().sign(new TextEncoder().encode(SECRET))
    await refused(app.testClient().get('/api/me', bearer(noType)), 'Invalid token: missing or invalid claim "type"')
    await refused(app.testClient().get('/api/me', bearer('x'.repeat(9000))), 'Invalid token: too long')
  })

  it('keeps access and refresh tokens apart, and refreshes', async () => {
    const { app } = makeApi()
    const { access_token, refresh_token } = await tokensFor(app)
    const client = app.testClient()
    await refused(client.get('/api/me', bearer(refresh_token)), 'Only non-refresh tokens are allowed')
    await refused(client.post('/api/refresh', bearer(access_token)), 'Only refresh tokens are allowed')
    const renewed = (await client.post('/api/refresh', bearer(refresh_token))).json.access_token
    expect((await client.get('/api/me', bearer(renewed))).json.id).toBe('1')
    // a refreshed token is not fresh
    await refused(client.get('/api/fresh', bearer(renewed)), 'Fresh token required')
    expect((await client.get('/api/fresh', bearer(access_token))).json).toEqual({ ok: true })
  })

  it('optional: an anonymous request runs the view at once (no promise), a guard hook returns nothing to wait for', async () => {
    const { app } = makeApi()
    // called as dispatch calls a view: (args, ctx)
    const view = jwtRequired({ optional: true })(function anonymous(_args: object, _ctx: unknown) {
      return 'sync'
    })
    const guard = jwtRequired({ optional: true })
    await app.testRequestContext('/x', (ctx) => {
      expect(view({}, ctx)).toBe('sync')
      expect(guard(ctx)).toBeUndefined()
    })
    // with a token (even a malformed one) the check runs
    await app.testRequestContext('/x', { headers: { Authorization: 'Bearer abc' } }, async (ctx) => {
      const checked = view({}, ctx) as unknown as Promise<unknown>
      expect(checked).toBeInstanceOf(Promise)
      await expect(checked).rejects.toThrow('Invalid token')
    })
  })

  it('optional: no token is anonymous, a bad token is still refused', async () => {
    const { app } = makeApi()
    const client = app.testClient()
    expect((await client.get('/api/optional')).json).toEqual({ user: null })
    await refused(client.get('/api/optional', bearer('abc')), 'Invalid token: Invalid Compact JWS')
    const { access_token } = await tokensFor(app, 2)
    expect((await client.get('/api/optional', bearer(access_token))).json).toEqual({ user: '2' })
  })

  it('refuses a revoked token', async () => {
    const { app } = makeApi()
    const { access_token } = await tokensFor(app)
    const client = app.testClient()
    expect((await client.post('/api/logout', bearer(access_token))).status).toBe(200)
    await refused(client.get('/api/me', bearer(access_token)), 'Token has been revoked')
  })

  it('does no user work for a request without credentials', async () => {
    const { app } = makeApi()
    app.get('/public', function publicPage() {
      return 'public'
    })
    let accessed = 0
    const res = await userAccessed.connectedTo(() => accessed++, { sender: app }, () => app.testClient().get('/public'))
    expect(res.text).toBe('public')
    expect(accessed).toBe(0)
    const { access_token } = await tokensFor(app)
    await userAccessed.connectedTo(() => accessed++, { sender: app }, () => app.testClient().get('/public', bearer(access_token)))
    expect(accessed).toBe(1) // a token is looked at before the view, so currentUser is ready
  })

  it('guards a blueprint-wide beforeRequest too', async () => {
    const { app } = makeApi()
    app.beforeRequest(jwtRequired())
    app.get('/api/everything', function everything() {
      return 'ok'
    })
    await refused(app.testClient().get('/api/everything'), 'Missing Authorization Header')
  })

  it('checks issuer and audience when configured, and refuses reserved claims', async () => {
    const issuing = makeApi({ JWT_ENCODE_ISSUER: 'phial', JWT_ENCODE_AUDIENCE: 'web', JWT_DECODE_ISSUER: 'phial', JWT_DECODE_AUDIENCE: 'web' }).app
    const { access_token } = await tokensFor(issuing)
    expect((await issuing.testClient().get('/api/me', bearer(access_token))).status).toBe(200)
    const otherAudience = makeApi({ JWT_DECODE_AUDIENCE: 'mobile' }).app
    await refused(otherAudience.testClient().get('/api/me', bearer(access_token)), 'Invalid token: the "aud" claim is not accepted')
    const fresh = makeApi({ TESTING: true }).app
    fresh.get('/reserved', async function reserved() {
      return createAccessToken('1', { exp: 1 })
    })
    await expect(fresh.testClient().get('/reserved')).rejects.toThrow('The claim "exp" is set by phial/login and cannot be given')
  })

  it('signs and verifies RS256 with PEM keys', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const { app } = makeApi({
      JWT_ALGORITHM: 'RS256',
      JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }),
    })
    const { access_token } = await tokensFor(app)
    expect(JSON.parse(Buffer.from(access_token.split('.')[0]!, 'base64url').toString()).alg).toBe('RS256')
    expect((await app.testClient().get('/api/me', bearer(access_token))).json.id).toBe('1')
    // an HS256 token made with the secret key does not pass for an RS256 one
    const hs = await new SignJWT({ sub: '1', type: 'access', jti: randomUUID() }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET))
    await refused(app.testClient().get('/api/me', bearer(hs)), "The token's algorithm (HS256) is not allowed")
  })
})

describe('tokens without a LoginManager', () => {
  it('getCurrentUser gives the looked-up user, and jwtRequired works in class-based views', async () => {
    const { MethodView, addView } = await import('phial/views')
    const app = new Phial(import.meta.url, { name: 'jwt-only' })
    app.config.JWT_SECRET_KEY = SECRET
    const jwt = new JWTManager(app)
    jwt.userLookupLoader((identity) => (identity === '7' ? { id: 7, name: 'seven' } : null))
    class Me extends MethodView {
      static override decorators = [jwtRequired()]
      get() {
        return { user: getCurrentUser() }
      }
    }
    addView(app, '/me', Me.asView('me'))
    app.get('/token', async function token() {
      return { token: await createAccessToken(7) }
    })
    const client = app.testClient()
    const { token } = (await client.get('/token')).json
    expect((await client.get('/me', bearer(token))).json).toEqual({ user: { id: 7, name: 'seven' } })
    await refused(client.get('/me'), 'Missing Authorization Header')
  })
})

describe('tokens in cookies', () => {
  function cookieApi() {
    const api = makeApi({ JWT_TOKEN_LOCATION: ['cookies', 'headers'] })
    api.app.post('/web/login', async function webLogin() {
      return setAccessCookies(jsonify({ ok: true }), await createAccessToken('1'))
    })
    api.app.post('/web/logout', function webLogout() {
      return unsetJwtCookies(jsonify({ ok: true }))
    })
    api.app.post('/web/post', jwtRequired()(function post() {
      return { posted: currentUser.getId() }
    }))
    return api
  }

  it('sets an HttpOnly token cookie and a readable CSRF cookie', async () => {
    const { app } = cookieApi()
    const client = app.testClient()
    const res = await client.post('/web/login')
    const cookies = res.headers.getSetCookie()
    expect(cookies.find((c) => c.startsWith('access_token_cookie='))).toMatch(/HttpOnly/i)
    expect(cookies.find((c) => c.startsWith('csrf_access_token='))).not.toMatch(/HttpOnly/i)
    expect((await client.get('/api/me')).json.id).toBe('1')
  })

  it('needs the double-submit CSRF header on unsafe methods', async () => {
    const { app } = cookieApi()
    const client = app.testClient()
    await client.post('/web/login')
    await refused(client.post('/web/post'), 'Missing CSRF token')
    await refused(client.post('/web/post', { headers: { 'X-CSRF-TOKEN': 'guess' } }), 'CSRF double submit tokens do not match')
    const csrf = client.getCookie('csrf_access_token')!
    expect((await client.post('/web/post', { headers: { 'X-CSRF-TOKEN': csrf } })).json).toEqual({ posted: '1' })
  })

  it('falls back to the header, reports both places when neither has a token, and logs out', async () => {
    const { app } = cookieApi()
    const client = app.testClient()
    await refused(client.get('/api/me'), 'Missing JWT in cookies or headers (Missing cookie "access_token_cookie"; Missing Authorization Header)')
    const { access_token } = await tokensFor(app)
    expect((await client.get('/api/me', bearer(access_token))).status).toBe(200)
    await client.post('/web/login')
    await client.post('/web/logout', { headers: { 'X-CSRF-TOKEN': client.getCookie('csrf_access_token')! } })
    expect(client.getCookie('access_token_cookie')).toBeUndefined()
    expect(client.getCookie('csrf_access_token')).toBeUndefined()
  })
})
